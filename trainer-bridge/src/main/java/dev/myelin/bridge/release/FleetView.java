package dev.myelin.bridge.release;

import dev.myelin.bridge.mqtt.MqttLink;
import dev.myelin.bridge.wire.HealthReport;
import dev.myelin.bridge.wire.PayloadException;
import dev.myelin.bridge.wire.RefusalLog;
import dev.myelin.bridge.wire.RobotStatus;
import dev.myelin.bridge.wire.Topics;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The trainer's view of a fleet, from the robots' retained status messages and their health reports. Refused
 * payloads (unknown version, malformed, a robot speaking for another) are counted by cause and logged with rate
 * limiting ({@link RefusalLog}), never applied.
 * Thread-safe: updated on the MQTT callback thread, read anywhere.
 */
public final class FleetView {

    private static final System.Logger LOG = System.getLogger(FleetView.class.getName());

    private final String fleet;
    private final Map<String, RobotStatus> status = new ConcurrentHashMap<>();
    private final List<Consumer<HealthReport>> healthListeners = new CopyOnWriteArrayList<>();
    private final RefusalLog refusals;

    /** Subscribes {@code link} to the fleet's status and health topics. */
    public FleetView(MqttLink link, String fleet) {
        this.fleet = Topics.name("fleet", fleet);
        this.refusals = new RefusalLog(LOG, "fleet " + fleet + ": ", RefusalLog.DEFAULT_INTERVAL);
        link.subscribe(Topics.everyRobot(fleet, "status"), 1, this::onStatus);
        link.subscribe(Topics.everyRobot(fleet, "health"), 1, this::onHealth);
    }

    private void onStatus(String topic, byte[] payload, boolean retained) {
        if (payload.length == 0) {
            return;
        }
        try {
            RobotStatus s = RobotStatus.parse(payload);
            checkSender(topic, s.robot(), s.fleet());
            status.put(s.robot(), s);
        } catch (PayloadException e) {
            refusals.refuse("status:" + e.field(), "status on " + topic + " refused: " + e.getMessage());
        }
    }

    private void onHealth(String topic, byte[] payload, boolean retained) {
        try {
            HealthReport r = HealthReport.parse(payload);
            checkSender(topic, r.robot(), fleet);
            for (Consumer<HealthReport> l : healthListeners) {
                l.accept(r);
            }
        } catch (PayloadException e) {
            refusals.refuse("health:" + e.field(), "health report on " + topic + " refused: " + e.getMessage());
        }
    }

    /** A robot may only speak for itself: the id in the payload must be the one in the topic. */
    private void checkSender(String topic, String robot, String payloadFleet) throws PayloadException {
        if (!robot.equals(Topics.robotOf(topic)) || !payloadFleet.equals(fleet)) {
            throw new PayloadException("robot", "payload speaks for " + payloadFleet + "/" + robot + " on " + topic);
        }
    }

    /** Called on the MQTT callback thread for every accepted health report; must not block. */
    public void onHealthReport(Consumer<HealthReport> listener) {
        healthListeners.add(listener);
    }

    public Map<String, RobotStatus> statuses() {
        return Map.copyOf(status);
    }

    /** Robots online now that run {@code policy}, sorted by id. */
    public List<RobotStatus> online(String policy) {
        return status.values().stream().filter(s -> s.online() && policy.equals(s.policy()))
                .sorted(java.util.Comparator.comparing(RobotStatus::robot)).toList();
    }

    /** Payloads refused so far. */
    public long refused() {
        return refusals.total();
    }

    /** Payloads refused so far, by cause. */
    public Map<String, Long> refusedByCause() {
        return refusals.counts();
    }
}

package dev.myelin.bridge.ota;

import dev.myelin.bridge.mqtt.MqttLink;
import dev.myelin.bridge.wire.HealthReport;
import dev.myelin.bridge.wire.Topics;
import dev.myelin.policy.bundle.ReleaseVersion;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.common.MqttException;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * The robot's health reports on their way to the trainer. A report that cannot be sent now waits (at most
 * {@value #MAX_PENDING}, oldest dropped first; periodic counters are not kept across an outage); reports
 * handed to the client but not acknowledged by the broker when the connection dropped are sent again after
 * the reconnect, in their order (the trainer keeps the first of each). Agent thread only.
 */
final class ReportQueue {

    static final int MAX_PENDING = 64;

    private record SentReport(HealthReport report, IMqttToken token) {
        boolean acknowledged() {
            return token.isComplete() && token.getException() == null;
        }
    }

    private final MqttLink link;
    private final String robotId;
    private final String policy;
    private final String topic;
    private final ArrayDeque<HealthReport> pending = new ArrayDeque<>();
    /** Reports handed to the client and not yet acknowledged by the broker; sent again after a reconnect. */
    private final List<SentReport> sent = new ArrayList<>();

    ReportQueue(MqttLink link, String fleet, String robotId, String policy) {
        this.link = link;
        this.robotId = robotId;
        this.policy = policy;
        this.topic = Topics.health(fleet, robotId);
    }

    /** A report about {@code rec}, stamped now. */
    HealthReport report(HealthReport.Event event, OtaState.SlotRecord rec, String reason, HealthCounters counters) {
        return report(event, rec.releaseId(), rec.version(), rec.fileSha256(), reason, counters);
    }

    HealthReport report(HealthReport.Event event, String releaseId, ReleaseVersion version, String sha, String reason,
                        HealthCounters c) {
        return new HealthReport(robotId, policy, releaseId, version.toString(), sha, event,
                reason, c.ticks(), c.safetyInterventions(), c.nanActions(), c.deadlineMisses(), System.currentTimeMillis());
    }

    /** Sends {@code r} now, or keeps it for the next connection. */
    void send(HealthReport r) {
        if (!trySend(r)) {
            queue(r);
        }
    }

    /** Keeps {@code r} for the next connection without trying now. */
    void queue(HealthReport r) {
        if (r.event() == HealthReport.Event.REPORT) {
            return; // periodic counters are not worth keeping across an outage
        }
        pending.addLast(r);
        while (pending.size() > MAX_PENDING) {
            pending.pollFirst();
        }
    }

    /** After a (re)connect: unacknowledged reports first, then the waiting ones, while the link takes them. */
    void resend() {
        for (int i = sent.size() - 1; i >= 0; i--) {
            if (!sent.get(i).acknowledged()) {
                pending.addFirst(sent.get(i).report());
            }
        }
        sent.clear();
        while (!pending.isEmpty()) {
            if (!trySend(pending.peekFirst())) {
                break;
            }
            pending.pollFirst();
        }
    }

    private boolean trySend(HealthReport r) {
        if (!link.isConnected()) {
            return false;
        }
        try {
            IMqttToken t = link.publish(topic, r.toBytes(), 1, false);
            sent.removeIf(SentReport::acknowledged);
            if (r.event() != HealthReport.Event.REPORT) {
                sent.add(new SentReport(r, t));
            }
            return true;
        } catch (MqttException e) {
            return false;
        }
    }
}

package dev.myelin.controller.diagnostics;

import dev.myelin.controller.ControllerStatus;
import dev.myelin.controller.hosting.PolicyHealth;
import dev.myelin.controller.safety.Intervention;
import dev.myelin.ros2.Node;
import dev.myelin.ros2.Publisher;
import dev.myelin.ros2.Qos;
import dev.myelin.ros2.msg.Field;
import dev.myelin.ros2.msg.Message;
import dev.myelin.ros2.msg.MessageArray;
import dev.myelin.ros2.msg.MessageType;
import org.HdrHistogram.Histogram;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Publishes the controller's state as {@code diagnostic_msgs/DiagnosticArray} with one
 * {@code DiagnosticStatus} named {@code myelin_controller} on its own thread (default 1 Hz): level
 * OK, WARN while the outputs are held safe or periods were missed in the last interval, ERROR while
 * the e-stop is latched; the key/value pairs are {@link #snapshot} of the status its supplier gives
 * (the controller's {@code status()}). Runs off the loop thread, so it may allocate.
 */
public final class DiagnosticsPublisher implements AutoCloseable {
    /** The status name under which the controller reports. */
    public static final String STATUS_NAME = "myelin_controller";

    private final Supplier<ControllerStatus> status;
    private final Publisher publisher;
    private final long periodNanos;
    private final String hardwareId;
    private final Message array;
    private final Field stampSec;
    private final Field stampNsec;
    private final Field statusField;
    private final MessageType statusType;
    private final MessageType keyValueType;
    private Thread thread;
    private volatile boolean running;
    private long lastMisses;
    private volatile long published;

    public DiagnosticsPublisher(Supplier<ControllerStatus> status, Node node, String topic, double periodSeconds,
                                String hardwareId) {
        this.status = status;
        MessageType type = node.messageType("diagnostic_msgs/msg/DiagnosticArray");
        this.publisher = node.createPublisher(topic, type, Qos.DEFAULT);
        this.periodNanos = Math.round(periodSeconds * 1e9);
        this.hardwareId = hardwareId;
        this.array = type.newMessage();
        this.stampSec = type.field("header.stamp.sec");
        this.stampNsec = type.field("header.stamp.nanosec");
        this.statusField = type.field("status");
        this.statusType = node.messageType("diagnostic_msgs/msg/DiagnosticStatus");
        this.keyValueType = node.messageType("diagnostic_msgs/msg/KeyValue");
    }

    public synchronized void start() {
        running = true;
        thread = Thread.ofPlatform().name("myelin-diagnostics").daemon(true).start(this::run);
    }

    /** Diagnostic arrays published so far. */
    public long published() {
        return published;
    }

    private void run() {
        long next = System.nanoTime() + periodNanos;
        while (running) {
            long wait = next - System.nanoTime();
            if (wait > 0) {
                java.util.concurrent.locks.LockSupport.parkNanos(this, wait);
                continue;
            }
            next += periodNanos;
            try {
                publishOnce();
            } catch (RuntimeException e) {
                // A failed publication is retried next period; the control loop is unaffected.
            }
        }
    }

    /** Takes the controller's status and publishes it as one array now. Diagnostics thread (or a test). */
    public synchronized void publishOnce() {
        ControllerStatus c = status.get();
        Map<String, String> values = snapshot(c);
        long misses = c.deadlineMisses();
        byte level;
        String message;
        if (c.estopLatched()) {
            level = 2;
            message = "e-stop latched";
        } else if (c.staleInput() != null) {
            level = 1;
            message = "input stale: " + c.staleInput();
        } else if (c.policy() == null) {
            level = 1;
            message = "no policy";
        } else if (misses > lastMisses) {
            level = 1;
            message = (misses - lastMisses) + " periods missed";
        } else {
            level = 0;
            message = c.lifecycle().name().toLowerCase(Locale.ROOT);
        }
        lastMisses = misses;
        long now = System.currentTimeMillis();
        array.setLong(stampSec, now / 1000);
        array.setLong(stampNsec, (now % 1000) * 1_000_000L);
        MessageArray statuses = array.messages(statusField);
        statuses.resize(1);
        Message status = statuses.get(0);
        status.setLong(statusType.field("level"), level);
        status.setString(statusType.field("name"), STATUS_NAME);
        status.setString(statusType.field("message"), message);
        status.setString(statusType.field("hardware_id"), hardwareId);
        MessageArray kv = status.messages(statusType.field("values"));
        kv.resize(values.size());
        int i = 0;
        Field key = keyValueType.field("key");
        Field value = keyValueType.field("value");
        for (Map.Entry<String, String> e : values.entrySet()) {
            Message m = kv.get(i++);
            m.setString(key, e.getKey());
            m.setString(value, e.getValue());
        }
        publisher.publish(array);
        published++;
    }

    /**
     * A controller status as diagnostics key/value pairs (times in microseconds, cumulative since
     * start): lifecycle, policy, rates, histograms' p50/p99/max, counters by cause, then the extra
     * pairs of the status.
     */
    public static Map<String, String> snapshot(ControllerStatus c) {
        Map<String, String> v = new LinkedHashMap<>();
        v.put("lifecycle", c.lifecycle().name().toLowerCase(Locale.ROOT));
        v.put("rate_hz", fmt(c.rateHz()));
        v.put("idle_strategy", c.idleStrategy());
        v.put("realtime_priority", Integer.toString(c.realtimePriority()));
        if (c.schedulingProblem() != null) {
            v.put("scheduling_problem", c.schedulingProblem());
        }
        PolicyHealth h = c.policy();
        v.put("policy", h == null ? "none" : h.name() + " " + h.version());
        v.put("policy_digest", h == null ? "" : h.digest());
        v.put("engine", c.engine());
        v.put("swaps", Long.toString(c.swaps()));
        v.put("ticks", Long.toString(c.ticks()));
        v.put("decisions", Long.toString(c.decisions()));
        v.put("deadline_misses", Long.toString(c.deadlineMisses()));
        v.put("missed_during_swaps", Long.toString(c.missedDuringSwaps()));
        v.put("tick_errors", Long.toString(c.tickErrors()));
        putHistogram(v, "period_jitter_us", c.jitter());
        putHistogram(v, "input_to_output_us", c.inputToOutput());
        putHistogram(v, "inference_us", c.inference());
        putHistogram(v, "input_to_handoff_us", c.inputToHandoff());
        putHistogram(v, "dds_write_us", c.outputWrite());
        v.put("energy_pj_per_decision", fmt(c.meanEnergyPicojoules()));
        v.put("energy_pj_last_decision", fmt(c.lastEnergyPicojoules()));
        v.put("estop_latched", Boolean.toString(c.estopLatched()));
        String stale = c.staleInput();
        v.put("stale_input", stale == null ? "none" : stale);
        v.put("episode_resets", Long.toString(c.episodeResets()));
        if (c.configured()) {
            for (Intervention i : Intervention.values()) {
                v.put("safety." + i.key(), Long.toString(c.interventions(i)));
            }
        }
        if (h != null) {
            v.put("policy.decisions", Long.toString(h.decisions()));
            v.put("policy.non_finite_actions", Long.toString(h.nonFiniteActions()));
            v.put("policy.faults", Long.toString(h.faults()));
            v.put("policy.deadline_misses", Long.toString(h.deadlineMisses()));
        }
        v.putAll(c.extra());
        return v;
    }

    private static void putHistogram(Map<String, String> v, String name, Histogram h) {
        v.put(name + ".p50", fmt(h.getTotalCount() == 0 ? 0 : h.getValueAtPercentile(50) / 1e3));
        v.put(name + ".p99", fmt(h.getTotalCount() == 0 ? 0 : h.getValueAtPercentile(99) / 1e3));
        v.put(name + ".max", fmt(h.getTotalCount() == 0 ? 0 : h.getMaxValue() / 1e3));
    }

    private static String fmt(double x) {
        return String.format(Locale.ROOT, "%.3f", x);
    }

    @Override
    public void close() {
        Thread t;
        synchronized (this) {
            running = false;
            t = thread;
        }
        if (t != null) {
            java.util.concurrent.locks.LockSupport.unpark(t);
            try {
                t.join(2_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        publisher.close();
    }
}

package dev.myelin.observe.decision;

import dev.myelin.observe.bag.BagRecorder;
import dev.myelin.observe.mcap.Mcap;
import dev.myelin.ros2.cdr.CdrWriter;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * Records a controller's decisions, one {@code myelin_msgs/msg/Decision} message per tick, as a
 * CDR channel of a {@link BagRecorder} next to the ROS topics it records: the observation vector,
 * the policy's action, the action before and after the safety gate, the intervention cause, spikes
 * (in all and per layer), SynOps, energy estimate, inference time and the active bundle's digest. {@link #record} runs on
 * the control thread: it encodes into a preallocated buffer and queues without blocking or
 * allocating (a full queue drops the tick and counts it).
 */
public final class DecisionRecorder {
    /** Default topic of the decision channel. */
    public static final String TOPIC = "/myelin/decision";
    /** Message type of the decision channel. */
    public static final String TYPE = "myelin_msgs/msg/Decision";
    /** Its ros2msg definition (no dependencies). */
    public static final String DEFINITION = """
            # One control tick of a Myelin controller.
            uint64 tick
            # tick start, nanoseconds since the epoch
            int64 stamp_ns
            float32[] observation
            # the engine's action vector, in the bundle's action order
            float32[] action
            # the command before and after the safety gate, in the controller's output order
            float32[] proposal
            float32[] command
            bool policy_ran
            bool decided
            bool engine_reset
            # why the safety gate held, changed or replaced the command; empty when it did not
            string cause
            # spikes of the decision, in all and per spiking layer (in the engine's layer order)
            uint64 spikes
            uint64[] layer_spikes
            uint64 syn_ops
            float64 energy_pj
            uint64 inference_ns
            string policy_digest
            """;

    private final BagRecorder bag;
    private final int channel;
    private final CdrWriter cdr = new CdrWriter(4096);
    private final Map<String, MemorySegment> utf8 = new HashMap<>();
    private String lastDigest;
    private MemorySegment lastDigestBytes = MemorySegment.ofArray(new byte[0]);
    private long recorded;
    private long dropped;

    /** Adds the decision channel {@code topic} to {@code bag}. */
    public DecisionRecorder(BagRecorder bag, String topic) throws IOException {
        this.bag = bag;
        this.channel = bag.addChannel(topic, TYPE, Mcap.SCHEMA_ROS2MSG, DEFINITION.getBytes(StandardCharsets.UTF_8),
                Mcap.ENCODING_CDR, Map.of()).id();
        utf8.put("", MemorySegment.ofArray(new byte[0]));
    }

    /**
     * Encodes and queues one tick. Control thread; allocation-free once the causes seen and the
     * active digest have been encoded once.
     *
     * @param cause the intervention's enum name, or null
     * @return false when the queue was full and the tick was dropped
     */
    public boolean record(long tick, long startNanos, float[] observation, float[] action, float[] proposal,
                          float[] command, boolean policyRan, boolean decided, boolean engineReset, String cause,
                          long spikes, long[] layerSpikes, int layerCount, long synOps, double energyPicojoules,
                          long inferenceNanos, String digest) {
        CdrWriter w = cdr;
        w.begin();
        w.writeLong(tick);
        w.writeLong(bag.wallNanos(startNanos));
        floats(w, observation);
        floats(w, action);
        floats(w, proposal);
        floats(w, command);
        w.writeBoolean(policyRan);
        w.writeBoolean(decided);
        w.writeBoolean(engineReset);
        MemorySegment c = cause == null ? utf8.get("") : utf8.computeIfAbsent(cause, DecisionRecorder::bytes);
        w.writeString(c, 0, (int) c.byteSize());
        w.writeLong(spikes);
        w.writeInt(layerCount);
        w.writeLongs(layerSpikes, 0, layerCount);
        w.writeLong(synOps);
        w.writeDouble(energyPicojoules);
        w.writeLong(inferenceNanos);
        if (digest != lastDigest) {
            lastDigest = digest;
            lastDigestBytes = bytes(digest == null ? "" : digest);
        }
        w.writeString(lastDigestBytes, 0, (int) lastDigestBytes.byteSize());
        long length = w.finish();
        if (bag.offer(channel, bag.wallNanos(startNanos), w.buffer(), 0, length)) {
            recorded++;
            return true;
        }
        dropped++;
        return false;
    }

    private static void floats(CdrWriter w, float[] values) {
        w.writeInt(values.length);
        w.writeFloats(values, 0, values.length);
    }

    private static MemorySegment bytes(String s) {
        return MemorySegment.ofArray(s.getBytes(StandardCharsets.UTF_8));
    }

    /** Ticks queued. */
    public long recorded() {
        return recorded;
    }

    /** Ticks dropped because the queue was full. */
    public long dropped() {
        return dropped;
    }
}

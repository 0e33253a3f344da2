package dev.myelin.observe.decision;

import dev.myelin.observe.bag.BagRecorder;
import dev.myelin.observe.mcap.McapReader;
import dev.myelin.ros2.cdr.CdrReader;
import dev.myelin.ros2.msg.CdrCodec;
import dev.myelin.ros2.msg.Message;
import dev.myelin.ros2.msg.MessageType;
import dev.myelin.ros2.msg.MessageTypes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.foreign.MemorySegment;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Decisions are encoded as their published definition says (a decoder built from
 * {@link DecisionRecorder#DEFINITION} reads back every field), and recording one allocates nothing
 * on the calling (control) thread.
 */
class DecisionRecorderTest {
    private static final long ALLOCATION_BUDGET_BYTES = 1024;
    private static final long[] LAYERS = {40, 30, 20, 99};

    @Test
    void decisionsDecodeWithTheirDefinitionAndRecordingAllocatesNothing(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("decisions.mcap");
        BagRecorder bag = new BagRecorder(null, file, new BagRecorder.Settings(64 * 1024, 64 << 20, 1_000_000_000L));
        DecisionRecorder rec = new DecisionRecorder(bag, DecisionRecorder.TOPIC);
        float[] obs = new float[20];
        float[] action = new float[2];
        float[] proposal = new float[2];
        float[] command = new float[2];
        String digest = "ab".repeat(32);
        String[] causes = {null, "CLAMP", "STALE_INPUT"};
        int warm = 150_000;
        int measured = 50_000;
        for (int t = 0; t < warm + measured; t++) {
            if (t == warm) {
                long before = allocated();
                for (int u = warm; u < warm + measured; u++) {
                    record(rec, u, obs, action, proposal, command, causes, digest);
                }
                long bytes = allocated() - before;
                assertTrue(bytes <= ALLOCATION_BUDGET_BYTES, bytes + " bytes allocated over " + measured + " decisions");
                break;
            }
            record(rec, t, obs, action, proposal, command, causes, digest);
        }
        bag.close();
        assertEquals(0, rec.dropped());

        MessageType type = new MessageTypes().define(DecisionRecorder.TYPE, DecisionRecorder.DEFINITION);
        Message m = type.newMessage();
        CdrReader cdr = new CdrReader();
        List<Long> ticks = new ArrayList<>();
        try (McapReader r = McapReader.open(file)) {
            assertEquals(warm + measured, r.messageCount());
            r.messages((ch, seq, log, pub, data, off, len) -> {
                cdr.wrap(MemorySegment.ofArray(data), off, len);
                CdrCodec.decode(cdr, m);
                long tick = m.getLong(type.field("tick"));
                ticks.add(tick);
                if (tick == 12_345) {
                    float[] o = new float[20];
                    for (int i = 0; i < 20; i++) {
                        o[i] = m.primitives(type.field("observation")).getFloat(i);
                    }
                    assertArrayEquals(expectedObservation(tick), o);
                    assertEquals(-0.5f, m.primitives(type.field("proposal")).getFloat(1));
                    assertEquals(0.25f, m.primitives(type.field("command")).getFloat(1));
                    assertEquals(tick * 0.001f, m.primitives(type.field("action")).getFloat(0));
                    assertEquals(causes[(int) (tick % 3)] == null ? "" : causes[(int) (tick % 3)], m.getString(type.field("cause")));
                    assertEquals(tick % 2 == 0, m.getBoolean(type.field("policy_ran")));
                    assertEquals(tick * 3, m.getLong(type.field("syn_ops")));
                    var layers = m.primitives(type.field("layer_spikes"));
                    assertEquals(tick % 3 + 1, layers.size());
                    assertEquals(40L, layers.getLong(0));
                    assertEquals(tick * 2.5, m.getDouble(type.field("energy_pj")));
                    assertEquals(digest, m.getString(type.field("policy_digest")));
                }
            });
        }
        assertEquals(warm + measured, ticks.size());
        assertEquals(0L, ticks.getFirst());
        assertEquals(warm + measured - 1L, (long) ticks.getLast());
    }

    @Test
    void decisionChannelDecodesWithTheOfficialReaders(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("few.mcap");
        BagRecorder bag = new BagRecorder(null, file, BagRecorder.Settings.DEFAULT);
        DecisionRecorder rec = new DecisionRecorder(bag, DecisionRecorder.TOPIC);
        float[] obs = new float[20];
        float[] action = new float[2];
        float[] proposal = new float[2];
        float[] command = new float[2];
        String[] causes = {null, "CLAMP", "STALE_INPUT"};
        for (int t = 0; t < 30; t++) {
            record(rec, t, obs, action, proposal, command, causes, "cd".repeat(32));
        }
        bag.close();
        com.fasterxml.jackson.databind.JsonNode out = new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(dev.myelin.observe.bag.NodeMcap.run("read.cjs", file.toString()));
        assertEquals(DecisionRecorder.TYPE, out.get("channels").get(DecisionRecorder.TOPIC).get("schemaName").asText());
        assertEquals(30, out.get("messages").size());
        for (int t = 0; t < 30; t++) {
            com.fasterxml.jackson.databind.JsonNode m = out.get("messages").get(t).get("message");
            assertEquals(String.valueOf(t), m.get("tick").asText());
            for (int i = 0; i < 20; i++) {
                assertEquals((double) (t + i * 0.5f), m.get("observation").get(i).asDouble());
            }
            assertEquals((double) (t * 0.001f), m.get("action").get(0).asDouble());
            assertEquals(-0.5, m.get("proposal").get(1).asDouble());
            assertEquals(0.25, m.get("command").get(1).asDouble());
            assertEquals(t % 2 == 0, m.get("policy_ran").asBoolean());
            assertEquals(causes[t % 3] == null ? "" : causes[t % 3], m.get("cause").asText());
            assertEquals(String.valueOf(t * 7), m.get("spikes").asText());
            assertEquals(t % 3 + 1, m.get("layer_spikes").size());
            assertEquals("40", m.get("layer_spikes").get(0).asText());
            assertEquals(String.valueOf(t * 3), m.get("syn_ops").asText());
            assertEquals(t * 2.5, m.get("energy_pj").asDouble());
            assertEquals(String.valueOf(1000 + t), m.get("inference_ns").asText());
            assertEquals("cd".repeat(32), m.get("policy_digest").asText());
        }
    }

    private static void record(DecisionRecorder rec, long t, float[] obs, float[] action, float[] proposal, float[] command,
                               String[] causes, String digest) {
        for (int i = 0; i < obs.length; i++) {
            obs[i] = t + i * 0.5f;
        }
        action[0] = t * 0.001f;
        proposal[1] = -0.5f;
        command[1] = 0.25f;
        rec.record(t, System.nanoTime(), obs, action, proposal, command, t % 2 == 0, true, false, causes[(int) (t % 3)],
                t * 7, LAYERS, (int) (t % 3) + 1, t * 3, t * 2.5, 1000 + t, digest);
    }

    private static float[] expectedObservation(long t) {
        float[] o = new float[20];
        for (int i = 0; i < 20; i++) {
            o[i] = t + i * 0.5f;
        }
        return o;
    }

    private static long allocated() {
        return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean()).getCurrentThreadAllocatedBytes();
    }
}

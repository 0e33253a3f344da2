package dev.myelin.bridge.experience;

import dev.myelin.bridge.wire.PayloadException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ExperienceOutboxTest {

    @TempDir
    Path tmp;

    private static ExperienceOutbox.Options small() {
        return new ExperienceOutbox.Options().segmentBytes(1 << 20).maxSegments(64);
    }

    /** Reads and acknowledges everything after the cursor, as the uploader does with the trainer's acks. */
    private static List<ExperienceTransition> drain(ExperienceOutbox o) throws Exception {
        List<ExperienceTransition> out = new ArrayList<>();
        ExperienceOutbox.Batch b;
        while ((b = o.nextBatch(64 * 1024)) != null) {
            ExperienceBatch decoded = ExperienceBatch.decode(b.payload());
            assertEquals(b.first(), decoded.first());
            assertEquals(b.count(), decoded.count());
            out.addAll(decoded.transitions());
            o.acknowledge(b);
        }
        return out;
    }

    private static void record(ExperienceOutbox o, long from, long to) {
        float[] obs = new float[6];
        float[] act = new float[2];
        for (long i = from; i < to; i++) {
            obs[0] = i;
            obs[5] = i * 2;
            act[0] = -i;
            act[1] = 0.5f;
            assertTrue(o.record(obs, act, i == 3 ? Float.NaN : i * 0.25f, i % 50 == 49, i, 7L), "recorded " + i);
        }
    }

    private static void assertSequence(List<ExperienceTransition> ts, long from, long to) {
        assertEquals(to - from, ts.size());
        for (int k = 0; k < ts.size(); k++) {
            long i = from + k;
            ExperienceTransition t = ts.get(k);
            assertEquals(i, t.timeNanos());
            assertArrayEquals(new float[] {i, 0, 0, 0, 0, i * 2}, t.observation());
            assertArrayEquals(new float[] {-i, 0.5f}, t.action());
            assertEquals(i == 3 ? Float.NaN : i * 0.25f, t.reward());
            assertEquals(i % 50 == 49, t.done());
            assertEquals(7L, t.policyTag());
        }
    }

    @Test
    void recordsComeBackInOrderAcrossSegmentsAndAcknowledgedSegmentsAreFreed() throws Exception {
        try (ExperienceOutbox o = ExperienceOutbox.open(tmp, "r1", small())) {
            int n = 0;
            for (int round = 0; round < 4; round++) {
                for (int k = 0; k < 8; k++) {
                    o.maintain();
                    record(o, n, n + 5000);
                    n += 5000;
                }
            }
            assertTrue(o.segmentsOnDisk() > 3, "several segments in use: " + o.segmentsOnDisk());
            List<ExperienceTransition> all = drain(o);
            assertSequence(all, 0, n);
            o.maintain();
            assertTrue(o.segmentsOnDisk() <= 2, "acknowledged segments are deleted: " + o.segmentsOnDisk());
            assertEquals(0, o.dropped());
        }
    }

    @Test
    void acknowledgedRecordsAreNotReadAgainAfterARestart() throws Exception {
        try (ExperienceOutbox o = ExperienceOutbox.open(tmp, "r1", small())) {
            o.maintain();
            record(o, 0, 3000);
            ExperienceOutbox.Batch b = o.nextBatch(16 * 1024);
            o.acknowledge(b);
            assertTrue(b.count() < 3000);
        }
        int acked;
        try (ExperienceOutbox o = ExperienceOutbox.open(tmp, "r1", small())) {
            List<ExperienceTransition> rest = drain(o);
            acked = 3000 - rest.size();
            assertTrue(acked > 0);
            assertEquals(acked, rest.get(0).timeNanos(), "continues right after the acknowledged batch");
            o.maintain();
            record(o, 3000, 4000);
            assertSequence(drain(o), 3000, 4000);
        }
    }

    /** One burst of a control loop's recording; a method of its own so it is compiled whole, not on-stack. */
    private static int recordBurst(ExperienceOutbox o, float[] obs, float[] act, int base) {
        int recorded = 0;
        for (int k = 0; k < 1000; k++) {
            int i = base + k;
            obs[0] = i;
            if (o.record(obs, act, i, (i & 1023) == 0, i, 1L)) {
                recorded++;
            }
        }
        return recorded;
    }

    @Test
    void recordingAllocatesNothing() throws Exception {
        try (ExperienceOutbox o = ExperienceOutbox.open(tmp, "r1", small().maxSegments(256))) {
            float[] obs = new float[24];
            float[] act = new float[2];
            // Warm-up of both paths: switching into a ready segment, and refusing when none is ready
            // (no uploader thread yet), so the measured calls run compiled code.
            for (int b = 0; b < 30; b++) {
                recordBurst(o, obs, act, b * 1000);
            }
            assertTrue(o.dropped() > 0, "the refusing path was exercised");
            AtomicBoolean run = new AtomicBoolean(true);
            Thread uploader = new Thread(() -> {
                while (run.get()) {
                    try {
                        o.maintain();
                        Thread.sleep(1);
                    } catch (Exception e) {
                        return;
                    }
                }
            });
            uploader.start();
            try {
                for (int b = 0; b < 100; b++) {
                    recordBurst(o, obs, act, b * 1000);
                    Thread.sleep(2);
                }
                // Rounds of 200k calls (about 28 segment switches each) until one allocates nothing: the first
                // round after a warm-up may still see the JIT deoptimise a rarely taken branch once, which
                // materialises scalar-replaced objects; steady state must be exactly zero.
                com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
                mx.getCurrentThreadAllocatedBytes();
                List<Long> rounds = new ArrayList<>();
                for (int round = 0; round < 20 && (rounds.isEmpty() || rounds.get(rounds.size() - 1) != 0); round++) { // until compiled
                    long droppedBefore = o.dropped();
                    long allocated = 0;
                    int recorded = 0;
                    for (int burst = 0; burst < 200; burst++) {
                        long before = mx.getCurrentThreadAllocatedBytes();
                        recorded += recordBurst(o, obs, act, burst * 1000);
                        allocated += mx.getCurrentThreadAllocatedBytes() - before;
                        Thread.sleep(2); // a control loop's pace: the uploader thread keeps a segment ready
                    }
                    // Far faster than any control loop; the uploader may fall behind and some calls take the
                    // (equally allocation-free) refusing path. Most must go through, switching segments.
                    assertTrue(recorded >= 100_000, "recorded " + recorded + ", dropped " + (o.dropped() - droppedBefore));
                    rounds.add(allocated);
                }
                assertEquals(0L, rounds.get(rounds.size() - 1), "bytes allocated per round of 200k record() calls: " + rounds);
            } finally {
                run.set(false);
                uploader.join();
            }
        }
    }

    @Test
    void fullDiskBudgetRefusesAndCountsInsteadOfEvictingUnsentRecords() throws Exception {
        try (ExperienceOutbox o = ExperienceOutbox.open(tmp, "r1", small().maxSegments(3))) {
            float[] obs = new float[200];
            float[] act = new float[2];
            long i = 0;
            while (o.dropped() == 0 && i < 1_000_000) {
                o.maintain();
                o.record(obs, act, 0f, false, i++, 1L);
            }
            assertTrue(o.dropped() > 0, "the budget filled up");
            long kept = o.recorded();
            List<ExperienceTransition> all = drain(o);
            assertEquals(kept, all.size(), "every record kept is delivered");
            o.maintain();
            o.maintain();
            assertTrue(o.record(obs, act, 0f, false, i, 1L), "recording resumes once acknowledged segments are freed");
        }
    }

    @Test
    void killedWriterLosesNothingItRecorded() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        Process p = new ProcessBuilder(java, "--enable-native-access=ALL-UNNAMED", "-cp", cp,
                OutboxWriterProcess.class.getName(), tmp.toString()).redirectErrorStream(true).start();
        long last = 0;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream()))) {
            String line;
            while ((line = r.readLine()) != null) {
                if (line.startsWith("RECORDED ")) {
                    last = Long.parseLong(line.substring(9));
                    if (last >= 300_000) {
                        break;
                    }
                }
            }
            p.destroyForcibly(); // SIGKILL mid-write
            assertTrue(p.waitFor(10, TimeUnit.SECONDS));
        }
        assertTrue(last >= 300_000, "the writer ran: " + last);
        try (ExperienceOutbox o = ExperienceOutbox.open(tmp, "r1", small().maxSegments(512))) {
            List<ExperienceTransition> all = drain(o);
            assertTrue(all.size() >= last, all.size() + " recovered, " + last + " reported recorded");
            for (int k = 0; k < all.size(); k++) {
                ExperienceTransition t = all.get(k);
                assertEquals(k, t.timeNanos(), "no gap, no duplicate");
                assertEquals(k, t.observation()[0]);
                assertEquals(-k, t.action()[0]);
            }
            // Recording goes on after the recovered records.
            o.maintain();
            float[] obs = new float[6];
            assertTrue(o.record(obs, new float[2], 0f, false, all.size(), 42L));
            List<ExperienceTransition> more = drain(o);
            assertEquals(1, more.size());
            assertEquals(all.size(), more.get(0).timeNanos());
        }
    }

    @Test
    void restartsAtRandomPointsNeitherLoseNorRepeatRecords() throws Exception {
        java.util.SplittableRandom rnd = new java.util.SplittableRandom(42);
        long next = 0;
        List<ExperienceTransition> delivered = new ArrayList<>();
        for (int run = 0; run < 12; run++) {
            try (ExperienceOutbox o = ExperienceOutbox.open(tmp, "r1", small().maxSegments(16))) {
                int steps = 1 + rnd.nextInt(40);
                for (int k = 0; k < steps; k++) {
                    o.maintain();
                    if (rnd.nextBoolean()) {
                        // Record until the disk budget refuses (unacknowledged records are never evicted).
                        int n = rnd.nextInt(10_000);
                        for (int i = 0; i < n && o.record(new float[] {next, 0, 0, 0, 0, next * 2}, new float[] {-next, 0.5f},
                                next == 3 ? Float.NaN : next * 0.25f, next % 50 == 49, next, 7L); i++) {
                            next++;
                        }
                    } else {
                        ExperienceOutbox.Batch b = o.nextBatch(1024 + rnd.nextInt(60_000));
                        if (b != null && rnd.nextInt(4) != 0) { // sometimes the acknowledgement never comes
                            delivered.addAll(ExperienceBatch.decode(b.payload()).transitions());
                            o.acknowledge(b);
                        }
                    }
                }
            }
        }
        try (ExperienceOutbox o = ExperienceOutbox.open(tmp, "r1", small().maxSegments(16))) {
            delivered.addAll(drain(o));
        }
        assertSequence(delivered, 0, next);
    }

    @Test
    void damagedCursorIsRefusedNamingTheFile() throws Exception {
        try (ExperienceOutbox o = ExperienceOutbox.open(tmp, "r1", small())) {
            o.maintain();
        }
        Files.write(tmp.resolve("cursor"), new byte[] {1, 2, 3});
        IOException e = assertThrows(IOException.class, () -> ExperienceOutbox.open(tmp, "r1", small()));
        assertTrue(e.getMessage().contains("cursor"), e.getMessage());
    }

    @Test
    void batchesWithDamageOrUnknownVersionsAreRefused() throws Exception {
        ExperienceBatch b = new ExperienceBatch("r1", 5L, 1, 0, List.of(new ExperienceTransition("r1", 5L, 1, 0, 10, 3,
                new float[] {1, 2}, new float[] {3}, 0.5f, false)));
        byte[] ok = b.encode();
        assertEquals(b.transitions().get(0).timeNanos(), ExperienceBatch.decode(ok).transitions().get(0).timeNanos());
        byte[] flipped = ok.clone();
        flipped[40] ^= 1;
        assertEquals("experience.crc", assertThrows(PayloadException.class, () -> ExperienceBatch.decode(flipped)).field());
        byte[] v2 = ok.clone();
        v2[4] = 2;
        assertEquals("experience.version", assertThrows(PayloadException.class, () -> ExperienceBatch.decode(v2)).field());
        byte[] cut = java.util.Arrays.copyOf(ok, 20);
        assertEquals("experience", assertThrows(PayloadException.class, () -> ExperienceBatch.decode(cut)).field());
        assertFalse(new AtomicLong().get() != 0);
    }
}

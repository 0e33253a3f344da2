package dev.myelin.trainer.seq;

import dev.myelin.trainer.nn.RandomStream;
import dev.myelin.trainer.rl.RunningNormalizer;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SequenceReplayTest {
    static final int LANES = 3;
    static final int AGENTS = 2;
    static final int OBS = 2;
    static final int ACT = 1;

    /**
     * Writes episodes of varying lengths; agent r of lane l at episode step k of its lane's episode e
     * observes (k, 1000 l + 10 e + r) and takes action k + 0.5 (so the previous action is k - 0.5).
     */
    static SequenceReplay filled(int capacity, int steps) {
        SequenceReplay replay = new SequenceReplay(LANES, AGENTS, OBS, ACT, capacity);
        int n = LANES * AGENTS;
        float[] o = new float[n * OBS];
        float[] pa = new float[n * ACT];
        float[] pr = new float[n];
        float[] a = new float[n * ACT];
        float[] r = new float[n];
        float[] next = new float[n * OBS];
        boolean[] term = new boolean[n];
        boolean[] end = new boolean[n];
        int[] step = new int[LANES];
        int[] episode = new int[LANES];
        for (int t = 0; t < steps; t++) {
            for (int l = 0; l < LANES; l++) {
                int len = 5 + (episode[l] * 7 + l * 3) % 13;
                boolean ends = step[l] == len - 1;
                for (int g = 0; g < AGENTS; g++) {
                    int i = l * AGENTS + g;
                    float id = 1000 * l + 10 * episode[l] + g;
                    o[i * OBS] = step[l];
                    o[i * OBS + 1] = id;
                    pa[i] = step[l] == 0 ? 0f : step[l] - 0.5f;
                    pr[i] = step[l] == 0 ? 0f : step[l] - 1;
                    a[i] = step[l] + 0.5f;
                    r[i] = step[l] + g;
                    next[i * OBS] = step[l] + 1;
                    next[i * OBS + 1] = id;
                    term[i] = ends && episode[l] % 2 == 0;
                    end[i] = ends;
                }
            }
            replay.add(o, pa, pr, a, r, next, term, end);
            for (int l = 0; l < LANES; l++) {
                int len = 5 + (episode[l] * 7 + l * 3) % 13;
                if (step[l] == len - 1) {
                    step[l] = 0;
                    episode[l]++;
                } else {
                    step[l]++;
                }
            }
        }
        return replay;
    }

    static RunningNormalizer identity() {
        return new RunningNormalizer(OBS, 1e6f, false);
    }

    @Test
    void windowsStayInsideOneEpisodeAndBurnInStopsAtItsStart() {
        // room for everything: no step is overwritten, so every episode start is still stored
        SequenceReplay replay = filled(400, 200);
        int burnIn = 4;
        int length = 6;
        SequenceReplay.Batch b = new SequenceReplay.Batch(32, AGENTS, OBS, ACT, burnIn, length, 3);
        RandomStream rnd = new RandomStream(3);
        int shortBurnIns = 0;
        for (int draw = 0; draw < 200; draw++) {
            replay.sample(b, rnd, identity());
            int seqs = b.batch * AGENTS;
            int expectedRows = 0;
            for (int w = 0; w < b.batch; w++) {
                int valid = b.validSteps[w];
                int first = b.firstLoss[w];
                assertTrue(first <= burnIn && first < valid, "burn-in " + first + " of " + valid + " valid steps");
                float step0 = b.observations[(w * AGENTS) * OBS];
                if (first < burnIn) {
                    shortBurnIns++;
                    assertEquals(0f, step0, "a shortened burn-in starts exactly at the episode start");
                }
                for (int g = 0; g < AGENTS; g++) {
                    int q0 = w * AGENTS + g;
                    float id = b.observations[q0 * OBS + 1];
                    for (int i = 0; i < valid; i++) {
                        int q = i * seqs + q0;
                        assertEquals(id, b.observations[q * OBS + 1], "episode changed inside a window");
                        assertEquals(step0 + i, b.observations[q * OBS], "steps are consecutive");
                        assertEquals(step0 + i == 0 ? 0f : step0 + i - 0.5f, b.previousActions[q], "previous action");
                        assertEquals(b.episode[w], b.episode[i * b.batch + w]);
                    }
                    // the step after the last valid one holds the next observation and the last action
                    int q = valid * seqs + q0;
                    assertEquals(step0 + valid, b.observations[q * OBS]);
                    assertEquals(id, b.observations[q * OBS + 1]);
                    assertEquals(step0 + valid - 0.5f, b.previousActions[q]);
                    // then zero padding
                    for (int i = valid + 1; i <= b.window; i++) {
                        int p = i * seqs + q0;
                        assertEquals(0f, b.observations[p * OBS]);
                        assertEquals(0f, b.observations[p * OBS + 1]);
                        assertEquals(0f, b.previousActions[p]);
                    }
                }
                expectedRows += Math.min(length, valid - first);
            }
            assertEquals(expectedRows, b.rows, "one loss row per valid step from the anchor on, at most length per window");
            for (int k = 0; k < b.rows; k++) {
                int w = b.rowSequence[k];
                int i = b.rowStep[k];
                assertTrue(i >= b.firstLoss[w] && i < b.firstLoss[w] + length && i < b.validSteps[w], "no loss in burn-in or padding");
                float step = b.observations[((i * b.batch + w) * AGENTS) * OBS];
                assertEquals(step + 0.5f, b.action[k * AGENTS], "action taken at the loss step");
                assertEquals(step + 0.5f, b.reward[k], 1e-6f, "team reward is the agents' mean");
                checkHistory(b, k, step);
            }
        }
        assertTrue(shortBurnIns > 0, "some windows begin at an episode start");
    }

    /** History entries j = 0..H-1 hold steps step-H+1+j (zero before the episode start); the next history is one later. */
    private static void checkHistory(SequenceReplay.Batch b, int k, float step) {
        int h = b.history;
        int entry = OBS + ACT;
        for (int g = 0; g < AGENTS; g++) {
            for (int j = 0; j < h; j++) {
                int off = k * b.historyWidth + g * h * entry + j * entry;
                float s = step - (h - 1) + j;
                if (s >= 0) {
                    assertEquals(s, b.historyNow[off]);
                    assertEquals(s == 0 ? 0f : s - 0.5f, b.historyNow[off + OBS]);
                } else {
                    assertEquals(0f, b.historyNow[off]);
                    assertEquals(0f, b.historyNow[off + 1]);
                }
                float sn = s + 1;
                if (sn >= 0) {
                    assertEquals(sn, b.historyNext[off]);
                    assertEquals(sn == 0 ? 0f : sn - 0.5f, b.historyNext[off + OBS]);
                } else {
                    assertEquals(0f, b.historyNext[off + 1]);
                }
            }
        }
    }

    @Test
    void overwrittenStepsAreNeverInsideAWindow() {
        SequenceReplay replay = filled(24, 500);
        SequenceReplay.Batch b = new SequenceReplay.Batch(32, AGENTS, OBS, ACT, 6, 6, 2);
        RandomStream rnd = new RandomStream(9);
        for (int draw = 0; draw < 100; draw++) {
            replay.sample(b, rnd, identity());
            for (int w = 0; w < b.batch; w++) {
                long first = b.position[w];
                assertTrue(first >= 500 - 24, "window starts at position " + first + ", older than the ring");
                for (int i = 1; i < b.validSteps[w]; i++) {
                    assertEquals(first + i, b.position[i * b.batch + w]);
                }
            }
        }
    }

    @Test
    void refusesMismatchedBatchesAndEmptySampling() {
        SequenceReplay replay = new SequenceReplay(2, 1, 3, 1, 10);
        SequenceReplay.Batch b = new SequenceReplay.Batch(4, 1, 3, 1, 2, 4, 2);
        assertThrows(IllegalStateException.class, () -> replay.sample(b, new RandomStream(1), new RunningNormalizer(3, 3f, false)));
        SequenceReplay.Batch wrong = new SequenceReplay.Batch(4, 2, 3, 1, 2, 4, 2);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> replay.sample(wrong, new RandomStream(1), new RunningNormalizer(3, 3f, false)));
        assertTrue(e.getMessage().contains("agents"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new SequenceReplay(0, 1, 3, 1, 10));
    }

    @Test
    void samplingAllocatesNothing() {
        SequenceReplay replay = filled(64, 300);
        SequenceReplay.Batch b = new SequenceReplay.Batch(16, AGENTS, OBS, ACT, 4, 8, 4);
        RandomStream rnd = new RandomStream(5);
        RunningNormalizer n = identity();
        for (int i = 0; i < 200; i++) {
            replay.sample(b, rnd, n);
        }
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        long before = mx.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < 200; i++) {
            replay.sample(b, rnd, n);
        }
        long after = mx.getCurrentThreadAllocatedBytes();
        assertTrue(after - before < 1024, "sampling allocated " + (after - before) + " bytes");
    }
}

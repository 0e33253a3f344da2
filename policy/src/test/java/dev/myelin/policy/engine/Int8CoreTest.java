package dev.myelin.policy.engine;

import dev.myelin.policy.model.PopSan;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A core rebuilt from its exported layers (what a board receives) computes the same spikes. */
class Int8CoreTest {

    @Test
    void coreRebuiltFromItsLayersIsBitIdentical() {
        PopSan net = (PopSan) Networks.popsan(4).network();
        Int8Core original = Int8Core.of(net);
        List<Int8Core.Layer> copied = new ArrayList<>();
        for (Int8Core.Layer l : original.layers()) {
            Int8Synapses s = l.synapses();
            long[] m = new long[s.outputs()];
            for (int i = 0; i < m.length; i++) {
                m[i] = s.multiplier(i);
            }
            copied.add(new Int8Core.Layer(Int8Synapses.of(s.outputs(), s.inputs(), s.weights(), m), l.biasQ12(),
                    l.currentDecay(), l.voltageDecay(), l.threshold()));
        }
        Int8Core rebuilt = new Int8Core(copied);
        SplittableRandom rnd = new SplittableRandom(5);
        int[] in = new int[original.inputSize()];
        long total = 0;
        for (int decision = 0; decision < 20; decision++) {
            original.reset();
            rebuilt.reset();
            for (int t = 0; t < 5; t++) {
                for (int k = 0; k < in.length; k++) {
                    in[k] = rnd.nextInt(4) == 0 ? 1 : 0;
                }
                int[] a = original.step(in).clone();
                int[] b = rebuilt.step(in);
                assertArrayEquals(a, b);
            }
            assertEquals(original.synOps(), rebuilt.synOps());
            assertEquals(original.spikes(), rebuilt.spikes());
            total += original.spikes();
        }
        assertTrue(total > 0);
    }

    @Test
    void malformedLayersAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> Int8Synapses.of(2, 2, new byte[3], new long[] {1, 1}));
        assertThrows(IllegalArgumentException.class,
                () -> Int8Synapses.of(1, 1, new byte[] {Byte.MIN_VALUE}, new long[] {1}));
        assertThrows(IllegalArgumentException.class, () -> Int8Synapses.of(1, 1, new byte[] {1}, new long[] {0}));
        assertThrows(IllegalArgumentException.class, () -> new FixedLif(4, 5000, 2048, 2048));
        Int8Synapses s = Int8Synapses.of(2, 3, new byte[6], new long[] {1, 1});
        Int8Synapses t = Int8Synapses.of(2, 2, new byte[4], new long[] {1, 1});
        assertThrows(IllegalArgumentException.class, () -> new Int8Core(List.of(
                new Int8Core.Layer(s, new int[2], 2048, 3072, 2048),
                new Int8Core.Layer(Int8Synapses.of(1, 3, new byte[3], new long[] {1}), new int[1], 2048, 3072, 2048))));
        assertEquals(2, new Int8Core(List.of(new Int8Core.Layer(t, new int[2], 2048, 3072, 2048))).outputSize());
    }
}

package dev.myelin.policy.engine;

import dev.myelin.policy.model.Policy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What every engine promises, for every network family. */
class EngineContractTest {

    static Stream<Arguments> engines() {
        List<Arguments> out = new ArrayList<>();
        for (String engine : InferenceEngines.BUILT_IN) {
            for (Policy p : Networks.allFamilies(7)) {
                out.add(Arguments.of(engine, p));
            }
        }
        return out.stream();
    }

    @Test
    void testsRunWithTheVectorKernels() {
        assertTrue(Columns.VECTOR, "the test JVM must run with --add-modules jdk.incubator.vector");
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("engines")
    void actAllocatesNothingAfterWarmUp(String engine, Policy policy) {
        InferenceEngine e = InferenceEngines.create(engine, policy);
        float[][] stream = Networks.observations(e.observationSize(), 64, 3);
        float[] action = new float[e.actionSize()];
        for (int i = 0; i < 20_000; i++) {
            e.act(stream[i & 63], action);
            e.reward(0.5f);
        }
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long before = mx.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < 5_000; i++) {
            e.act(stream[i & 63], action);
            e.reward(0.5f);
        }
        long allocated = mx.getCurrentThreadAllocatedBytes() - before;
        assertEquals(0, allocated, engine + " on " + policy.network().family() + " allocated " + allocated
                + " bytes in 5000 decisions");
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("engines")
    void actionsAreFiniteAndInRange(String engine, Policy policy) {
        InferenceEngine e = InferenceEngines.create(engine, policy);
        float[] action = new float[e.actionSize()];
        for (float[] o : Networks.observations(e.observationSize(), 50, 11)) {
            e.act(o, action);
            for (int j = 0; j < action.length; j++) {
                assertTrue(Float.isFinite(action[j]));
                assertTrue(action[j] >= policy.actions().get(j).low() && action[j] <= policy.actions().get(j).high());
            }
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("engines")
    void spikesPerLayerAddUpToTheTotal(String engine, Policy policy) {
        InferenceEngine e = InferenceEngines.create(engine, policy);
        float[] action = new float[e.actionSize()];
        EnergyMeter m = e.energy();
        assertTrue(m.layerCount() >= 2, engine + " counts " + m.layerCount() + " layers");
        long total = 0;
        for (float[] o : Networks.observations(e.observationSize(), 20, 5)) {
            e.act(o, action);
            long sum = 0;
            for (int i = 0; i < m.layerCount(); i++) {
                assertTrue(m.layerSpikes(i) >= 0 && !m.layerName(i).isEmpty());
                sum += m.layerSpikes(i);
            }
            assertEquals(m.spikes(), sum);
            total += sum;
        }
        assertTrue(total > 0, "some layer fired");
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("engines")
    void badObservationIsRefusedAndLeavesStateUntouched(String engine, Policy policy) {
        InferenceEngine clean = InferenceEngines.create(engine, policy);
        InferenceEngine poked = InferenceEngines.create(engine, policy);
        float[][] stream = Networks.observations(clean.observationSize(), 6, 5);
        float[] a = new float[clean.actionSize()];
        float[] b = new float[clean.actionSize()];
        float[] nan = stream[0].clone();
        nan[1] = Float.NaN;
        for (int i = 0; i < stream.length; i++) {
            clean.act(stream[i], a);
            if (i == 2) {
                IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, () -> poked.act(nan, b));
                assertTrue(ex.getMessage().contains("observation[1]"), ex.getMessage());
                IllegalArgumentException len = assertThrows(IllegalArgumentException.class,
                        () -> poked.act(new float[clean.observationSize() + 1], b));
                assertTrue(len.getMessage().contains("values"), len.getMessage());
            }
            poked.act(stream[i], b);
            assertArrayEquals(a, b, "a refused observation must not change the engine's state");
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("engines")
    void resetReplaysIdentically(String engine, Policy policy) {
        InferenceEngine e = InferenceEngines.create(engine, policy);
        float[][] stream = Networks.observations(e.observationSize(), 20, 9);
        float[][] first = run(e, stream);
        e.reset();
        float[][] second = run(e, stream);
        for (int i = 0; i < stream.length; i++) {
            assertArrayEquals(first[i], second[i], "decision " + i + " differs after reset()");
        }
    }

    @Test
    void recurrentPoliciesCarryStateBetweenDecisions() {
        for (Policy policy : List.of(Networks.grsn(3), Networks.transformer(3))) {
            for (String engine : InferenceEngines.BUILT_IN) {
                InferenceEngine a = InferenceEngines.create(engine, policy);
                InferenceEngine b = InferenceEngines.create(engine, policy);
                float[][] histA = Networks.observations(a.observationSize(), 8, 100);
                float[][] histB = Networks.observations(a.observationSize(), 8, 200);
                float[] probe = Networks.observations(a.observationSize(), 1, 300)[0];
                float[] outA = new float[a.actionSize()];
                float[] outB = new float[a.actionSize()];
                for (int i = 0; i < 8; i++) {
                    a.act(histA[i], outA);
                    b.act(histB[i], outB);
                }
                a.act(probe, outA);
                b.act(probe, outB);
                assertFalse(java.util.Arrays.equals(outA, outB), engine + " " + policy.network().family()
                        + ": the same observation after different histories gave the same action");
                a.reset();
                b.reset();
                a.act(probe, outA);
                b.act(probe, outB);
                assertArrayEquals(outA, outB, "after reset() the history must be forgotten");
            }
        }
    }

    @Test
    void unknownEngineNamesTheKnownOnes() {
        IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
                () -> InferenceEngines.create("gpu", Networks.popsan(1)));
        assertTrue(ex.getMessage().contains("gpu") && ex.getMessage().contains("event"), ex.getMessage());
    }

    private static float[][] run(InferenceEngine e, float[][] stream) {
        float[][] out = new float[stream.length][e.actionSize()];
        for (int i = 0; i < stream.length; i++) {
            e.act(stream[i], out[i]);
            e.reward(i * 0.1f);
        }
        return out;
    }
}

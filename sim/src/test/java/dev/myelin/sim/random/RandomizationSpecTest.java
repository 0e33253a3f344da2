package dev.myelin.sim.random;

import dev.myelin.sim.Tasks;
import dev.myelin.sim.TaskSpec;
import dev.myelin.sim.task.Task;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RandomizationSpecTest {

    private static final List<Parameter> PARAMS = List.of(
            Parameter.of("mass", "kg", 2.0, 0.1, 10, "mass"),
            Parameter.of("noise", "m", 0.01, 0, 1, "noise"),
            Parameter.integral("latency", "steps", 0, 0, 8, "latency"));

    @Test
    void parsesEveryDistributionKind() {
        RandomizationSpec spec = RandomizationSpec.parse("""
                task: demo
                parameters:
                  a: { dist: constant, value: 3 }
                  b: { dist: uniform, low: 0.5, high: 1.5, relative: true }
                  c: { dist: uniform-int, low: 0, high: 2 }
                  d: { dist: loguniform, low: 0.01, high: 0.1 }
                  e: { dist: normal, mean: 1.0, std: 0.1 }
                  f: { dist: choice, values: [0, 0.5, 1] }
                """, "inline");
        assertEquals("demo", spec.task().orElseThrow());
        assertEquals(List.of("a", "b", "c", "d", "e", "f"), List.copyOf(spec.rules().keySet()));
        assertEquals(new Distribution.Constant(3), spec.rules().get("a").distribution());
        assertTrue(spec.rules().get("b").relative());
        assertEquals(new Distribution.UniformInt(0, 2), spec.rules().get("c").distribution());
        assertInstanceOf(Distribution.LogUniform.class, spec.rules().get("d").distribution());
        assertEquals(new Distribution.Normal(1.0, 0.1), spec.rules().get("e").distribution());
        assertEquals(new Distribution.Choice(new double[]{0, 0.5, 1}), spec.rules().get("f").distribution());
    }

    @Test
    void malformedSpecsAreRefusedNamingTheProblem() {
        assertMessage("unknown distribution 'gaussian'", "parameters:\n  mass: { dist: gaussian, mean: 1, std: 1 }");
        assertMessage("parameters.mass: missing 'high'", "parameters:\n  mass: { dist: uniform, low: 1 }");
        assertMessage("unexpected key 'sigma'", "parameters:\n  mass: { dist: normal, mean: 1, std: 1, sigma: 2 }");
        assertMessage("low <= high", "parameters:\n  mass: { dist: uniform, low: 2, high: 1 }");
        assertMessage("parameters.mass.low: expected a number", "parameters:\n  mass: { dist: uniform, low: heavy, high: 1 }");
        assertMessage("missing 'dist'", "parameters:\n  mass: { low: 1, high: 2 }");
        assertMessage("unknown top-level key 'params'", "params:\n  mass: { dist: constant, value: 1 }");
        assertMessage("'parameters' must be a mapping", "task: x\n");
        assertMessage("empty randomization spec", "");
        assertMessage("not valid YAML", "parameters: [unclosed");
        assertMessage("expected a whole number", "parameters:\n  latency: { dist: uniform-int, low: 0.5, high: 2 }");
        assertMessage("std >= 0", "parameters:\n  mass: { dist: normal, mean: 1, std: -1 }");
        assertMessage("0 < low", "parameters:\n  mass: { dist: loguniform, low: 0, high: 1 }");
        assertMessage("relative: must be true or false", "parameters:\n  mass: { dist: constant, value: 1, relative: yes please }");
    }

    private static void assertMessage(String fragment, String yaml) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RandomizationSpec.parse(yaml, "spec.yaml"));
        assertTrue(e.getMessage().contains(fragment), () -> "message '" + e.getMessage() + "' lacks '" + fragment + "'");
        assertTrue(e.getMessage().startsWith("spec.yaml"), e.getMessage());
    }

    @Test
    void bindingRefusesSpecsThatDoNotFitTheTask() {
        assertBind("has no parameter 'wheel_radius' (it has: mass, noise, latency)",
                "parameters:\n  wheel_radius: { dist: constant, value: 0.03 }");
        assertBind("reach outside the valid range", "parameters:\n  mass: { dist: uniform, low: -1, high: 2 }");
        assertBind("reach outside the valid range", "parameters:\n  mass: { dist: uniform, low: 1, high: 6, relative: true }");
        assertBind("cannot be relative", "parameters:\n  latency: { dist: constant, value: 1, relative: true }");
        assertBind("takes whole numbers", "parameters:\n  latency: { dist: uniform, low: 0, high: 2 }");
        assertBind("is for task 'pendulum', not 'demo'", "task: pendulum\nparameters:\n  mass: { dist: constant, value: 1 }");
        assertBind("mean 20.0 kg lies outside", "parameters:\n  mass: { dist: normal, mean: 20, std: 1 }");
    }

    private static void assertBind(String fragment, String yaml) {
        RandomizationSpec spec = RandomizationSpec.parse(yaml, "spec.yaml");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new ParameterSet("demo", PARAMS, spec, 4));
        assertTrue(e.getMessage().contains(fragment), () -> "message '" + e.getMessage() + "' lacks '" + fragment + "'");
    }

    @Test
    void samplesStayInRangeAndMatchTheirDistributions() {
        RandomizationSpec spec = RandomizationSpec.parse("""
                parameters:
                  mass:    { dist: uniform, low: 0.5, high: 1.5, relative: true }
                  noise:   { dist: normal, mean: 0.0, std: 0.05 }
                  latency: { dist: uniform-int, low: 1, high: 3 }
                """, "inline");
        int worlds = 20_000;
        ParameterSet set = new ParameterSet("demo", PARAMS, spec, worlds);
        long[] rng = new long[worlds];
        for (int w = 0; w < worlds; w++) {
            rng[w] = SplitMix.stream(7, w);
            set.sample(w, rng);
        }
        double massSum = 0;
        int zeroNoise = 0;
        int[] latencyCounts = new int[9];
        for (int w = 0; w < worlds; w++) {
            double m = set.value("mass", w);
            assertTrue(m >= 1.0 && m <= 3.0, "relative uniform mass in [1, 3]: " + m);
            massSum += m;
            double noise = set.value("noise", w);
            assertTrue(noise >= 0 && noise <= 1, "normal noise clamped to the valid range: " + noise);
            if (noise == 0) {
                zeroNoise++;
            }
            latencyCounts[(int) set.value("latency", w)]++;
        }
        assertEquals(2.0, massSum / worlds, 0.02);
        // Half of a zero-mean normal is clamped to the lower bound 0.
        assertEquals(0.5, (double) zeroNoise / worlds, 0.02);
        assertEquals(0, latencyCounts[0]);
        for (int k = 1; k <= 3; k++) {
            assertEquals(1.0 / 3, (double) latencyCounts[k] / worlds, 0.02, "latency " + k);
        }
        assertEquals(3.0, set.highest("latency"));
        assertTrue(set.randomized("mass"));
    }

    @Test
    void unnamedParametersStayNominal() {
        ParameterSet set = new ParameterSet("demo", PARAMS, RandomizationSpec.none(), 3);
        long[] rng = {1, 2, 3};
        set.sample(1, rng);
        assertEquals(2.0, set.value("mass", 1), 1e-7);
        assertFalse(set.randomized("mass"));
        assertThrows(IllegalArgumentException.class, () -> set.values("volume"));
    }

    @Test
    void loadsFromAFile(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Path file = dir.resolve("dr.yaml");
        Files.writeString(file, "parameters:\n  mass: { dist: constant, value: 3 }\n");
        RandomizationSpec spec = RandomizationSpec.load(file);
        assertEquals(file.toString(), spec.source());
        ParameterSet set = new ParameterSet("demo", PARAMS, spec, 1);
        set.sample(0, new long[1]);
        assertEquals(3.0, set.value("mass", 0), 1e-7);
    }

    @Test
    void everyTaskHasARealityGapPresetThatBinds() {
        for (String name : Tasks.names()) {
            RandomizationSpec gap = Tasks.realityGap(name);
            assertFalse(gap.isEmpty(), name);
            Task task = Tasks.simulator(TaskSpec.of(name).withRandomization(gap), 8);
            for (String p : gap.rules().keySet()) {
                assertTrue(task.parameters().randomized(p), name + " " + p);
            }
            assertTrue(task.parameters().highest(Task.ACTION_LATENCY) >= 1, name + " has latency");
        }
    }
}

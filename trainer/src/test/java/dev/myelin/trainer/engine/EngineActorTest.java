package dev.myelin.trainer.engine;

import dev.myelin.policy.engine.EnergyMeter;
import dev.myelin.policy.engine.InferenceEngine;
import dev.myelin.policy.engine.InferenceEngines;
import dev.myelin.policy.model.Policy;
import dev.myelin.policy.model.PopSan;
import dev.myelin.policy.model.SpikeMode;
import dev.myelin.sim.Env;
import dev.myelin.sim.TaskSpec;
import dev.myelin.sim.Tasks;
import dev.myelin.sim.Transition;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** One engine per agent: each sees only its agent's observations, rewards and resets, and decides as alone. */
class EngineActorTest {
    private static final int OBS = 5;
    private static final int ACT = 2;
    private static final Policy POLICY = Policy.withDefaults(
            PopSan.random(OBS, ACT, 4, new int[] {16}, 3, SpikeMode.DETERMINISTIC, 11), Map.of("purpose", "test"));

    @Test
    void eachAgentIsDecidedByItsOwnEngineAsIfAlone() {
        int agents = 3;
        EngineActor actor = EngineActor.of("event", POLICY, agents);
        assertEquals(agents, actor.agents());
        assertNotSame(actor.engine(0), actor.engine(1));
        InferenceEngine[] alone = new InferenceEngine[agents];
        for (int a = 0; a < agents; a++) {
            alone[a] = InferenceEngines.create("event", POLICY);
        }
        SplittableRandom rnd = new SplittableRandom(5);
        float[] observations = new float[agents * OBS];
        float[] actions = new float[agents * ACT];
        float[] o = new float[OBS];
        float[] expected = new float[ACT];
        actor.startEpisode();
        for (int step = 0; step < 20; step++) {
            for (int i = 0; i < observations.length; i++) {
                observations[i] = (float) rnd.nextGaussian();
            }
            actor.act(observations, actions);
            for (int a = 0; a < agents; a++) {
                System.arraycopy(observations, a * OBS, o, 0, OBS);
                alone[a].act(o, expected);
                float[] got = new float[ACT];
                System.arraycopy(actions, a * ACT, got, 0, ACT);
                assertArrayEquals(expected, got, "agent " + a + " step " + step);
            }
        }
    }

    @Test
    void rewardsAndResetsReachEachAgentsEngine() {
        List<String> calls = new ArrayList<>();
        InferenceEngine[] engines = new InferenceEngine[2];
        for (int a = 0; a < 2; a++) {
            engines[a] = recording(InferenceEngines.create("dense", POLICY), "e" + a, calls);
        }
        EngineActor actor = new EngineActor(engines);
        try (Env env = Tasks.env(TaskSpec.of("multi-diffdrive").withOption("robots", 2))) {
            assertEquals(2, env.agents());
            env.reset(3);
            actor.startEpisode();
            float[] forward = new float[2 * env.actionSpace().size()];
            java.util.Arrays.fill(forward, 0.5f);
            Transition t = env.step(forward);
            actor.observe(t);
            assertEquals(List.of("e0 reset", "e1 reset", "e0 reward " + t.reward(0), "e1 reward " + t.reward(1)), calls);
        }
    }

    @Test
    void aPolicyWhoseChannelsAreNotTheTasksIsRefusedNamingTheSource() {
        try (Env env = Tasks.env(TaskSpec.of("pendulum"))) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> EngineActor.forEnv("event", POLICY, env, Path.of("nav.myl")));
            assertTrue(e.getMessage().startsWith("nav.myl: the policy has 5 observation channels, the task has 3"), e.getMessage());
        }
    }

    /**
     * Measured in a JVM of its own, as an evaluation process runs: in the test JVM, code the JIT compiled for
     * other tests' engines and shapes of the shared kernels (less inlined, vectors boxed) would be measured instead.
     */
    @Test
    void decidingAllocatesNothing() throws java.io.IOException, InterruptedException {
        String out = dev.myelin.trainer.run.ChildJvm.output(EngineActorTest.class, List.of());
        assertTrue(out.contains("bytes over 20 000 decisions of 4 agents"), out);
    }

    /** Measures the allocation of 20 000 decisions of four agents after warm-up; exits 1 when it is 8 KiB or more. */
    public static void main(String[] args) {
        var threads = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        // As a robot's policy host does: the vector kernels are compiled first (below C2 each vector operation
        // allocates), then the engines' decision path warms until a thousand decisions allocate nothing (at most
        // 200 000 decisions).
        InferenceEngines.warmKernels();
        EngineActor actor = EngineActor.of("event", POLICY, 4);
        float[] observations = new float[4 * OBS];
        float[] actions = new float[4 * ACT];
        for (int i = 0; i < 50_000; i++) {
            observations[i % observations.length] = (i % 13) * 0.1f;
            actor.act(observations, actions);
        }
        for (int batch = 0; batch < 150; batch++) {
            long start = threads.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < 1_000; i++) {
                observations[i % observations.length] = (i % 13) * 0.1f;
                actor.act(observations, actions);
            }
            if (threads.getCurrentThreadAllocatedBytes() == start) {
                break;
            }
        }
        long before = threads.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < 20_000; i++) {
            observations[i % observations.length] = (i % 13) * 0.1f;
            actor.act(observations, actions);
        }
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        System.out.println(allocated + " bytes over 20 000 decisions of 4 agents");
        System.exit(allocated < 8 * 1024 ? 0 : 1);
    }

    private static InferenceEngine recording(InferenceEngine real, String name, List<String> calls) {
        return new InferenceEngine() {
            @Override
            public String name() {
                return real.name();
            }

            @Override
            public Policy policy() {
                return real.policy();
            }

            @Override
            public void act(float[] observation, float[] action) {
                real.act(observation, action);
            }

            @Override
            public void reset() {
                calls.add(name + " reset");
                real.reset();
            }

            @Override
            public void reward(float reward) {
                calls.add(name + " reward " + reward);
            }

            @Override
            public EnergyMeter energy() {
                return real.energy();
            }
        };
    }
}

package dev.myelin.trainer.seq;

import dev.myelin.policy.bundle.BundleReader;
import dev.myelin.policy.bundle.BundleWriter;
import dev.myelin.policy.bundle.PolicyBundle;
import dev.myelin.policy.bundle.SigningKeys;
import dev.myelin.policy.bundle.TrustedKeys;
import dev.myelin.policy.engine.InferenceEngine;
import dev.myelin.policy.engine.InferenceEngines;
import dev.myelin.policy.model.Policy;
import dev.myelin.sim.Actor;
import dev.myelin.sim.Env;
import dev.myelin.sim.TaskSpec;
import dev.myelin.sim.Tasks;
import dev.myelin.sim.Transition;
import dev.myelin.trainer.mpi.Communicator;
import dev.myelin.trainer.rl.RunningNormalizer;
import org.junit.jupiter.api.Test;

import java.security.KeyPair;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Export, sign, read back, run in the policy module's dense engine: over a recorded episode of the
 * position-only pendulum the robot-side engine reproduces, step by step, the actions of the trainer's
 * rollout stepper (same normalisation statistics, state carried the same way, previous reward fed back).
 */
class BundleReproducesStepperTest {

    @Test
    void everySpikingFamilyExportsAndTheEngineReplaysTheEpisode() throws Exception {
        int checked = 0;
        for (String family : SequenceActors.availableFamilies()) {
            TaskSpec spec = TaskSpec.of("pendulum").withObservation("position-only");
            try (Env env = Tasks.env(spec)) {
                int obs = env.observationSpace().size();
                int act = env.actionSpace().size();
                SequenceActor actor = SequenceActors.create(family, obs, act, Map.of(), 5);
                if (actor.toNetwork() == null) {
                    Policy unused = null;
                    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                            () -> SequencePolicy.toPolicy(actor, env.observationSpace(), env.actionSpace(),
                                    dev.myelin.policy.model.Normalizer.identity(obs), Map.of()));
                    assertTrue(e.getMessage().contains(family) && e.getMessage().contains("cannot be exported"), e.getMessage());
                    continue;
                }
                RunningNormalizer norm = statistics(env, obs);
                Policy policy = SequencePolicy.toPolicy(actor, env.observationSpace(), env.actionSpace(), norm.toNormalizer(),
                        Map.of("test", family));
                KeyPair keys = SigningKeys.generate();
                byte[] bytes = new BundleWriter().setPolicy(policy).optName("t-" + family).optVersion("0.1.0")
                        .optSigningKey(keys.getPrivate()).toBytes();
                PolicyBundle read = BundleReader.read(bytes, TrustedKeys.of(keys.getPublic()));
                InferenceEngine engine = InferenceEngines.create("dense", read.policy());

                // record one episode driven by the trainer's stepper
                List<float[]> observations = new ArrayList<>();
                List<float[]> actions = new ArrayList<>();
                List<Float> rewards = new ArrayList<>();
                Actor trainer = SequencePolicy.actor(actor, norm, env.actionSpace(), 1);
                float[] o = env.reset(321);
                trainer.startEpisode();
                float[] a = new float[act];
                Transition t;
                int steps = 0;
                do {
                    observations.add(o.clone());
                    trainer.act(o, a);
                    actions.add(a.clone());
                    t = env.step(a);
                    trainer.observe(t);
                    rewards.add(t.reward());
                    o = t.observation();
                    steps++;
                } while (!t.done() && steps < 120);

                engine.reset();
                float[] e = new float[act];
                for (int k = 0; k < observations.size(); k++) {
                    engine.act(observations.get(k), e);
                    for (int j = 0; j < act; j++) {
                        float want = actions.get(k)[j];
                        assertEquals(want, e[j], 1e-4f * (1f + Math.abs(want)), family + ": step " + k + " action " + j);
                    }
                    engine.reward(rewards.get(k));
                }
                // every edge engine loads the bundle and acts within the action range
                for (String name : InferenceEngines.BUILT_IN) {
                    InferenceEngine other = InferenceEngines.create(name, read.policy());
                    other.reset();
                    for (int k = 0; k < 20; k++) {
                        other.act(observations.get(k), e);
                        for (int j = 0; j < act; j++) {
                            assertTrue(Float.isFinite(e[j]) && e[j] >= env.actionSpace().low(j) - 1e-4f
                                    && e[j] <= env.actionSpace().high(j) + 1e-4f, family + " on " + name + ": action " + e[j]);
                        }
                        other.reward(rewards.get(k));
                    }
                }
                checked++;
            }
        }
        assertTrue(checked >= 1, "at least PopSAN exports");
    }

    /** Non-trivial statistics, so a mismatch in normalisation would show. */
    private static RunningNormalizer statistics(Env env, int obs) {
        RunningNormalizer n = new RunningNormalizer(obs, 3f, true);
        float[] o = env.reset(7);
        float[] a = new float[env.actionSpace().size()];
        for (int k = 0; k < 50; k++) {
            n.observe(o, 0);
            a[0] = (float) Math.sin(k * 0.3) * env.actionSpace().high(0);
            Transition t = env.step(a);
            o = t.done() ? env.reset() : t.observation();
        }
        n.sync(Communicator.single());
        return n;
    }
}

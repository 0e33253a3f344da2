package dev.myelin.trainer.seq;

import dev.myelin.policy.engine.InferenceEngine;
import dev.myelin.policy.engine.InferenceEngines;
import dev.myelin.policy.model.Channel;
import dev.myelin.policy.model.Grsn;
import dev.myelin.policy.model.Normalizer;
import dev.myelin.policy.model.Policy;
import dev.myelin.policy.model.Tensor;
import dev.myelin.sim.Env;
import dev.myelin.sim.TaskSpec;
import dev.myelin.sim.Tasks;
import dev.myelin.sim.Transition;
import dev.myelin.trainer.nn.Parameters;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The GRSN actor's training forward pass, its stepper and the robot-side engines compute the same actions. */
class GrsnActorTest {
    static float[] gaussian(SplittableRandom r, int n, double scale) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) (scale * r.nextGaussian());
        }
        return a;
    }

    @Test
    void stepperReproducesTheTrainingForwardPassBitForBit() {
        int obs = 4;
        int act = 2;
        int batch = 3;
        int steps = 60;
        GrsnActor actor = (GrsnActor) GrsnActor.create(obs, act, Map.of("hidden", List.of(24, 16)), 5);
        SplittableRandom r = new SplittableRandom(5);
        float[] o = gaussian(r, steps * batch * obs, 1.2);
        float[] prevA = new float[steps * batch * act];
        float[] prevR = new float[steps * batch];
        float[] trained = actor.forward(o, prevA, prevR, batch, steps).clone();
        assertTrue(actor.lastForwardSpikes() > 0, "the network must fire for the comparison to mean anything");

        SequenceActor.Stepper stepper = actor.stepper(batch);
        float[] stepObs = new float[batch * obs];
        float[] out = new float[batch * act];
        long spikes = 0;
        for (int t = 0; t < steps; t++) {
            System.arraycopy(o, t * batch * obs, stepObs, 0, batch * obs);
            stepper.step(stepObs, new float[batch * act], new float[batch], out);
            spikes += stepper.lastSpikes();
            for (int i = 0; i < batch * act; i++) {
                assertEquals(trained[t * batch * act + i], out[i], 0f, "step " + t + " element " + i);
            }
        }
        assertEquals(actor.lastForwardSpikes(), spikes, "the stepper fires exactly the training pass's spikes");

        // state is carried: a sequence that differs only at step 0 still acts differently much later
        float[] o2 = o.clone();
        for (int i = 0; i < batch * obs; i++) {
            o2[i] += 2f;
        }
        float[] changed = actor.forward(o2, prevA, prevR, batch, steps).clone();
        boolean laterDiffers = false;
        for (int i = 10 * batch * act; i < trained.length; i++) {
            laterDiffers |= changed[i] != trained[i];
        }
        assertTrue(laterDiffers, "the first observation influences actions ten and more steps later");
    }

    @Test
    void resetLaneRestartsOnlyThatLaneFromZeroState() {
        int obs = 3;
        GrsnActor actor = (GrsnActor) GrsnActor.create(obs, 1, Map.of("hidden", "20"), 9);
        SplittableRandom r = new SplittableRandom(9);
        SequenceActor.Stepper two = actor.stepper(2);
        SequenceActor.Stepper fresh = actor.stepper(1);
        float[] o = new float[2 * obs];
        float[] out = new float[2];
        float[] single = new float[1];
        for (int t = 0; t < 30; t++) {
            float[] g = gaussian(r, 2 * obs, 1.0);
            System.arraycopy(g, 0, o, 0, o.length);
            two.step(o, new float[2], new float[2], out);
        }
        float[] before = out.clone();
        two.reset(1);
        for (int t = 0; t < 20; t++) {
            float[] g = gaussian(r, 2 * obs, 1.0);
            System.arraycopy(g, 0, o, 0, o.length);
            two.step(o, new float[2], new float[2], out);
            fresh.step(Arrays.copyOfRange(o, obs, 2 * obs), new float[1], new float[1], single);
            assertEquals(single[0], out[1], 0f, "a reset lane equals a fresh stepper at step " + t);
        }
        assertTrue(before[0] != out[0] || before[1] != out[1]);
        assertThrows(IllegalArgumentException.class, () -> two.reset(2));
    }

    @Test
    void denseAndEventEnginesReproduceTheStepperOnARecordedEpisode() {
        TaskSpec spec = TaskSpec.of("pendulum").withObservation("position-only");
        try (Env env = Tasks.env(spec)) {
            int obs = env.observationSpace().size();
            int act = env.actionSpace().size();
            GrsnActor actor = (GrsnActor) GrsnActor.create(obs, act, Map.of("hidden", new int[] {32, 24}), 21);
            // trained-looking values: perturb every parameter so nothing is at its initial scale
            SplittableRandom r = new SplittableRandom(21);
            float[] v = actor.parameters().values();
            for (int i = 0; i < v.length; i++) {
                v[i] += (float) (0.2 * r.nextGaussian());
            }
            actor.refreshWeights();

            float[] mean = new float[obs];
            float[] var = new float[obs];
            for (int i = 0; i < obs; i++) {
                mean[i] = 0.1f * (i + 1);
                var[i] = 0.3f + 0.2f * i;
            }
            Normalizer normalizer = new Normalizer(mean, var, 3f);
            float[] invStd = normalizer.inverseStd();
            float low = env.actionSpace().low(0);
            float high = env.actionSpace().high(0);
            List<Channel> actions = new ArrayList<>();
            for (int j = 0; j < act; j++) {
                actions.add(new Channel("torque" + j, "N m", low, high));
            }
            List<Channel> observations = new ArrayList<>();
            for (int i = 0; i < obs; i++) {
                observations.add(Channel.symmetric("obs" + i, "", 10f));
            }
            Grsn network = actor.toNetwork();
            Policy policy = new Policy(network, observations, actions, normalizer, Map.of());

            // record an episode driven by the stepper
            SequenceActor.Stepper stepper = actor.stepper(1);
            List<float[]> rawObs = new ArrayList<>();
            List<float[]> acted = new ArrayList<>();
            List<Long> spikes = new ArrayList<>();
            List<Long> synOps = new ArrayList<>();
            float[] o = env.reset(77);
            float[] norm = new float[obs];
            float[] a = new float[act];
            float[] scaled = new float[act];
            float center = 0.5f * (low + high);
            float half = 0.5f * (high - low);
            for (int t = 0; t < 200; t++) {
                rawObs.add(o.clone());
                for (int i = 0; i < obs; i++) {
                    norm[i] = Math.max(-3f, Math.min(3f, (o[i] - mean[i]) * invStd[i]));
                }
                stepper.step(norm, new float[act], new float[1], a);
                for (int j = 0; j < act; j++) {
                    scaled[j] = center + half * a[j];
                }
                acted.add(scaled.clone());
                spikes.add(stepper.lastSpikes());
                synOps.add(stepper.lastSynOps());
                Transition tr = env.step(scaled);
                if (tr.done()) {
                    break;
                }
                o = tr.observation();
            }
            assertTrue(acted.size() >= 150, "a long episode: " + acted.size());
            long fired = spikes.stream().mapToLong(Long::longValue).sum();
            assertTrue(fired > 0, "the policy fires");
            double spread = 0;
            for (float[] x : acted) {
                spread = Math.max(spread, Math.abs(x[0] - acted.get(0)[0]));
            }
            assertTrue(spread > 0.01, "actions change over the episode");

            for (String name : new String[] {"dense", "event"}) {
                InferenceEngine engine = InferenceEngines.create(name, policy);
                engine.reset();
                float[] out = new float[act];
                for (int t = 0; t < acted.size(); t++) {
                    engine.act(rawObs.get(t), out);
                    for (int j = 0; j < act; j++) {
                        assertEquals(acted.get(t)[j], out[j], 1e-4, name + " engine, step " + t);
                    }
                    assertEquals(spikes.get(t), engine.lastSpikeCount(), name + " engine spikes at step " + t);
                    assertEquals(synOps.get(t), engine.energy().synOps(), name + " engine SynOps at step " + t);
                    assertEquals(actor.macsPerDecision(), engine.energy().macs(), name + " engine MACs");
                }
            }
        }
    }

    @Test
    void toNetworkCarriesTheTrainedTensorsUnderTheBundleNames() {
        GrsnActor actor = (GrsnActor) GrsnActor.create(5, 2, Map.of("hidden", List.of(12, 8), "tau", 3.0,
                "threshold", 0.8), 3);
        Grsn net = actor.toNetwork();
        assertEquals(3f, net.tau());
        assertEquals(0.8f, net.threshold());
        assertArrayEquals(new int[] {12, 8}, net.hidden());
        Parameters p = actor.parameters();
        assertEquals(net.expectedShapes().keySet(), new java.util.LinkedHashSet<>(
                p.slices().stream().map(Parameters.Slice::name).toList()));
        for (Map.Entry<String, int[]> e : net.expectedShapes().entrySet()) {
            Tensor t = net.tensor(e.getKey());
            assertArrayEquals(e.getValue(), t.shape(), e.getKey());
            assertArrayEquals(p.copyOf(e.getKey()), t.data(), e.getKey());
        }
        assertEquals("grsn", actor.family());
        assertEquals(2L * 5 * 12 + 3L * 12 + 3L * 8, actor.macsPerDecision());
        assertTrue(actor.toNetwork().annEquivalentMacs() > actor.macsPerDecision());
    }

    @Test
    void trainingBuffersAreReusedAndSmallerPassesStayCorrect() {
        GrsnActor actor = (GrsnActor) GrsnActor.create(2, 1, Map.of(), 4);
        SplittableRandom r = new SplittableRandom(4);
        float[] big = gaussian(r, 20 * 8 * 2, 1.0);
        float[] small = gaussian(r, 5 * 3 * 2, 1.0);
        float[] alone = actor.forward(small, new float[15], new float[15], 3, 5).clone();
        actor.forward(big, new float[160], new float[160], 8, 20);
        float[] after = actor.forward(small, new float[15], new float[15], 3, 5);
        for (int i = 0; i < alone.length; i++) {
            assertEquals(alone[i], after[i], 0f);
        }
        float[] g = new float[15];
        Arrays.fill(g, 1f);
        actor.parameters().zeroGradients();
        actor.backward(g);
        float[] first = actor.parameters().gradients().clone();
        actor.forward(big, new float[160], new float[160], 8, 20);
        actor.forward(small, new float[15], new float[15], 3, 5);
        actor.parameters().zeroGradients();
        actor.backward(g);
        assertArrayEquals(first, actor.parameters().gradients(), 0f);
    }

    @Test
    void badOptionsAndInputsAreRefusedWithTheirNames() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> GrsnActor.create(3, 1, Map.of("hiden", 64), 1));
        assertTrue(e.getMessage().contains("hiden"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> GrsnActor.create(3, 1, Map.of("hidden", "64,x"), 1));
        assertTrue(e.getMessage().contains("hidden"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> GrsnActor.create(3, 1, Map.of("tau", 0.5), 1));
        assertTrue(e.getMessage().contains("tau"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> GrsnActor.create(3, 1, Map.of("surrogate", "box"), 1));
        assertTrue(e.getMessage().contains("box"), e.getMessage());
        SequenceActor a = GrsnActor.create(3, 1, Map.of("hidden", 8), 1);
        e = assertThrows(IllegalArgumentException.class, () -> a.forward(new float[5], new float[2], new float[2], 2, 1));
        assertTrue(e.getMessage().contains("observations"), e.getMessage());
        assertThrows(IllegalStateException.class, () -> a.backward(new float[2]));
        a.forward(new float[6], new float[2], new float[2], 2, 1);
        e = assertThrows(IllegalArgumentException.class, () -> a.backward(new float[1]));
        assertTrue(e.getMessage().contains("gradients"), e.getMessage());
    }
}

package dev.myelin.trainer.seq;

import dev.myelin.policy.engine.InferenceEngine;
import dev.myelin.policy.engine.InferenceEngines;
import dev.myelin.policy.model.Channel;
import dev.myelin.policy.model.Normalizer;
import dev.myelin.policy.model.Policy;
import dev.myelin.policy.model.SpikingTransformer;
import dev.myelin.trainer.nn.Parameters;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The transformer actor's stepper, its training forward pass and the robot's engines agree step by step. */
class TransformerActorTest {
    private static final Map<String, Object> SMALL = Map.of("window", 6, "model_dim", 16, "mlp_dim", 24,
            "population", 5, "timesteps", 4);

    private static TransformerActor actor(long seed) {
        return (TransformerActor) TransformerActor.create(4, 2, SMALL, seed);
    }

    /** A smooth random observation stream within the identity normaliser's clip of 3. */
    private static float[][] observations(int steps, int obs, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[][] o = new float[steps][obs];
        double[] phase = new double[obs];
        for (int i = 0; i < obs; i++) {
            phase[i] = r.nextDouble() * 6.28;
        }
        for (int t = 0; t < steps; t++) {
            for (int i = 0; i < obs; i++) {
                double x = 1.8 * Math.sin(0.07 * (i + 1) * t + phase[i]) + 0.6 * r.nextGaussian();
                o[t][i] = (float) Math.max(-2.9, Math.min(2.9, x));
            }
        }
        return o;
    }

    @ParameterizedTest
    @ValueSource(strings = {"dense", "event"})
    void edgeEngineReproducesStepperActionsOverAnEpisode(String engineName) {
        TransformerActor actor = actor(21);
        Policy policy = Policy.withDefaults(actor.toNetwork(), Map.of());
        InferenceEngine engine = InferenceEngines.create(engineName, policy);
        SequenceActor.Stepper stepper = actor.stepper(1);
        int steps = 200;
        float[][] obs = observations(steps, 4, 5);
        SplittableRandom r = new SplittableRandom(8);
        float[] prevA = new float[2];
        float[] prevR = new float[1];
        float[] a = new float[2];
        float[] e = new float[2];
        double maxDiff = 0;
        long spikes = 0;
        float[] first = null;
        boolean varied = false;
        for (int t = 0; t < steps; t++) {
            if (t == 120) {
                // a new episode on both sides
                stepper.reset(0);
                engine.reset();
                Arrays.fill(prevA, 0f);
                prevR[0] = 0f;
            }
            stepper.step(obs[t], prevA, prevR, a);
            engine.act(obs[t], e);
            for (int j = 0; j < 2; j++) {
                maxDiff = Math.max(maxDiff, Math.abs(a[j] - e[j]));
                assertEquals(e[j], a[j], 1e-4, engineName + " step " + t + " action " + j);
            }
            assertEquals(engine.energy().spikes(), stepper.lastSpikes(), "spikes at step " + t);
            assertEquals(engine.energy().synOps(), stepper.lastSynOps(), "synaptic operations at step " + t);
            assertEquals(engine.energy().macs(), actor.macsPerDecision(), "MACs at step " + t);
            spikes += stepper.lastSpikes();
            if (first == null) {
                first = a.clone();
            } else if (Math.abs(first[0] - a[0]) > 1e-3 || Math.abs(first[1] - a[1]) > 1e-3) {
                varied = true;
            }
            float reward = (float) r.nextGaussian();
            engine.reward(reward);
            System.arraycopy(a, 0, prevA, 0, 2);
            prevR[0] = reward;
        }
        assertTrue(spikes > 0, "the network must spike for the comparison to mean anything");
        assertTrue(varied, "actions must change over the episode for the comparison to mean anything");
        assertEquals(0.0, maxDiff, 1e-4);
    }

    @Test
    void statisticsAndActionRangesOfTheBundleAreAppliedOnTheRobotSide() {
        TransformerActor actor = actor(22);
        float[] mean = {0.5f, -1f, 2f, 0f};
        float[] var = {4f, 0.25f, 1f, 9f};
        Normalizer normalizer = new Normalizer(mean, var, 3f);
        List<Channel> obsChannels = List.of(Channel.symmetric("x", "m", 20f), Channel.symmetric("y", "m", 20f),
                Channel.symmetric("theta", "rad", 20f), Channel.symmetric("v", "m/s", 20f));
        List<Channel> actChannels = List.of(new Channel("left", "rad/s", -4f, 4f), new Channel("right", "rad/s", -1f, 3f));
        Policy policy = new Policy(actor.toNetwork(), obsChannels, actChannels, normalizer, Map.of());
        InferenceEngine engine = InferenceEngines.create("dense", policy);
        SequenceActor.Stepper stepper = actor.stepper(1);
        float[] invStd = normalizer.inverseStd();
        float[][] unit = observations(200, 4, 9);
        SplittableRandom r = new SplittableRandom(10);
        float[] raw = new float[4];
        float[] normalized = new float[4];
        float[] prevA = new float[2];
        float[] prevR = new float[1];
        float[] a = new float[2];
        float[] e = new float[2];
        for (int t = 0; t < 200; t++) {
            for (int i = 0; i < 4; i++) {
                // raw observations in the channel's units; the trainer normalises as the engine does
                raw[i] = mean[i] + unit[t][i] * (float) Math.sqrt(var[i]) * 1.2f;
                float x = (raw[i] - mean[i]) * invStd[i];
                normalized[i] = Math.max(-3f, Math.min(3f, x));
            }
            stepper.step(normalized, prevA, prevR, a);
            engine.act(raw, e);
            for (int j = 0; j < 2; j++) {
                Channel c = actChannels.get(j);
                assertEquals(c.center() + c.halfRange() * a[j], e[j], 1e-4, "step " + t + " action " + j);
            }
            float reward = (float) r.nextGaussian();
            engine.reward(reward);
            prevA[0] = a[0];
            prevA[1] = a[1];
            prevR[0] = reward;
        }
    }

    @Test
    void stepperEqualsTheTrainingForwardFromEpisodeStarts() {
        TransformerActor actor = actor(3);
        int batch = 3;
        int steps = 25;
        int obs = 4;
        int act = 2;
        SplittableRandom r = new SplittableRandom(1);
        float[] o = new float[steps * batch * obs];
        float[] pa = new float[steps * batch * act];
        float[] pr = new float[steps * batch];
        for (int i = 0; i < o.length; i++) {
            o[i] = (float) r.nextGaussian();
        }
        for (int t = 1; t < steps; t++) {
            for (int k = 0; k < batch * act; k++) {
                pa[t * batch * act + k] = (float) (2 * r.nextDouble() - 1);
            }
            for (int b = 0; b < batch; b++) {
                pr[t * batch + b] = (float) r.nextGaussian();
            }
        }
        float[] trained = actor.forward(o, pa, pr, batch, steps).clone();
        SequenceActor.Stepper stepper = actor.stepper(batch);
        float[] out = new float[batch * act];
        for (int t = 0; t < steps; t++) {
            stepper.step(Arrays.copyOfRange(o, t * batch * obs, (t + 1) * batch * obs),
                    Arrays.copyOfRange(pa, t * batch * act, (t + 1) * batch * act),
                    Arrays.copyOfRange(pr, t * batch, (t + 1) * batch), out);
            assertArrayEquals(Arrays.copyOfRange(trained, t * batch * act, (t + 1) * batch * act), out,
                    "step " + t);
        }
        // the parameters change mid-episode: the stepper acts as the new parameters do on the same window
        float[] v = actor.parameters().values();
        SplittableRandom q = new SplittableRandom(2);
        for (int i = 0; i < v.length; i++) {
            v[i] += (float) (0.05 * q.nextGaussian());
        }
        actor.refreshWeights();
        float[] retrained = actor.forward(o, pa, pr, batch, steps).clone();
        SequenceActor.Stepper fresh = actor.stepper(batch);
        float[] out2 = new float[batch * act];
        for (int t = 0; t < steps; t++) {
            fresh.step(Arrays.copyOfRange(o, t * batch * obs, (t + 1) * batch * obs),
                    Arrays.copyOfRange(pa, t * batch * act, (t + 1) * batch * act),
                    Arrays.copyOfRange(pr, t * batch, (t + 1) * batch), out2);
        }
        assertArrayEquals(Arrays.copyOfRange(retrained, (steps - 1) * batch * act, steps * batch * act), out2);
        // ... and the old stepper, which ran its window under the old parameters, agrees after one more step
        float[] extraO = new float[batch * obs];
        float[] extraA = new float[batch * act];
        float[] extraR = new float[batch];
        stepper.step(extraO, extraA, extraR, out);
        fresh.step(extraO, extraA, extraR, out2);
        assertArrayEquals(out2, out);
        assertTrue(!Arrays.equals(trained, retrained), "the parameter change must change some action");
    }

    @Test
    void windowStartsWithZeroTokensAndForgetsTokensOlderThanK() {
        TransformerActor actor = actor(4);
        int k = actor.window();
        int steps = k + 4;
        float[] o = new float[steps * 4];
        float[] pa = new float[steps * 2];
        float[] pr = new float[steps];
        SplittableRandom r = new SplittableRandom(6);
        for (int i = 0; i < o.length; i++) {
            o[i] = (float) r.nextGaussian();
        }
        float[] base = actor.forward(o, pa, pr, 1, steps).clone();
        // changing the first token changes decisions 0..K-1 at most, never the later ones
        o[0] += 2.5f;
        o[1] -= 2.5f;
        float[] changed = actor.forward(o, pa, pr, 1, steps);
        for (int t = k; t < steps; t++) {
            assertEquals(base[2 * t], changed[2 * t], "decision " + t + " sees only the last " + k + " tokens");
            assertEquals(base[2 * t + 1], changed[2 * t + 1]);
        }
    }

    @Test
    void networkCarriesTheTrainedTensorsUnderTheBundleNames() {
        TransformerActor actor = actor(9);
        SpikingTransformer net = (SpikingTransformer) actor.toNetwork();
        Parameters p = actor.parameters();
        assertEquals(net.expectedShapes().keySet(), net.tensors().stream().map(t -> t.name())
                .collect(java.util.stream.Collectors.toCollection(java.util.LinkedHashSet::new)));
        for (Parameters.Slice s : p.slices()) {
            assertArrayEquals(net.expectedShapes().get(s.name()), s.shape(), s.name());
            assertArrayEquals(p.copyOf(s.name()), net.tensor(s.name()).data(), s.name());
        }
        assertEquals(6, net.window());
        assertEquals(4, net.timesteps());
        assertEquals((float) (1 / Math.sqrt(16)), net.attentionScale());
        assertEquals("spiking-transformer", actor.family());
        assertEquals(7L * 16 + 2 * 5, actor.macsPerDecision(), "token embedding (obs + act + 1) x D plus the decoder");
    }

    @Test
    void theFamilyFactoryBuildsTheSameSeededActor() {
        SequenceActor byName = SequenceActors.create("spiking-transformer", 4, 2, SMALL, 5);
        assertTrue(byName instanceof TransformerActor, byName.getClass().getName());
        assertArrayEquals(actor(5).parameters().values(), byName.parameters().values(), "same seed, same weights");
        assertTrue(!Arrays.equals(actor(6).parameters().values(), byName.parameters().values()), "seeds differ");
    }

    @Test
    void badOptionsAndInputsAreRefusedByName() {
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
                () -> TransformerActor.create(3, 1, Map.of("windows", 4), 1));
        assertTrue(unknown.getMessage().contains("windows") && unknown.getMessage().contains("window"), unknown.getMessage());
        IllegalArgumentException zero = assertThrows(IllegalArgumentException.class,
                () -> TransformerActor.create(3, 1, Map.of("model_dim", 0), 1));
        assertTrue(zero.getMessage().contains("model_dim"), zero.getMessage());
        IllegalArgumentException text = assertThrows(IllegalArgumentException.class,
                () -> TransformerActor.create(3, 1, Map.of("timesteps", "five"), 1));
        assertTrue(text.getMessage().contains("timesteps"), text.getMessage());
        SequenceActor a = TransformerActor.create(3, 1, Map.of("window", "4"), 1);
        IllegalArgumentException shortObs = assertThrows(IllegalArgumentException.class,
                () -> a.forward(new float[5], new float[2], new float[2], 2, 1));
        assertTrue(shortObs.getMessage().contains("observations"), shortObs.getMessage());
        SequenceActor.Stepper s = a.stepper(2);
        assertThrows(IllegalArgumentException.class, () -> s.reset(2));
        IllegalArgumentException shortOut = assertThrows(IllegalArgumentException.class,
                () -> s.step(new float[6], new float[2], new float[2], new float[1]));
        assertTrue(shortOut.getMessage().contains("actionsOut"), shortOut.getMessage());
    }
}

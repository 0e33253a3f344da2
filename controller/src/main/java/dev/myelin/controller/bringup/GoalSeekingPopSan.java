package dev.myelin.controller.bringup;

import dev.myelin.policy.model.Channel;
import dev.myelin.policy.model.CubaLif;
import dev.myelin.policy.model.Normalizer;
import dev.myelin.policy.model.Policy;
import dev.myelin.policy.model.PopSan;
import dev.myelin.policy.model.SpikeMode;
import dev.myelin.policy.model.Tensor;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A hand-wired PopSAN for bringing a differential-drive base up before any trained policy exists:
 * it drives forward at a constant speed and turns toward the goal. Its observation spec is the
 * navigation layout ({@code range_0 .. range_<n-1>} lidar sectors, {@code goal_distance},
 * {@code goal_bearing}, {@code linear_velocity}, {@code angular_velocity}), its actions are
 * {@code linear_velocity} and {@code angular_velocity}, so it exercises exactly the mapping a
 * trained navigation policy uses. It ignores obstacles.
 *
 * <p>Wiring (two encoder neurons per observation, {@link PopSan} equations): only the bearing's
 * two receptive fields are reachable ({@code mu = +-1.5 rad}, sigma 1; the others sit at mu = 10,
 * beyond the normaliser's clip of 3). Each drives one hidden LIF neuron, which drives one neuron of
 * the angular action's output population; the decoder weighs them {@code +k} (turn left) and
 * {@code -k} (turn right), so {@code w = w_max tanh(k (r_left - r_right))}. The linear action's
 * output neuron is driven by a constant bias (rate 1), so {@code v = v_max tanh(speedDrive)}.
 */
public final class GoalSeekingPopSan {
    public static final int ENCODER_POPULATION = 2;
    public static final int DECODER_POPULATION = 2;
    public static final int TIMESTEPS = 5;

    private GoalSeekingPopSan() {
    }

    /** Observation channels of the navigation layout with {@code sectors} lidar sectors. */
    public static List<Channel> observationChannels(int sectors, float rangeMin, float rangeMax) {
        List<Channel> obs = new ArrayList<>();
        for (int k = 0; k < sectors; k++) {
            obs.add(new Channel("range_" + k, "m", rangeMin, rangeMax));
        }
        obs.add(new Channel("goal_distance", "m", 0f, 8.5f));
        obs.add(new Channel("goal_bearing", "rad", (float) -Math.PI, (float) Math.PI));
        obs.add(new Channel("linear_velocity", "m/s", -1.1f, 1.1f));
        obs.add(new Channel("angular_velocity", "rad/s", -14.2f, 14.2f));
        return obs;
    }

    /**
     * @param sectors    lidar sectors in the observation
     * @param maxLinear  linear velocity limit, m/s
     * @param maxAngular angular velocity limit, rad/s
     * @param speedDrive {@code atanh(v / maxLinear)} of the cruising speed
     * @param turnGain   k above
     */
    public static Policy create(int sectors, float maxLinear, float maxAngular, float speedDrive, float turnGain) {
        List<Channel> obs = observationChannels(sectors, 0.12f, 3.5f);
        int n = obs.size();
        int bearing = sectors + 1;
        int pop = ENCODER_POPULATION;
        float[] mu = new float[n * pop];
        float[] sigma = new float[n * pop];
        java.util.Arrays.fill(mu, 10f);
        java.util.Arrays.fill(sigma, 1f);
        mu[bearing * pop] = 1.5f;       // goal to the left
        mu[bearing * pop + 1] = -1.5f;  // goal to the right
        float[] hiddenWeight = new float[2 * n * pop];
        hiddenWeight[bearing * pop] = 1f;                // hidden 0 <- left field
        hiddenWeight[n * pop + bearing * pop + 1] = 1f;  // hidden 1 <- right field
        // Output population: neuron j * decPop + k belongs to action j.
        float[] outWeight = new float[4 * 2];
        outWeight[2 * 2] = 1f;          // angular k=0 <- hidden 0
        outWeight[3 * 2 + 1] = 1f;      // angular k=1 <- hidden 1
        float[] outBias = {1f, 0f, 0f, 0f}; // linear k=0 fires every step
        float[] decoder = {speedDrive, 0f, turnGain, -turnGain};
        List<Tensor> ts = List.of(
                Tensor.of("encoder.mu", mu, n, pop),
                Tensor.of("encoder.sigma", sigma, n, pop),
                Tensor.of("layer0.weight", hiddenWeight, 2, n * pop),
                Tensor.of("layer0.bias", new float[2], 2),
                Tensor.of("layer1.weight", outWeight, 4, 2),
                Tensor.of("layer1.bias", outBias, 4),
                Tensor.of("decoder.weight", decoder, 2, DECODER_POPULATION),
                Tensor.of("decoder.bias", new float[2], 2));
        PopSan net = new PopSan(n, 2, pop, DECODER_POPULATION, new int[] {2}, TIMESTEPS, SpikeMode.DETERMINISTIC,
                CubaLif.POPSAN, ts);
        List<Channel> act = List.of(Channel.symmetric("linear_velocity", "m/s", maxLinear),
                Channel.symmetric("angular_velocity", "rad/s", maxAngular));
        return new Policy(net, obs, act, Normalizer.identity(n), Map.of("source", "hand-wired goal seeker",
                "speed_drive", (double) speedDrive, "turn_gain", (double) turnGain));
    }

    /** The default tuning for a TurtleBot-class base: about 0.15 m/s cruising, turn gain 2. */
    public static Policy turtlebot(int sectors) {
        return create(sectors, 0.22f, 2.84f, 0.83f, 2f);
    }
}

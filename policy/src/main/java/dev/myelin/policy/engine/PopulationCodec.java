package dev.myelin.policy.engine;

import dev.myelin.policy.model.Policy;
import dev.myelin.policy.model.PopSan;

/**
 * The host side of a PopSAN whose spiking core runs elsewhere ({@link Int8Core} here, or a
 * neuromorphic board): observation checks and normalisation, the population encoder producing the
 * core's input spikes timestep by timestep, and the decoder turning the core's output spike counts into
 * actions. Exactly the code the {@code int8} engine runs around its core. Allocation-free after
 * construction; not thread-safe.
 */
public final class PopulationCodec {
    private final PopSan net;
    private final Observations observations;
    private final PopulationCoding.Encoder encoder;
    private final PopulationCoding.Decoder decoder;
    private final float[] normalized;
    private final Spikes spikes;
    private final float[] counts;
    private int lastSpikes;
    private int macs;

    public PopulationCodec(Policy policy, long seed) {
        if (!(policy.network() instanceof PopSan p)) {
            throw new IllegalArgumentException("a population codec needs a popsan policy, got " + policy.network().family());
        }
        net = p;
        observations = new Observations(policy.normalizer());
        encoder = new PopulationCoding.Encoder(p, seed);
        decoder = new PopulationCoding.Decoder(p.tensor("decoder.weight"), p.tensor("decoder.bias"), policy.actions());
        normalized = new float[p.observationSize()];
        spikes = new Spikes(encoder.size);
        counts = new float[p.actionSize() * p.decoderPopulation()];
    }

    public int inputSize() {
        return encoder.size;
    }

    public int outputSize() {
        return counts.length;
    }

    public int timesteps() {
        return net.timesteps();
    }

    /** Checks and normalises an observation and computes the receptive fields (throws on NaN, see {@link InferenceEngine#act}). */
    public void begin(float[] observation) {
        observations.check(observation);
        observations.normalize(observation, normalized);
        macs = encoder.begin(normalized);
    }

    /** The core's input spikes (0/1) for the next timestep; returns how many fired. */
    public int step(int[] inputSpikes) {
        int n = encoder.step(spikes);
        float[] d = spikes.dense;
        for (int k = 0; k < d.length; k++) {
            inputSpikes[k] = (int) d[k];
        }
        lastSpikes = n;
        return n;
    }

    /** Actions from the output population's spike counts over {@link #timesteps()} steps. */
    public void decode(int[] outputCounts, float[] action) {
        for (int i = 0; i < counts.length; i++) {
            counts[i] = outputCounts[i];
        }
        macs += decoder.decode(counts, net.timesteps(), action);
    }

    /** Real-valued operations of the last decision (receptive fields and decoder). */
    public int macs() {
        return macs;
    }

    /** Spikes of the encoder's last step. */
    public int lastEncoderSpikes() {
        return lastSpikes;
    }

    /** Restarts the Poisson generator (replays identically). */
    public void reset() {
        encoder.resetRandom();
    }
}

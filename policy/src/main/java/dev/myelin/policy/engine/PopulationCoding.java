package dev.myelin.policy.engine;

import dev.myelin.policy.model.Channel;
import dev.myelin.policy.model.PopSan;
import dev.myelin.policy.model.SpikeMode;
import dev.myelin.policy.model.Tensor;

import java.util.List;

/**
 * PopSAN's population encoder and decoder, shared by every engine so that they agree exactly.
 *
 * <p>Encoder: {@code A_ik = exp(-0.5 (o_i - mu_ik)^2 / sigma_ik^2)}; deterministic spikes accumulate A
 * and fire above 0.999 (subtracting 0.999), Poisson spikes are Bernoulli(A) from a seeded xorshift
 * generator owned by the engine. Decoder: {@code a_j = center_j + halfRange_j * tanh(w_j . (n_j / T) + b_j)}.
 */
final class PopulationCoding {

    /** Receptive-field encoder; null-free only for PopSAN. */
    static final class Encoder {
        final int size;
        private final int obs;
        private final int pop;
        private final float[] mu;
        private final float[] negHalfInvVar;
        private final boolean poisson;
        private final float[] exponent;
        private final float[] activation;
        private final float[] potential;
        private long rng;
        private final long seed;

        Encoder(PopSan net, long seed) {
            obs = net.observationSize();
            pop = net.encoderPopulation();
            size = obs * pop;
            mu = net.tensor("encoder.mu").data().clone();
            float[] sigma = net.tensor("encoder.sigma").data();
            negHalfInvVar = new float[size];
            for (int k = 0; k < size; k++) {
                negHalfInvVar[k] = -0.5f / (sigma[k] * sigma[k]);
            }
            poisson = net.spikeMode() == SpikeMode.POISSON;
            exponent = new float[size];
            activation = new float[size];
            potential = new float[size];
            this.seed = seed == 0 ? 0x9E3779B97F4A7C15L : seed;
            rng = this.seed;
        }

        /** Computes the receptive fields for a normalised observation; returns the real-valued ops spent. */
        int begin(float[] normalized) {
            for (int i = 0; i < obs; i++) {
                float o = normalized[i];
                int base = i * pop;
                for (int k = 0; k < pop; k++) {
                    float d = o - mu[base + k];
                    exponent[base + k] = d * d * negHalfInvVar[base + k];
                }
            }
            if (Columns.VECTOR) {
                VectorNeurons.exp(exponent, activation, size);
            } else {
                for (int k = 0; k < size; k++) {
                    activation[k] = FastExp.exp(exponent[k]);
                }
            }
            java.util.Arrays.fill(potential, 0f);
            return size;
        }

        /** Spikes of one timestep into {@code spikes}; returns their number. */
        int step(Spikes spikes) {
            float[] s = spikes.dense;
            int[] fired = spikes.fired;
            int n = 0;
            if (poisson) {
                for (int k = 0; k < size; k++) {
                    if (nextUniform() < activation[k]) {
                        s[k] = 1f;
                        fired[n++] = k;
                    } else {
                        s[k] = 0f;
                    }
                }
            } else if (Columns.VECTOR) {
                n = VectorNeurons.regularSpikes(potential, activation, s, fired, PopSan.ENCODER_THRESHOLD, size);
            } else {
                n = regularScalar(potential, activation, s, fired, 0, PopSan.ENCODER_THRESHOLD, 0, size);
            }
            spikes.count = n;
            return n;
        }

        /** Regular spikes of neurons {@code from..size}: {@code p += A; if (p > th) { p -= th; spike }}. */
        static int regularScalar(float[] potential, float[] activation, float[] s, int[] fired, int n, float th,
                                 int from, int size) {
            for (int k = from; k < size; k++) {
                float p = potential[k] + activation[k];
                if (p > th) {
                    p -= th;
                    s[k] = 1f;
                    fired[n++] = k;
                } else {
                    s[k] = 0f;
                }
                potential[k] = p;
            }
            return n;
        }

        void resetRandom() {
            rng = seed;
        }

        private float nextUniform() {
            long x = rng;
            x ^= x >>> 12;
            x ^= x << 25;
            x ^= x >>> 27;
            rng = x;
            return ((x * 0x2545F4914F6CDD1DL) >>> 40) * 0x1.0p-24f;
        }
    }

    /** Grouped linear readout of population firing rates followed by tanh and the action range. */
    static final class Decoder {
        private final int act;
        private final int pop;
        private final float[] w;
        private final float[] b;
        private final ActionRange range;

        Decoder(Tensor weight, Tensor bias, List<Channel> actions) {
            act = weight.dim(0);
            pop = weight.dim(1);
            w = weight.data().clone();
            b = bias.data().clone();
            range = new ActionRange(actions);
        }

        /** {@code counts} holds spike counts of the output population; returns the MACs spent. */
        int decode(float[] counts, int timesteps, float[] action) {
            float invT = 1f / timesteps;
            for (int j = 0; j < act; j++) {
                float z = b[j];
                int base = j * pop;
                for (int k = 0; k < pop; k++) {
                    z += w[base + k] * (counts[base + k] * invT);
                }
                action[j] = range.squash(j, z);
            }
            return act * pop;
        }
    }

    private PopulationCoding() {
    }
}


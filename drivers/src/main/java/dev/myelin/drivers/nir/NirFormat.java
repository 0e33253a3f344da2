package dev.myelin.drivers.nir;

/**
 * How a PopSAN's spiking core is written as a NIR graph (Neuromorphic Intermediate Representation,
 * v1.0 HDF5 layout: root dataset {@code version}, group {@code node} holding {@code type = "NIRGraph"},
 * {@code nodes/<name>/} with a {@code type} dataset and one dataset per parameter, {@code edges} as
 * N x 2 strings and an optional {@code metadata} group).
 *
 * <p>Graph: {@code input -> fc0 -> lif0 -> fc1 -> lif1 -> ... -> output}; {@code fcL} is an
 * {@code Affine(weight [out, in], bias [out])}, {@code lifL} a {@code CubaLIF}.
 *
 * <p>NIR's CubaLIF is continuous-time: {@code tau_syn dI/dt = -I + w_in S},
 * {@code tau_mem dv/dt = (v_leak - v) + R I}, reset to {@code v_reset} on a spike. A forward-Euler step of
 * length {@link #DT} gives {@code I' = (1 - dt/tau_syn) I + (dt/tau_syn) w_in S} and
 * {@code v' = (1 - dt/tau_mem) v + (dt/tau_mem) R I}; PopSAN's discrete neuron
 * {@code c = a c + W x + b, v = b' v (1 - s) + c} is therefore written with
 * {@code tau_syn = dt / (1 - a)}, {@code w_in = tau_syn / dt}, {@code tau_mem = dt / (1 - b')},
 * {@code R = tau_mem / dt}, {@code v_leak = v_reset = 0}, {@code v_threshold = threshold}. The Affine bias is the
 * per-step bias current. PopSAN feeds this step's current into this step's voltage; the metadata says so.
 *
 * <p>The Gaussian population encoder, the decoder, the action ranges and the observation
 * normalisation have no NIR node; they travel in the graph's {@code metadata} group
 * ({@code encoder_mu}, {@code encoder_sigma}, {@code decoder_weight}, ...), so the policy can be rebuilt exactly.
 */
public final class NirFormat {
    /** NIR version written to the root {@code version} dataset. */
    public static final String VERSION = "1.0.0";
    /** Seconds per timestep used to express the discrete decays as time constants. */
    public static final double DT = 1e-4;

    public static final String INPUT = "input";
    public static final String OUTPUT = "output";

    private NirFormat() {
    }

    static String affine(int layer) {
        return "fc" + layer;
    }

    static String lif(int layer) {
        return "lif" + layer;
    }
}

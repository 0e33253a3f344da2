package dev.myelin.drivers.nir;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.myelin.policy.io.DurableFiles;
import dev.myelin.policy.model.Channel;
import dev.myelin.policy.model.Normalizer;
import dev.myelin.policy.model.Policy;
import dev.myelin.policy.model.PopSan;
import dev.myelin.policy.model.Tensor;
import io.jhdf.HdfFile;
import io.jhdf.WritableHdfFile;
import io.jhdf.api.WritableGroup;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Writes a PopSAN policy's spiking core as a NIR graph in HDF5 (layout: {@link NirFormat}). */
public final class NirExport {
    private NirExport() {
    }

    /**
     * Writes {@code file} (through a temporary file in the same folder, moved into place when complete).
     *
     * @throws IllegalArgumentException when the policy is not a PopSAN (only its core maps onto NIR nodes)
     */
    public static void write(Policy policy, Path file) throws IOException {
        if (!(policy.network() instanceof PopSan net)) {
            throw new IllegalArgumentException("NIR export maps popsan policies (CubaLIF + Affine); this one is "
                    + policy.network().family());
        }
        DurableFiles.replace(file, tmp -> {
            try (WritableHdfFile h5 = HdfFile.write(tmp)) {
                h5.putDataset("version", NirFormat.VERSION);
                WritableGroup graph = h5.putGroup("node");
                graph.putDataset("type", "NIRGraph");
                WritableGroup nodes = graph.putGroup("nodes");
                List<String[]> edges = new ArrayList<>();
                WritableGroup input = nodes.putGroup(NirFormat.INPUT);
                input.putDataset("type", "Input");
                input.putDataset("shape", new long[] {net.layerInput(0)});
                String previous = NirFormat.INPUT;
                for (int l = 0; l < net.layerCount(); l++) {
                    String fc = NirFormat.affine(l);
                    String lif = NirFormat.lif(l);
                    WritableGroup a = nodes.putGroup(fc);
                    a.putDataset("type", "Affine");
                    a.putDataset("weight", matrix(net.tensor("layer" + l + ".weight")));
                    a.putDataset("bias", net.tensor("layer" + l + ".bias").data().clone());
                    writeCubaLif(nodes.putGroup(lif), net, net.layerOutput(l));
                    edges.add(new String[] {previous, fc});
                    edges.add(new String[] {fc, lif});
                    previous = lif;
                }
                WritableGroup output = nodes.putGroup(NirFormat.OUTPUT);
                output.putDataset("type", "Output");
                output.putDataset("shape", new long[] {net.layerOutput(net.layerCount() - 1)});
                edges.add(new String[] {previous, NirFormat.OUTPUT});
                graph.putDataset("edges", edges.toArray(String[][]::new));
                writeMetadata(graph.putGroup("metadata"), policy, net);
            }
        });
    }

    private static void writeCubaLif(WritableGroup g, PopSan net, int n) {
        double dt = NirFormat.DT;
        double tauSyn = dt / (1.0 - net.lif().currentDecay());
        double tauMem = dt / (1.0 - net.lif().voltageDecay());
        g.putDataset("type", "CubaLIF");
        g.putDataset("tau_syn", filled(n, tauSyn));
        g.putDataset("tau_mem", filled(n, tauMem));
        g.putDataset("r", filled(n, tauMem / dt));
        g.putDataset("v_leak", filled(n, 0.0));
        g.putDataset("v_threshold", filled(n, net.lif().threshold()));
        g.putDataset("v_reset", filled(n, 0.0));
        g.putDataset("w_in", filled(n, tauSyn / dt));
    }

    private static void writeMetadata(WritableGroup m, Policy policy, PopSan net) {
        m.putDataset("producer", "myelin");
        m.putDataset("description", "Spiking core of a PopSAN policy. Input: spikes of a Gaussian population encoder "
                + "(encoder_*); output: spikes of the action populations, decoded as a_j = center_j + halfRange_j * "
                + "tanh(decoder_weight_j . (counts_j / timesteps) + decoder_bias_j). Each decision runs timesteps "
                + "steps from zero state.");
        m.putDataset("neuron_update", "discrete: c = a c + W x + b; v = b' v (1 - s_prev) + c; s = v > v_threshold, "
                + "with a = 1 - dt/tau_syn, b' = 1 - dt/tau_mem; the current is updated before the voltage in a step");
        m.putDataset("dt", NirFormat.DT);
        m.putDataset("timesteps", (long) net.timesteps());
        m.putDataset("encoder_type", "gaussian_population");
        m.putDataset("encoder_spike_mode", net.spikeMode().name().toLowerCase(Locale.ROOT));
        m.putDataset("encoder_threshold", (double) PopSan.ENCODER_THRESHOLD);
        m.putDataset("encoder_mu", matrix(net.tensor("encoder.mu")));
        m.putDataset("encoder_sigma", matrix(net.tensor("encoder.sigma")));
        m.putDataset("decoder_type", "population_rate_linear_tanh");
        m.putDataset("decoder_weight", matrix(net.tensor("decoder.weight")));
        m.putDataset("decoder_bias", net.tensor("decoder.bias").data().clone());
        channels(m, "observation", policy.observations());
        channels(m, "action", policy.actions());
        Normalizer n = policy.normalizer();
        m.putDataset("normalizer_mean", n.mean());
        m.putDataset("normalizer_var", n.var());
        m.putDataset("normalizer_clip", (double) n.clip());
        try {
            m.putDataset("provenance_json", new ObjectMapper().writeValueAsString(policy.provenance()));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void channels(WritableGroup m, String what, List<Channel> channels) {
        int n = channels.size();
        String[] names = new String[n];
        String[] units = new String[n];
        float[] low = new float[n];
        float[] high = new float[n];
        for (int i = 0; i < n; i++) {
            Channel c = channels.get(i);
            names[i] = c.name();
            // HDF5 fixed-length strings cannot be empty; "-" stands for "no unit"
            units[i] = c.unit().isEmpty() ? "-" : c.unit();
            low[i] = c.low();
            high[i] = c.high();
        }
        m.putDataset(what + "_names", names);
        m.putDataset(what + "_units", units);
        m.putDataset(what + "_low", low);
        m.putDataset(what + "_high", high);
    }

    private static float[][] matrix(Tensor t) {
        int rows = t.dim(0);
        int cols = t.dim(1);
        float[][] m = new float[rows][cols];
        float[] d = t.data();
        for (int i = 0; i < rows; i++) {
            System.arraycopy(d, i * cols, m[i], 0, cols);
        }
        return m;
    }

    private static double[] filled(int n, double v) {
        double[] a = new double[n];
        java.util.Arrays.fill(a, v);
        return a;
    }
}

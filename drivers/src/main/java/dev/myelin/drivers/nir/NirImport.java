package dev.myelin.drivers.nir;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.myelin.policy.model.Channel;
import dev.myelin.policy.model.CubaLif;
import dev.myelin.policy.model.Normalizer;
import dev.myelin.policy.model.Policy;
import dev.myelin.policy.model.PopSan;
import dev.myelin.policy.model.SpikeMode;
import dev.myelin.policy.model.Tensor;
import io.jhdf.HdfFile;
import io.jhdf.api.Dataset;
import io.jhdf.api.Group;
import io.jhdf.api.Node;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a NIR graph written by {@link NirExport} back into a PopSAN policy: the chain
 * {@code Input -> (Affine -> CubaLIF)+ -> Output} plus the encoder, decoder and channel metadata.
 * Every problem is reported with the node or dataset it concerns.
 */
public final class NirImport {
    private NirImport() {
    }

    /** A NIR file that is not a graph this reader can rebuild a policy from. */
    public static final class NirFormatException extends IOException {
        public NirFormatException(String message) {
            super(message);
        }
    }

    public static Policy read(Path file) throws IOException {
        try (HdfFile h5 = new HdfFile(file)) {
            String version = string(h5, "version", "root");
            if (!version.startsWith("1.")) {
                throw new NirFormatException(file + ": NIR version " + version + " is not supported (1.x is)");
            }
            Group graph = group(h5, "node", "root");
            String type = string(graph, "type", "node");
            if (!type.equals("NIRGraph")) {
                throw new NirFormatException(file + ": node/type is " + type + ", expected NIRGraph");
            }
            Group nodes = group(graph, "nodes", "node");
            Map<String, String> next = edges(graph);
            Group meta = group(graph, "metadata", "node");

            Group input = group(nodes, NirFormat.INPUT, "node/nodes");
            expectType(input, "Input");
            int inputs = (int) longs(input, "shape")[0];
            List<Tensor> tensors = new ArrayList<>();
            List<Integer> widths = new ArrayList<>();
            CubaLif lif = null;
            String at = NirFormat.INPUT;
            int layer = 0;
            int in = inputs;
            while (true) {
                String target = next.get(at);
                if (target == null) {
                    throw new NirFormatException(file + ": node " + at + " has no outgoing edge");
                }
                Group g = group(nodes, target, "node/nodes");
                String t = string(g, "type", target);
                if (t.equals("Output")) {
                    long out = longs(g, "shape")[0];
                    if (out != in) {
                        throw new NirFormatException(file + ": output shape " + out + " differs from the last layer's " + in);
                    }
                    break;
                }
                if (!t.equals("Affine")) {
                    throw new NirFormatException(file + ": node " + target + " is " + t + ", expected Affine (layer "
                            + layer + ")");
                }
                float[][] w = floatMatrix(g, "weight", target);
                float[] b = floats(g, "bias", target);
                int out = w.length;
                if (w[0].length != in || b.length != out) {
                    throw new NirFormatException(file + ": " + target + " weight is " + out + "x" + w[0].length
                            + " with " + b.length + " biases; layer " + layer + " takes " + in + " inputs");
                }
                tensors.add(new Tensor("layer" + layer + ".weight", new int[] {out, in}, flatten(w)));
                tensors.add(new Tensor("layer" + layer + ".bias", new int[] {out}, b));
                String lifName = next.get(target);
                Group n = lifName == null ? null : group(nodes, lifName, "node/nodes");
                if (n == null || !string(n, "type", lifName).equals("CubaLIF")) {
                    throw new NirFormatException(file + ": " + target + " must feed a CubaLIF node");
                }
                CubaLif l = cubaLif(n, lifName, out);
                if (lif != null && !lif.equals(l)) {
                    throw new NirFormatException(file + ": " + lifName + " has neuron parameters " + l
                            + ", other layers " + lif + "; a PopSAN shares one neuron model");
                }
                lif = l;
                widths.add(out);
                at = lifName;
                in = out;
                layer++;
            }
            if (layer == 0) {
                throw new NirFormatException(file + ": the graph has no Affine/CubaLIF layer");
            }

            int timesteps = (int) number(meta, "timesteps");
            String mode = string(meta, "encoder_spike_mode", "metadata");
            SpikeMode spikeMode = switch (mode) {
                case "deterministic" -> SpikeMode.DETERMINISTIC;
                case "poisson" -> SpikeMode.POISSON;
                default -> throw new NirFormatException(file + ": metadata/encoder_spike_mode '" + mode + "' is unknown");
            };
            float[][] mu = floatMatrix(meta, "encoder_mu", "metadata");
            float[][] sigma = floatMatrix(meta, "encoder_sigma", "metadata");
            float[][] dw = floatMatrix(meta, "decoder_weight", "metadata");
            float[] db = floats(meta, "decoder_bias", "metadata");
            int obs = mu.length;
            int encPop = mu[0].length;
            int act = dw.length;
            int decPop = dw[0].length;
            if (obs * encPop != inputs) {
                throw new NirFormatException(file + ": encoder has " + obs + "x" + encPop + " neurons but the input shape is "
                        + inputs);
            }
            if (act * decPop != in) {
                throw new NirFormatException(file + ": decoder reads " + act + "x" + decPop + " neurons but the output shape is "
                        + in);
            }
            tensors.add(0, new Tensor("encoder.sigma", new int[] {obs, encPop}, flatten(sigma)));
            tensors.add(0, new Tensor("encoder.mu", new int[] {obs, encPop}, flatten(mu)));
            tensors.add(new Tensor("decoder.weight", new int[] {act, decPop}, flatten(dw)));
            tensors.add(new Tensor("decoder.bias", new int[] {act}, db));
            int[] hidden = new int[widths.size() - 1];
            for (int i = 0; i < hidden.length; i++) {
                hidden[i] = widths.get(i);
            }
            PopSan net;
            try {
                net = new PopSan(obs, act, encPop, decPop, hidden, timesteps, spikeMode, lif, tensors);
            } catch (IllegalArgumentException e) {
                throw new NirFormatException(file + ": " + e.getMessage());
            }
            Normalizer normalizer = new Normalizer(floats(meta, "normalizer_mean", "metadata"),
                    floats(meta, "normalizer_var", "metadata"), (float) number(meta, "normalizer_clip"));
            Map<String, Object> provenance = new LinkedHashMap<>();
            if (meta.getChild("provenance_json") != null) {
                @SuppressWarnings("unchecked")
                Map<String, Object> p = new ObjectMapper().readValue(string(meta, "provenance_json", "metadata"), Map.class);
                provenance.putAll(p);
            }
            try {
                return new Policy(net, channels(meta, "observation"), channels(meta, "action"), normalizer, provenance);
            } catch (IllegalArgumentException e) {
                throw new NirFormatException(file + ": " + e.getMessage());
            }
        } catch (io.jhdf.exceptions.HdfException e) {
            throw new NirFormatException(file + " is not a readable HDF5 file: " + e.getMessage());
        }
    }

    /** PopSAN's discrete neuron from NIR's continuous CubaLIF (inverse of {@link NirFormat}'s mapping). */
    private static CubaLif cubaLif(Group g, String name, int n) throws NirFormatException {
        double tauSyn = uniform(g, "tau_syn", name, n);
        double tauMem = uniform(g, "tau_mem", name, n);
        double r = uniform(g, "r", name, n);
        double vLeak = uniform(g, "v_leak", name, n);
        double vTh = uniform(g, "v_threshold", name, n);
        double vReset = g.getChild("v_reset") == null ? 0.0 : uniform(g, "v_reset", name, n);
        double wIn = g.getChild("w_in") == null ? 1.0 : uniform(g, "w_in", name, n);
        double dt = NirFormat.DT;
        if (vLeak != 0.0 || vReset != 0.0) {
            throw new NirFormatException(name + ": v_leak " + vLeak + " and v_reset " + vReset + " must be 0 for a PopSAN neuron");
        }
        if (!(tauSyn >= dt) || !(tauMem >= dt)) {
            throw new NirFormatException(name + ": time constants tau_syn " + tauSyn + " and tau_mem " + tauMem
                    + " must be at least dt = " + dt);
        }
        if (Math.abs(r - tauMem / dt) > 1e-9 * r || Math.abs(wIn - tauSyn / dt) > 1e-9 * wIn) {
            throw new NirFormatException(name + ": r = " + r + " and w_in = " + wIn + " must be tau_mem/dt = " + tauMem / dt
                    + " and tau_syn/dt = " + tauSyn / dt + " (unit input and voltage gain per step)");
        }
        try {
            return new CubaLif((float) (1.0 - dt / tauSyn), (float) (1.0 - dt / tauMem), (float) vTh);
        } catch (IllegalArgumentException e) {
            throw new NirFormatException(name + ": " + e.getMessage());
        }
    }

    private static double uniform(Group g, String key, String node, int n) throws NirFormatException {
        double[] v = doubles(g, key, node);
        if (v.length != n) {
            throw new NirFormatException(node + "/" + key + " has " + v.length + " values, the layer has " + n + " neurons");
        }
        for (int i = 1; i < v.length; i++) {
            if (v[i] != v[0]) {
                throw new NirFormatException(node + "/" + key + " differs between neurons (" + v[0] + " vs " + v[i]
                        + " at " + i + "); a PopSAN layer shares one value");
            }
        }
        return v[0];
    }

    private static List<Channel> channels(Group meta, String what) throws NirFormatException {
        String[] names = strings(meta, what + "_names");
        String[] units = strings(meta, what + "_units");
        float[] low = floats(meta, what + "_low", "metadata");
        float[] high = floats(meta, what + "_high", "metadata");
        if (units.length != names.length || low.length != names.length || high.length != names.length) {
            throw new NirFormatException("metadata: " + what + " channel arrays have different lengths");
        }
        List<Channel> list = new ArrayList<>();
        for (int i = 0; i < names.length; i++) {
            try {
                list.add(new Channel(names[i], units[i].equals("-") ? "" : units[i], low[i], high[i]));
            } catch (IllegalArgumentException e) {
                throw new NirFormatException("metadata: " + what + " channel " + i + ": " + e.getMessage());
            }
        }
        return list;
    }

    private static Map<String, String> edges(Group graph) throws NirFormatException {
        Object data = dataset(graph, "edges", "node").getData();
        if (!(data instanceof String[][] e)) {
            throw new NirFormatException("node/edges must be an N x 2 array of strings");
        }
        Map<String, String> next = new HashMap<>();
        for (String[] pair : e) {
            if (pair.length != 2) {
                throw new NirFormatException("node/edges must be an N x 2 array of strings");
            }
            if (next.put(pair[0], pair[1]) != null) {
                throw new NirFormatException("node " + pair[0] + " has more than one outgoing edge; only chains are supported");
            }
        }
        return next;
    }

    private static Group group(Group parent, String name, String where) throws NirFormatException {
        Node n = parent.getChild(name);
        if (!(n instanceof Group g)) {
            throw new NirFormatException(where + ": missing group " + name);
        }
        return g;
    }

    private static Dataset dataset(Group parent, String name, String where) throws NirFormatException {
        Node n = parent.getChild(name);
        if (!(n instanceof Dataset d)) {
            throw new NirFormatException(where + ": missing dataset " + name);
        }
        return d;
    }

    private static void expectType(Group g, String type) throws NirFormatException {
        String t = string(g, "type", g.getName());
        if (!t.equals(type)) {
            throw new NirFormatException("node " + g.getName() + " is " + t + ", expected " + type);
        }
    }

    private static String string(Group g, String name, String where) throws NirFormatException {
        Object o = dataset(g, name, where).getData();
        if (o instanceof String s) {
            return s;
        }
        if (o instanceof String[] a && a.length == 1) {
            return a[0];
        }
        throw new NirFormatException(where + "/" + name + " must be a string");
    }

    private static String[] strings(Group g, String name) throws NirFormatException {
        Object o = dataset(g, name, "metadata").getData();
        if (o instanceof String[] a) {
            return a;
        }
        throw new NirFormatException("metadata/" + name + " must be an array of strings");
    }

    private static double number(Group g, String name) throws NirFormatException {
        Object o = dataset(g, name, "metadata").getData();
        if (o instanceof Number n) {
            return n.doubleValue();
        }
        throw new NirFormatException("metadata/" + name + " must be a number");
    }

    private static long[] longs(Group g, String name) throws NirFormatException {
        Object o = dataset(g, name, g.getName()).getData();
        if (o instanceof long[] a && a.length == 1 && a[0] > 0) {
            return a;
        }
        if (o instanceof int[] a && a.length == 1 && a[0] > 0) {
            return new long[] {a[0]};
        }
        throw new NirFormatException(g.getName() + "/" + name + " must hold one positive integer");
    }

    private static double[] doubles(Group g, String name, String where) throws NirFormatException {
        Object o = dataset(g, name, where).getData();
        if (o instanceof double[] a) {
            return a;
        }
        if (o instanceof float[] a) {
            double[] d = new double[a.length];
            for (int i = 0; i < a.length; i++) {
                d[i] = a[i];
            }
            return d;
        }
        throw new NirFormatException(where + "/" + name + " must be a 1-D float array");
    }

    private static float[] floats(Group g, String name, String where) throws NirFormatException {
        Object o = dataset(g, name, where).getData();
        if (o instanceof float[] a) {
            return a;
        }
        if (o instanceof double[] a) {
            float[] f = new float[a.length];
            for (int i = 0; i < a.length; i++) {
                f[i] = (float) a[i];
            }
            return f;
        }
        throw new NirFormatException(where + "/" + name + " must be a 1-D float array");
    }

    private static float[][] floatMatrix(Group g, String name, String where) throws NirFormatException {
        Object o = dataset(g, name, where).getData();
        if (o instanceof float[][] a && a.length > 0 && a[0].length > 0) {
            return a;
        }
        if (o instanceof double[][] a && a.length > 0 && a[0].length > 0) {
            float[][] f = new float[a.length][a[0].length];
            for (int i = 0; i < a.length; i++) {
                for (int j = 0; j < a[i].length; j++) {
                    f[i][j] = (float) a[i][j];
                }
            }
            return f;
        }
        throw new NirFormatException(where + "/" + name + " must be a non-empty 2-D float array");
    }

    private static float[] flatten(float[][] m) {
        int cols = m[0].length;
        float[] f = new float[m.length * cols];
        for (int i = 0; i < m.length; i++) {
            System.arraycopy(m[i], 0, f, i * cols, cols);
        }
        return f;
    }
}

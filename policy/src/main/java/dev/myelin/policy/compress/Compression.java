package dev.myelin.policy.compress;

import dev.myelin.policy.model.Policy;
import dev.myelin.policy.model.SpikingNetwork;
import dev.myelin.policy.model.Tensor;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What bundle compression does to a policy's numbers, without writing a bundle.
 *
 * <p>Only weight matrices are compressed: tensors of rank 2 whose name ends in {@code .weight}, except
 * the population decoder {@code decoder.*} (a few dozen real-valued weights that read firing rates
 * straight into actions, where a quantization step would show up directly as action error). Biases,
 * encoder receptive fields ({@code encoder.mu}, {@code encoder.sigma}) and the decoder stay fp32 at every
 * precision. A compressible tensor is first pruned ({@link Pruning}), then stored at the bundle's
 * {@link Precision} ({@link Quantization}). Callable from any thread.
 */
public final class Compression {

    private Compression() {
    }

    /** True for the tensors that pruning and fp16/int8 storage apply to (see class doc). */
    public static boolean isCompressible(Tensor t) {
        return isCompressible(t.name(), t.rank());
    }

    /** Same rule from a name and rank, for readers that have not built the tensor yet. */
    public static boolean isCompressible(String name, int rank) {
        return rank == 2 && name.endsWith(".weight") && !name.startsWith("decoder.");
    }

    /**
     * The policy exactly as a robot sees it after a bundle is written with these settings and read back:
     * same channels, normalizer and provenance, compressible tensors pruned and rounded through the
     * storage precision, every other tensor untouched.
     */
    public static Policy apply(Policy policy, Precision precision, double pruneFraction) {
        Pruning.checkFraction(pruneFraction);
        SpikingNetwork net = policy.network();
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (Tensor t : net.tensors()) {
            out.put(t.name(), compress(t, precision, pruneFraction));
        }
        return policy.withNetwork(net.withTensors(out));
    }

    /** One tensor through pruning and the storage precision; non-compressible tensors are returned as is. */
    public static Tensor compress(Tensor t, Precision precision, double pruneFraction) {
        if (!isCompressible(t)) {
            return t;
        }
        float[] pruned = Pruning.prune(t.data(), pruneFraction);
        float[] stored = switch (precision) {
            case FP32 -> pruned;
            case FP16 -> Quantization.fromFp16(Quantization.toFp16(t.name(), pruned));
            case INT8 -> Quantization.dequantize(Quantization.quantizeInt8(pruned, t.dim(0), t.dim(1)));
        };
        return t.withData(stored);
    }

    /** Fraction of exact zeros among the compressible tensors' values (0 when there are none). */
    public static double weightSparsity(SpikingNetwork net) {
        long zeros = 0;
        long total = 0;
        for (Tensor t : net.tensors()) {
            if (isCompressible(t)) {
                for (float v : t.data()) {
                    if (v == 0f) {
                        zeros++;
                    }
                }
                total += t.size();
            }
        }
        return total == 0 ? 0.0 : (double) zeros / total;
    }
}

package dev.myelin.trainer.djl;

import ai.djl.Device;
import ai.djl.ndarray.types.DataType;

import java.util.Locale;

/**
 * The DJL data type a graph computes in, with the one combination DJL 0.35.1 cannot survive refused up
 * front: casting to bfloat16 on the CPU aborts the JVM inside the PyTorch engine, so {@code bf16} is only
 * accepted on a GPU. Stateless; any thread.
 */
public final class DjlPrecision {
    private DjlPrecision() {
    }

    /**
     * The compute type for {@code precision} ({@code fp32}, {@code fp16}, {@code bf16}) on {@code device}.
     *
     * @throws IllegalArgumentException for an unknown name, or bf16 on the CPU
     */
    public static DataType computeType(String precision, Device device) {
        return switch (precision.toLowerCase(Locale.ROOT)) {
            case "fp32" -> DataType.FLOAT32;
            case "fp16" -> DataType.FLOAT16;
            case "bf16" -> {
                if (!device.isGpu()) {
                    throw new IllegalArgumentException("bf16 is not available with DJL on the CPU (DJL 0.35.1's PyTorch "
                            + "engine aborts the JVM when casting to bfloat16 there); use fp16 or fp32, or train with the "
                            + "fused CPU kernels, whose bf16 is emulated exactly");
                }
                yield DataType.BFLOAT16;
            }
            default -> throw new IllegalArgumentException("unknown precision '" + precision + "' (known: fp32, fp16, bf16)");
        };
    }
}

package dev.myelin.policy.bundle;

import dev.myelin.policy.compress.Compression;
import dev.myelin.policy.compress.Precision;
import dev.myelin.policy.compress.Pruning;
import dev.myelin.policy.compress.Quantization;
import dev.myelin.policy.model.Tensor;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * Byte encoding of one tensor in the tensor section (BUNDLE_FORMAT.md, "Tensor encodings").
 * A tensor's bytes are up to three parts, each starting 8-aligned relative to the tensor:
 * int8 row scales (fp32 [rows]), the sparse presence bitmap (u64 words, bit i = element i), the values
 * (all elements when dense, only the present ones when sparse), all little-endian.
 */
final class TensorCodec {

    /** Element type of the stored values. */
    enum DType {
        FP32(4), FP16(2), INT8(1);

        final int bytes;

        DType(int bytes) {
            this.bytes = bytes;
        }

        String manifestName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        static DType of(Precision p) {
            return switch (p) {
                case FP32 -> FP32;
                case FP16 -> FP16;
                case INT8 -> INT8;
            };
        }
    }

    /** A tensor ready to be placed in the tensor section. */
    record Encoded(String name, int[] shape, DType dtype, boolean sparse, byte[] payload) {
    }

    private TensorCodec() {
    }

    /** Storage type the format prescribes for a tensor in a bundle of the given precision. */
    static DType storedType(String name, int rank, Precision precision) {
        return Compression.isCompressible(name, rank) ? DType.of(precision) : DType.FP32;
    }

    static long scalesLength(DType dtype, int[] shape) {
        return dtype == DType.INT8 ? Layout.align(4L * shape[0]) : 0;
    }

    static long bitmapLength(long elements) {
        return (elements + 63) / 64 * 8;
    }

    /**
     * Encodes a tensor as {@link Compression#compress} would see it: compressible tensors pruned and stored at
     * {@code precision}, dense or sparse whichever is smaller (dense on a tie); everything else fp32 dense.
     */
    static Encoded encode(Tensor t, Precision precision, double pruneFraction) {
        int[] shape = t.shape();
        if (!Compression.isCompressible(t)) {
            ByteBuffer b = order(ByteBuffer.allocate(4 * t.size()));
            b.asFloatBuffer().put(t.data());
            return new Encoded(t.name(), shape, DType.FP32, false, b.array());
        }
        float[] pruned = Pruning.prune(t.data(), pruneFraction);
        DType dtype = DType.of(precision);
        int n = pruned.length;
        float[] scales = null;
        byte[] codes = null;
        short[] halves = null;
        boolean[] present = new boolean[n];
        int nnz = 0;
        switch (dtype) {
            case FP32 -> {
                for (int i = 0; i < n; i++) {
                    present[i] = Float.floatToRawIntBits(pruned[i]) != 0;
                }
            }
            case FP16 -> {
                halves = Quantization.toFp16(t.name(), pruned);
                for (int i = 0; i < n; i++) {
                    present[i] = halves[i] != 0;
                }
            }
            case INT8 -> {
                Quantization.Int8Rows q = Quantization.quantizeInt8(pruned, shape[0], shape[1]);
                scales = q.scales();
                codes = q.codes();
                for (int i = 0; i < n; i++) {
                    present[i] = codes[i] != 0;
                }
            }
        }
        for (boolean p : present) {
            nnz += p ? 1 : 0;
        }
        long head = scalesLength(dtype, shape);
        long denseLength = head + (long) n * dtype.bytes;
        long sparseLength = head + bitmapLength(n) + (long) nnz * dtype.bytes;
        boolean sparse = sparseLength < denseLength;
        ByteBuffer b = order(ByteBuffer.allocate((int) (sparse ? sparseLength : denseLength)));
        if (dtype == DType.FP32 && !sparse) {
            order(b.slice()).asFloatBuffer().put(pruned);
            return new Encoded(t.name(), shape, dtype, false, b.array());
        }
        if (scales != null) {
            for (float s : scales) {
                b.putFloat(s);
            }
            b.position((int) head);
        }
        if (sparse) {
            long[] words = new long[(int) (bitmapLength(n) / 8)];
            for (int i = 0; i < n; i++) {
                if (present[i]) {
                    words[i >>> 6] |= 1L << (i & 63);
                }
            }
            for (long w : words) {
                b.putLong(w);
            }
        }
        for (int i = 0; i < n; i++) {
            if (sparse && !present[i]) {
                continue;
            }
            switch (dtype) {
                case FP32 -> b.putFloat(pruned[i]);
                case FP16 -> b.putShort(halves[i]);
                case INT8 -> b.put(codes[i]);
            }
        }
        return new Encoded(t.name(), shape, dtype, sparse, b.array());
    }

    /**
     * Decodes {@code length} bytes at {@code offset} of {@code file} into fp32 values, checking that the
     * length matches the encoding exactly, that int8 scales are finite and non-negative, codes lie in
     * [-127, 127], sparse bitmaps have no bits past the last element and store no zeros, and every
     * decoded value is finite. {@code elements} must already be checked against the size limits.
     */
    static float[] decode(byte[] file, long offset, long length, String name, int[] shape, int elements,
                          DType dtype, boolean sparse) throws BundleFormatException {
        String field = "tensor[" + name + "]";
        ByteBuffer b = order(ByteBuffer.wrap(file, (int) offset, (int) length).slice());
        long head = scalesLength(dtype, shape);
        long valuesStart = head;
        int count = elements;
        long[] words = null;
        if (sparse) {
            long bitmap = bitmapLength(elements);
            if (head + bitmap > length) {
                throw new BundleFormatException(field, "sparse tensor of " + elements + " elements needs a "
                        + bitmap + "-byte bitmap after " + head + " bytes of scales, but has only " + length + " bytes");
            }
            words = new long[(int) (bitmap / 8)];
            count = 0;
            for (int w = 0; w < words.length; w++) {
                words[w] = b.getLong((int) (head + 8L * w));
                count += Long.bitCount(words[w]);
            }
            int tail = elements & 63;
            if (tail != 0 && (words[words.length - 1] >>> tail) != 0) {
                throw new BundleFormatException(field, "sparse bitmap has bits set past element " + (elements - 1));
            }
            valuesStart = head + bitmap;
        }
        long expected = valuesStart + (long) count * dtype.bytes;
        if (expected != length) {
            throw new BundleFormatException(field, dtype.manifestName() + (sparse ? " sparse" : " dense")
                    + " encoding of " + Arrays.toString(shape) + (sparse ? " with " + count + " stored values" : "")
                    + " takes " + expected + " bytes, the manifest says " + length);
        }
        float[] scales = null;
        if (dtype == DType.INT8) {
            scales = new float[shape[0]];
            for (int r = 0; r < scales.length; r++) {
                scales[r] = b.getFloat(4 * r);
                if (!Float.isFinite(scales[r]) || !(scales[r] >= 0f)) {
                    throw new BundleFormatException(field, "int8 scale of row " + r + " is " + scales[r]
                            + ", must be finite and >= 0");
                }
            }
        }
        int pos = (int) valuesStart;
        float[] f32 = dtype == DType.FP32 ? new float[elements] : null;
        short[] f16 = dtype == DType.FP16 ? new short[elements] : null;
        byte[] i8 = dtype == DType.INT8 ? new byte[elements] : null;
        if (!sparse) {
            // Dense values are one contiguous little-endian array: bulk copy.
            ByteBuffer values = order(b.slice(pos, (int) (length - pos)));
            switch (dtype) {
                case FP32 -> values.asFloatBuffer().get(f32);
                case FP16 -> values.asShortBuffer().get(f16);
                case INT8 -> values.get(i8);
            }
        } else {
            for (int i = 0; i < elements; i++) {
                if ((words[i >>> 6] & (1L << (i & 63))) == 0) {
                    continue;
                }
                boolean zero = switch (dtype) {
                    case FP32 -> Float.floatToRawIntBits(f32[i] = b.getFloat(pos)) == 0;
                    case FP16 -> (f16[i] = b.getShort(pos)) == 0;
                    case INT8 -> (i8[i] = b.get(pos)) == 0;
                };
                if (zero) {
                    throw new BundleFormatException(field, "sparse tensor stores a zero at index " + i
                            + "; only non-zero values are stored");
                }
                pos += dtype.bytes;
            }
        }
        for (int i = 0; i8 != null && i < elements; i++) {
            if (i8[i] == Byte.MIN_VALUE) {
                throw new BundleFormatException(field, "int8 code -128 at index " + i
                        + " is outside the symmetric range [-127, 127]");
            }
        }
        float[] values = switch (dtype) {
            case FP32 -> f32;
            case FP16 -> Quantization.fromFp16(f16);
            case INT8 -> Quantization.dequantize(new Quantization.Int8Rows(shape[0], shape[1], scales, i8));
        };
        for (int i = 0; i < values.length; i++) {
            if (!Float.isFinite(values[i])) {
                throw new BundleFormatException(field, "value at index " + i + " is " + values[i] + ", must be finite");
            }
        }
        return values;
    }

    private static ByteBuffer order(ByteBuffer b) {
        return b.order(ByteOrder.LITTLE_ENDIAN);
    }
}

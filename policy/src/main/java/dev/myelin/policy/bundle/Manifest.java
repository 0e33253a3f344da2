package dev.myelin.policy.bundle;

import dev.myelin.policy.compress.Precision;
import dev.myelin.policy.model.Channel;
import dev.myelin.policy.model.Normalizer;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The manifest of a bundle (BUNDLE_FORMAT.md, "Manifest"): everything but the tensor values, as typed
 * fields with the rules its values follow. Its JSON form, read strictly and validated field by field, is
 * {@link ManifestJson}.
 */
record Manifest(String name, ReleaseVersion version, Precision precision, double pruneFraction, String family,
                Map<String, Object> hyperparameters, List<Channel> observations, List<Channel> actions,
                Normalizer normalizer, Map<String, Object> provenance, List<TensorEntry> tensors) {

    /** Bundle names: used in file names and MQTT topic levels, so no separators or wildcards. */
    static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
    static final int MAX_RANK = 8;
    static final int MAX_TENSOR_NAME = 256;

    /** Where one tensor's bytes lie, relative to the start of the tensor section. */
    record TensorEntry(String name, int[] shape, TensorCodec.DType dtype, boolean sparse, long offset, long length,
                       int elements) {
    }

    /** The manifest as JSON (see {@link ManifestJson#write}). */
    byte[] toJson() {
        return ManifestJson.write(this);
    }

    /** Reads and validates a manifest (see {@link ManifestJson#read}). */
    static Manifest parse(byte[] file, int offset, int length, long sectionLength, BundleLimits limits)
            throws BundleFormatException {
        return ManifestJson.read(file, offset, length, sectionLength, limits);
    }

    /**
     * Throws IllegalArgumentException naming {@code path} unless {@code v} is JSON-compatible: null, String,
     * Boolean, an integer type, a finite Float/Double/BigDecimal, a Collection of such, or a Map with String keys.
     */
    static void checkJsonValue(String path, Object v, int depth) {
        if (depth > 16) {
            throw new IllegalArgumentException(path + ": nested deeper than 16 levels");
        }
        switch (v) {
            case null -> { }
            case String s -> { }
            case Boolean b -> { }
            case Integer i -> { }
            case Long l -> { }
            case Short s -> { }
            case Byte b -> { }
            case BigInteger b -> { }
            case BigDecimal d -> { }
            case Float f -> {
                if (!Float.isFinite(f)) {
                    throw new IllegalArgumentException(path + ": " + f + " is not a finite number");
                }
            }
            case Double d -> {
                if (!Double.isFinite(d)) {
                    throw new IllegalArgumentException(path + ": " + d + " is not a finite number");
                }
            }
            case Map<?, ?> m -> {
                for (Map.Entry<?, ?> e : m.entrySet()) {
                    if (!(e.getKey() instanceof String k)) {
                        throw new IllegalArgumentException(path + ": key " + e.getKey() + " is not a string");
                    }
                    checkJsonValue(path + "." + k, e.getValue(), depth + 1);
                }
            }
            case Collection<?> c -> {
                int i = 0;
                for (Object o : c) {
                    checkJsonValue(path + "[" + i++ + "]", o, depth + 1);
                }
            }
            default -> throw new IllegalArgumentException(path + ": a " + v.getClass().getName()
                    + " cannot be written to JSON (use strings, numbers, booleans, lists and maps)");
        }
    }

}

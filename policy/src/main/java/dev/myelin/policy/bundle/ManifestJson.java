package dev.myelin.policy.bundle;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.StreamReadConstraints;
import dev.myelin.policy.bundle.Manifest.TensorEntry;
import dev.myelin.policy.compress.Compression;
import dev.myelin.policy.compress.Precision;
import dev.myelin.policy.io.StrictJson;
import dev.myelin.policy.io.StrictJson.JsonNumber;
import dev.myelin.policy.model.Channel;
import dev.myelin.policy.model.Normalizer;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The JSON form of a {@link Manifest}: {@link #write} writes it, {@link #read} reads it with
 * {@link StrictJson} and validates every field, naming {@code manifest.path.key} on refusal.
 * Floats (channel ranges, normalizer statistics) are written as the shortest decimal that reads back
 * to the same fp32 and are read by parsing the number's own text straight to fp32 (no detour through
 * double or BigDecimal, which would lose -0 or round twice), so they round-trip bit for bit.
 */
final class ManifestJson {

    private static final List<String> TOP_LEVEL = List.of("name", "version", "precision", "prune_fraction", "network",
            "observations", "actions", "normalizer", "provenance", "tensors");

    /** Manifest documents: deep enough for nested hyperparameters and provenance, long numbers for exact floats. */
    private static final StrictJson.Limits LIMITS = new StrictJson.Limits(32, 100, StrictJson.MAX_NAME_LENGTH,
            StreamReadConstraints.DEFAULT_MAX_STRING_LEN, BundleLimits.DEFAULT.maxManifestBytes());

    private ManifestJson() {
    }

    // ---------------------------------------------------------------------------------------- writing

    /** Compact UTF-8 JSON of {@code m}. */
    static byte[] write(Manifest m) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(4096);
        try (JsonGenerator g = StrictJson.generator(out)) {
            g.writeStartObject();
            g.writeStringField("name", m.name());
            g.writeStringField("version", m.version().toString());
            g.writeStringField("precision", m.precision().manifestName());
            g.writeNumberField("prune_fraction", m.pruneFraction());
            g.writeObjectFieldStart("network");
            g.writeStringField("family", m.family());
            g.writeFieldName("hyperparameters");
            writeValue(g, m.hyperparameters());
            g.writeEndObject();
            writeChannels(g, "observations", m.observations());
            writeChannels(g, "actions", m.actions());
            g.writeObjectFieldStart("normalizer");
            writeFloats(g, "mean", m.normalizer().mean());
            writeFloats(g, "var", m.normalizer().var());
            g.writeNumberField("clip", m.normalizer().clip());
            g.writeEndObject();
            g.writeFieldName("provenance");
            writeValue(g, m.provenance());
            g.writeArrayFieldStart("tensors");
            for (TensorEntry t : m.tensors()) {
                g.writeStartObject();
                g.writeStringField("name", t.name());
                g.writeArrayFieldStart("shape");
                for (int d : t.shape()) {
                    g.writeNumber(d);
                }
                g.writeEndArray();
                g.writeStringField("dtype", t.dtype().manifestName());
                g.writeStringField("layout", t.sparse() ? "sparse" : "dense");
                g.writeNumberField("offset", t.offset());
                g.writeNumberField("length", t.length());
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // in-memory stream: cannot happen
        }
        return out.toByteArray();
    }

    private static void writeChannels(JsonGenerator g, String field, List<Channel> channels) throws IOException {
        g.writeArrayFieldStart(field);
        for (Channel c : channels) {
            g.writeStartObject();
            g.writeStringField("name", c.name());
            g.writeStringField("unit", c.unit());
            g.writeNumberField("low", c.low());
            g.writeNumberField("high", c.high());
            g.writeEndObject();
        }
        g.writeEndArray();
    }

    private static void writeFloats(JsonGenerator g, String field, float[] values) throws IOException {
        g.writeArrayFieldStart(field);
        for (float v : values) {
            g.writeNumber(v);
        }
        g.writeEndArray();
    }

    /** Writes a value already checked by {@link Manifest#checkJsonValue}. */
    private static void writeValue(JsonGenerator g, Object v) throws IOException {
        switch (v) {
            case null -> g.writeNull();
            case String s -> g.writeString(s);
            case Boolean b -> g.writeBoolean(b);
            case Integer i -> g.writeNumber(i);
            case Long l -> g.writeNumber(l);
            case Short s -> g.writeNumber(s);
            case Byte b -> g.writeNumber(b);
            case BigInteger b -> g.writeNumber(b);
            case Float f -> g.writeNumber(f);
            case Double d -> g.writeNumber(d);
            case BigDecimal d -> g.writeNumber(d);
            case Map<?, ?> m -> {
                g.writeStartObject();
                for (Map.Entry<?, ?> e : m.entrySet()) {
                    g.writeFieldName((String) e.getKey());
                    writeValue(g, e.getValue());
                }
                g.writeEndObject();
            }
            case Collection<?> c -> {
                g.writeStartArray();
                for (Object o : c) {
                    writeValue(g, o);
                }
                g.writeEndArray();
            }
            default -> throw new IllegalStateException("unchecked value type " + v.getClass().getName());
        }
    }

    // ---------------------------------------------------------------------------------------- reading

    /**
     * Parses and validates a manifest: strict UTF-8 JSON, known fields only, every value typed and in range,
     * tensor entries canonically laid out over exactly {@code sectionLength} bytes and within {@code limits}.
     */
    static Manifest read(byte[] file, int offset, int length, long sectionLength, BundleLimits limits)
            throws BundleFormatException {
        Map<String, Object> root;
        try {
            root = StrictJson.of(LIMITS.withMaxDocumentBytes(Math.max(length, limits.maxManifestBytes())))
                    .readObject(file, offset, length);
        } catch (StrictJson.Refused e) {
            throw new BundleFormatException("manifest", switch (e.problem()) {
                case NOT_UTF8 -> "is not valid UTF-8";
                case NOT_OBJECT -> "must be a JSON object";
                case TRAILING_CONTENT -> "has content after the JSON object";
                case EMPTY, TOO_LARGE, NOT_JSON -> "is not valid JSON: " + firstLine(e.getMessage());
            });
        }
        Fields top = new Fields("manifest", root);
        top.onlyKnown(TOP_LEVEL);

        String name = top.text("name");
        if (!Manifest.NAME.matcher(name).matches()) {
            throw top.error("name", "'" + name + "' must be 1-128 characters of A-Z a-z 0-9 . _ - starting with a letter or digit");
        }
        ReleaseVersion version;
        try {
            version = ReleaseVersion.parse(top.text("version"));
        } catch (IllegalArgumentException e) {
            throw top.error("version", e.getMessage());
        }
        Precision precision;
        try {
            precision = Precision.fromManifestName(top.text("precision"));
        } catch (IllegalArgumentException e) {
            throw top.error("precision", e.getMessage());
        }
        double prune = top.finiteDouble("prune_fraction");
        if (!(prune >= 0.0 && prune < 1.0)) {
            throw top.error("prune_fraction", "must be in [0, 1), got " + prune);
        }

        Fields network = top.object("network");
        network.onlyKnown(List.of("family", "hyperparameters"));
        String family = network.text("family");
        Map<String, Object> hyper = toJava(network.object("hyperparameters"));

        List<Channel> observations = channels(top, "observations");
        List<Channel> actions = channels(top, "actions");

        Fields norm = top.object("normalizer");
        norm.onlyKnown(List.of("mean", "var", "clip"));
        float[] mean = norm.floats("mean");
        float[] var = norm.floats("var");
        float clip = norm.finiteFloat("clip");
        Normalizer normalizer;
        try {
            normalizer = new Normalizer(mean, var, clip);
        } catch (RuntimeException e) {
            throw new BundleFormatException("manifest.normalizer", e.getMessage());
        }

        Map<String, Object> provenance = toJava(top.object("provenance"));
        List<TensorEntry> tensors = tensors(top, precision, sectionLength, limits);
        return new Manifest(name, version, precision, prune, family, hyper, observations, actions, normalizer,
                provenance, tensors);
    }

    private static List<Channel> channels(Fields top, String key) throws BundleFormatException {
        List<Fields> items = top.objects(key);
        List<Channel> out = new ArrayList<>(items.size());
        Set<String> seen = new HashSet<>();
        for (Fields c : items) {
            c.onlyKnown(List.of("name", "unit", "low", "high"));
            String name = c.text("name");
            String unit = c.text("unit");
            float low = c.finiteFloat("low");
            float high = c.finiteFloat("high");
            if (!seen.add(name)) {
                throw c.error("name", "duplicate channel name '" + name + "'");
            }
            try {
                out.add(new Channel(name, unit, low, high));
            } catch (RuntimeException e) {
                throw new BundleFormatException(c.path, e.getMessage());
            }
        }
        return out;
    }

    private static List<TensorEntry> tensors(Fields top, Precision precision, long sectionLength, BundleLimits limits)
            throws BundleFormatException {
        List<Fields> items = top.objects("tensors");
        List<TensorEntry> out = new ArrayList<>(items.size());
        Set<String> names = new HashSet<>();
        long position = 0;
        long decodedTotal = 0;
        for (Fields t : items) {
            t.onlyKnown(List.of("name", "shape", "dtype", "layout", "offset", "length"));
            String name = t.text("name");
            if (name.isEmpty() || name.length() > Manifest.MAX_TENSOR_NAME) {
                throw t.error("name", "must be 1-" + Manifest.MAX_TENSOR_NAME + " characters");
            }
            if (!names.add(name)) {
                throw t.error("name", "duplicate tensor '" + name + "'");
            }
            List<Object> dims = t.array("shape");
            if (dims.isEmpty() || dims.size() > Manifest.MAX_RANK) {
                throw t.error("shape", "must have 1 to " + Manifest.MAX_RANK + " dimensions, has " + dims.size());
            }
            int[] shape = new int[dims.size()];
            long elements = 1;
            for (int i = 0; i < shape.length; i++) {
                long d = integer(dims.get(i));
                if (d <= 0 || d > Integer.MAX_VALUE) {
                    throw t.error("shape", "dimension " + i + " must be a positive 32-bit integer, got " + dims.get(i));
                }
                shape[i] = (int) d;
                elements *= d; // <= maxTensorBytes / 4 (checked below) times < 2^31: no overflow
                if (elements * 4 > limits.maxTensorBytes()) {
                    throw t.error("shape", "tensor '" + name + "' would decode to more than the limit of "
                            + limits.maxTensorBytes() + " bytes");
                }
            }
            decodedTotal += elements * 4;
            if (decodedTotal > limits.maxTotalBytes()) {
                throw t.error("shape", "tensors would decode to more than the limit of " + limits.maxTotalBytes()
                        + " bytes in total");
            }
            String dtypeName = t.text("dtype");
            TensorCodec.DType dtype = switch (dtypeName) {
                case "fp32" -> TensorCodec.DType.FP32;
                case "fp16" -> TensorCodec.DType.FP16;
                case "int8" -> TensorCodec.DType.INT8;
                default -> throw t.error("dtype", "must be fp32, fp16 or int8, got '" + dtypeName + "'");
            };
            TensorCodec.DType expected = TensorCodec.storedType(name, shape.length, precision);
            if (dtype != expected) {
                throw t.error("dtype", "tensor '" + name + "' must be stored as " + expected.manifestName() + " in a "
                        + precision.manifestName() + " bundle, manifest says " + dtype.manifestName());
            }
            String layout = t.text("layout");
            boolean sparse = switch (layout) {
                case "dense" -> false;
                case "sparse" -> true;
                default -> throw t.error("layout", "must be dense or sparse, got '" + layout + "'");
            };
            if (sparse && !Compression.isCompressible(name, shape.length)) {
                throw t.error("layout", "only weight matrices may be sparse, not '" + name + "'");
            }
            long off = t.nonNegativeLong("offset");
            if (off != Layout.align(position)) {
                throw t.error("offset", "must be " + Layout.align(position)
                        + " (tensors are packed in order, each 8-byte aligned), got " + off);
            }
            long len = t.nonNegativeLong("length");
            if (len > sectionLength - off) {
                throw t.error("length", "tensor '" + name + "' ends at " + (off + len)
                        + ", past the end of the " + sectionLength + "-byte tensor section");
            }
            position = off + len;
            out.add(new TensorEntry(name, shape, dtype, sparse, off, len, (int) elements));
        }
        if (Layout.align(position) != sectionLength) {
            throw top.error("tensors", "entries cover " + Layout.align(position) + " bytes but the tensor section has "
                    + sectionLength);
        }
        return out;
    }

    /** The value of an integral JSON number that fits a long, else -1 (callers treat it as out of range). */
    private static long integer(Object v) {
        Long n = v instanceof JsonNumber j ? j.exactLong() : null;
        return n == null ? -1 : n;
    }

    /** Plain Java values for hyperparameters and provenance: String, Boolean, Integer/Long/BigInteger, Double, List, Map, null. */
    private static Map<String, Object> toJava(Fields f) throws BundleFormatException {
        Map<String, Object> m = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : f.node.entrySet()) {
            m.put(e.getKey(), toJava(f.path + "." + e.getKey(), e.getValue()));
        }
        return Collections.unmodifiableMap(m);
    }

    private static Object toJava(String path, Object v) throws BundleFormatException {
        switch (v) {
            case JsonNumber n when n.integral() -> {
                BigInteger b = new BigInteger(n.text());
                if (b.bitLength() < 32) {
                    return b.intValue();
                }
                return b.bitLength() < 64 ? (Object) b.longValue() : b;
            }
            case JsonNumber n -> {
                double d = Double.parseDouble(n.text());
                if (!Double.isFinite(d)) {
                    throw new BundleFormatException(path, "number " + n + " is outside the double range");
                }
                return d;
            }
            case List<?> list -> {
                List<Object> out = new ArrayList<>(list.size());
                for (int i = 0; i < list.size(); i++) {
                    out.add(toJava(path + "[" + i + "]", list.get(i)));
                }
                return Collections.unmodifiableList(out);
            }
            case Map<?, ?> m -> {
                return toJava(new Fields(path, StrictJson.asObject(m)));
            }
            case null, default -> {
                return v; // String, Boolean, null
            }
        }
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    private static String kind(Object v) {
        return switch (v) {
            case null -> "null";
            case String s -> "a string";
            case Boolean b -> "a boolean";
            case JsonNumber n -> "the number " + n;
            case List<?> l -> "an array";
            case Map<?, ?> m -> "an object";
            default -> v.getClass().getSimpleName();
        };
    }

    /** Typed access to one JSON object; every refusal names {@code path.key}. */
    private record Fields(String path, Map<String, Object> node) {

        BundleFormatException error(String key, String detail) {
            return new BundleFormatException(path + "." + key, detail);
        }

        void onlyKnown(List<String> known) throws BundleFormatException {
            for (String k : node.keySet()) {
                if (!known.contains(k)) {
                    throw error(k, "unknown field (known: " + String.join(", ", known) + ")");
                }
            }
        }

        private Object get(String key) throws BundleFormatException {
            Object v = node.get(key);
            if (v == null) {
                throw error(key, "is missing");
            }
            return v;
        }

        String text(String key) throws BundleFormatException {
            Object v = get(key);
            if (!(v instanceof String s)) {
                throw error(key, "must be a string, got " + kind(v));
            }
            return s;
        }

        double finiteDouble(String key) throws BundleFormatException {
            JsonNumber n = number(key, get(key));
            double d = Double.parseDouble(n.text());
            if (!Double.isFinite(d)) {
                throw error(key, n + " is outside the double range");
            }
            return d;
        }

        long nonNegativeLong(String key) throws BundleFormatException {
            Object v = get(key);
            long n = integer(v);
            if (n < 0) {
                throw error(key, "must be a non-negative 64-bit integer, got " + kind(v));
            }
            return n;
        }

        float finiteFloat(String key) throws BundleFormatException {
            return toFloat(key, get(key));
        }

        /** Parses the number's text straight to the nearest fp32. */
        private float toFloat(String key, Object v) throws BundleFormatException {
            JsonNumber n = number(key, v);
            float f = Float.parseFloat(n.text());
            if (!Float.isFinite(f)) {
                throw error(key, n + " is outside the fp32 range");
            }
            return f;
        }

        private JsonNumber number(String key, Object v) throws BundleFormatException {
            if (!(v instanceof JsonNumber n)) {
                throw error(key, "must be a number, got " + kind(v));
            }
            return n;
        }

        float[] floats(String key) throws BundleFormatException {
            List<Object> items = array(key);
            float[] out = new float[items.size()];
            for (int i = 0; i < out.length; i++) {
                out[i] = toFloat(key + "[" + i + "]", items.get(i));
            }
            return out;
        }

        @SuppressWarnings("unchecked")
        List<Object> array(String key) throws BundleFormatException {
            Object v = get(key);
            if (!(v instanceof List<?>)) {
                throw error(key, "must be an array, got " + kind(v));
            }
            return (List<Object>) v;
        }

        Fields object(String key) throws BundleFormatException {
            Object v = get(key);
            if (!(v instanceof Map<?, ?> m)) {
                throw error(key, "must be an object, got " + kind(v));
            }
            return new Fields(path + "." + key, StrictJson.asObject(m));
        }

        List<Fields> objects(String key) throws BundleFormatException {
            List<Object> items = array(key);
            List<Fields> out = new ArrayList<>(items.size());
            for (int i = 0; i < items.size(); i++) {
                Object v = items.get(i);
                String p = path + "." + key + "[" + i + "]";
                if (!(v instanceof Map<?, ?> m)) {
                    throw new BundleFormatException(p, "must be an object, got " + kind(v));
                }
                out.add(new Fields(p, StrictJson.asObject(m)));
            }
            return out;
        }
    }
}

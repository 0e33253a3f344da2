package dev.myelin.policy.bundle;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.myelin.policy.compress.Precision;
import dev.myelin.policy.model.Policy;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every refusal names the field that was wrong. */
class BundleValidationTest {

    private static final Policy POLICY = SamplePolicies.allFamilies(31).getFirst(); // PopSAN
    private static final byte[] FP32 = new BundleWriter().setPolicy(POLICY).optName("base").optVersion("1.2.3").toBytes();
    private static final byte[] INT8 = new BundleWriter().setPolicy(POLICY).optPrecision(Precision.INT8).toBytes();
    private static final byte[] SPARSE = new BundleWriter().setPolicy(POLICY).optPrecision(Precision.INT8).optPrune(0.6).toBytes();

    private static void refused(String field, String messagePart, byte[] bytes) {
        refused(field, messagePart, bytes, BundleReader.of(TrustedKeys.none()));
    }

    private static void refused(String field, String messagePart, byte[] bytes, BundleReader reader) {
        BundleFormatException e = assertThrows(BundleFormatException.class, () -> reader.read(bytes));
        assertEquals(field, e.field(), e.getMessage());
        assertTrue(e.getMessage().startsWith(field + ": "), e.getMessage());
        assertTrue(e.getMessage().contains(messagePart), "'" + e.getMessage() + "' should mention '" + messagePart + "'");
    }

    private static byte[] manifestEdit(byte[] base, Consumer<ObjectNode> edit) {
        BundleBytes parts = BundleBytes.parse(base);
        ObjectNode json = parts.manifestJson();
        edit.accept(json);
        return parts.withManifest(json).reseal();
    }

    private static ObjectNode tensorEntry(ObjectNode manifest, String name) {
        for (JsonNode t : manifest.get("tensors")) {
            if (t.get("name").asText().equals(name)) {
                return (ObjectNode) t;
            }
        }
        throw new AssertionError("no tensor " + name);
    }

    private static int tensorIndex(byte[] bundle, String name) {
        ArrayNode ts = (ArrayNode) BundleBytes.parse(bundle).manifestJson().get("tensors");
        for (int i = 0; i < ts.size(); i++) {
            if (ts.get(i).get("name").asText().equals(name)) {
                return i;
            }
        }
        throw new AssertionError("no tensor " + name);
    }

    /** Edits the bytes of one tensor in the tensor section and reseals the digest. */
    private static byte[] tensorEdit(byte[] base, String name, Consumer<ByteBuffer> edit) {
        BundleBytes parts = BundleBytes.parse(base);
        ObjectNode entry = tensorEntry(parts.manifestJson(), name);
        ByteBuffer b = ByteBuffer.wrap(parts.tensors, entry.get("offset").asInt(), entry.get("length").asInt())
                .slice().order(ByteOrder.LITTLE_ENDIAN);
        edit.accept(b);
        return parts.reseal();
    }

    private static byte[] header(byte[] base, Consumer<ByteBuffer> edit) {
        byte[] out = base.clone();
        edit.accept(ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN));
        return out;
    }

    @Test
    void theUneditedBundlesAreValid() throws Exception {
        for (byte[] b : new byte[][] {FP32, INT8, SPARSE, BundleBytes.parse(FP32).reseal()}) {
            BundleReader.read(b, TrustedKeys.none());
        }
        assertTrue(BundleBytes.parse(SPARSE).manifestText().contains("\"sparse\""));
    }

    @Test
    void headerAndFraming() {
        refused("file", "truncated", Arrays.copyOf(FP32, 40));
        refused("file", "truncated", Arrays.copyOf(FP32, FP32.length - 1));
        refused("file", "follow the digest", Arrays.copyOf(FP32, FP32.length + 5));
        refused("header.magic", "not a Myelin policy bundle", header(FP32, b -> b.put(1, (byte) 'N')));
        refused("header.format_version", "version 2", header(FP32, b -> b.putShort(8, (short) 2)));
        refused("header.flags", "must be 0", header(FP32, b -> b.putShort(10, (short) 1)));
        refused("header.manifest_length", "between 1 and", header(FP32, b -> b.putInt(12, 0)));
        refused("header.manifest_length", "limit", header(FP32, b -> b.putInt(12, -1)));
        refused("header.tensor_section_length", "multiple of 8", header(FP32, b -> b.putLong(16, b.getLong(16) + 4)));
        refused("header.tensor_section_length", "18446744073709551615", header(FP32, b -> b.putLong(16, -1L)));
        refused("header.tensor_section_length", "limit", header(FP32, b -> b.putLong(16, 1L << 40)));
        refused("file", "truncated", header(FP32, b -> b.putLong(16, b.getLong(16) + 8)));
        refused("digest", "does not match", header(FP32, b -> b.put(FP32.length - 40, (byte) (b.get(FP32.length - 40) ^ 4))));
        refused("digest", "does not match", header(FP32, b -> b.put(FP32.length - 1, (byte) (b.get(FP32.length - 1) ^ 4))));

        // Padding after the manifest must be zero: make room for padding with one extra space, then dirty it.
        BundleBytes parts = BundleBytes.parse(FP32);
        String text = parts.manifestText();
        while ((24 + parts.manifest.length) % 8 != 7) {
            text = text + " ";
            parts.withManifestText(text);
        }
        byte[] padded = parts.reseal();
        padded[24 + parts.manifest.length] = 1;
        byte[] redigested = BundleBytes.redigest(padded, 0);
        refused("manifest.padding", "must be 0", redigested);
    }

    @Test
    void sizeLimitsAreCheckedBeforeAllocation() {
        BundleReader smallTensors = new BundleReader(TrustedKeys.none(), new BundleLimits(1 << 20, 1024, 1 << 20));
        int widest = tensorIndex(FP32, "layer0.weight"); // [16, 20] = 1280 bytes decoded
        refused("manifest.tensors[" + widest + "].shape", "limit of 1024", FP32, smallTensors);
        BundleReader smallFile = new BundleReader(TrustedKeys.none(), new BundleLimits(1 << 10, 1 << 10, 1 << 11));
        refused("file", "limit", FP32, smallFile);
        BundleReader smallManifest = new BundleReader(TrustedKeys.none(), new BundleLimits(100, 1 << 20, 1 << 20));
        refused("header.manifest_length", "limit of 100", FP32, smallManifest);
        // A lying shape: 2^31-1 x 2^31-1 elements announced in a small file.
        refused("manifest.tensors[0].shape", "limit", manifestEdit(FP32, m -> {
            ArrayNode shape = (ArrayNode) tensorEntry(m, "encoder.mu").get("shape");
            shape.removeAll().add(Integer.MAX_VALUE).add(Integer.MAX_VALUE);
        }));
        refused("manifest.tensors[0].shape", "limit", manifestEdit(FP32, m -> {
            ArrayNode shape = (ArrayNode) tensorEntry(m, "encoder.mu").get("shape");
            shape.removeAll().add(1 << 13).add(1 << 13).add(1 << 13); // overflows no long, exceeds the limit
        }));
        // Each tensor under its own limit, together over the total: refused while reading the table.
        byte[] twoBig = manifestEdit(FP32, m -> {
            ((ArrayNode) tensorEntry(m, "encoder.mu").get("shape")).removeAll().add(32).add(32);
            ((ArrayNode) tensorEntry(m, "encoder.sigma").get("shape")).removeAll().add(32).add(32);
        });
        assertTrue(twoBig.length < 7000, "test bundle is " + twoBig.length + " bytes");
        refused("manifest.tensors[1].shape", "in total", twoBig,
                new BundleReader(TrustedKeys.none(), new BundleLimits(1 << 20, 4096, 7000)));
    }

    @Test
    void manifestJson() {
        BundleBytes parts = BundleBytes.parse(FP32);
        refused("manifest", "not valid JSON", parts.withManifestText("{\"name\": ").reseal());
        refused("manifest", "not valid JSON", BundleBytes.parse(FP32).withManifestText("{\"a\":1,\"a\":2}").reseal());
        refused("manifest", "must be a JSON object", BundleBytes.parse(FP32).withManifestText("[1, 2]").reseal());
        refused("manifest", "after the JSON object", BundleBytes.parse(FP32).withManifestText("{} {}").reseal());
        BundleBytes bad = BundleBytes.parse(FP32);
        bad.manifest = new byte[] {'{', '"', (byte) 0xC3, (byte) 0x28, '"', ':', '1', '}'};
        refused("manifest", "UTF-8", bad.reseal());
        StringBuilder deep = new StringBuilder();
        deep.append("[".repeat(5000)).append("]".repeat(5000));
        refused("manifest", "not valid JSON", BundleBytes.parse(FP32).withManifestText("{\"provenance\":" + deep + "}").reseal());
    }

    @Test
    void manifestFields() {
        refused("manifest.colour", "unknown field", manifestEdit(FP32, m -> m.put("colour", "blue")));
        refused("manifest.name", "missing", manifestEdit(FP32, m -> m.remove("name")));
        refused("manifest.name", "must be 1-128", manifestEdit(FP32, m -> m.put("name", "../etc/passwd")));
        refused("manifest.name", "must be a string", manifestEdit(FP32, m -> m.put("name", 5)));
        refused("manifest.version", "MAJOR.MINOR.PATCH", manifestEdit(FP32, m -> m.put("version", "1.2")));
        refused("manifest.precision", "int4", manifestEdit(FP32, m -> m.put("precision", "int4")));
        refused("manifest.prune_fraction", "[0, 1)", manifestEdit(FP32, m -> m.put("prune_fraction", 1.5)));
        refused("manifest.prune_fraction", "must be a number", manifestEdit(FP32, m -> m.put("prune_fraction", "half")));
        refused("manifest.network.family", "missing", manifestEdit(FP32, m -> ((ObjectNode) m.get("network")).remove("family")));
        refused("manifest.network", "unknown network family 'lstm'",
                manifestEdit(FP32, m -> ((ObjectNode) m.get("network")).put("family", "lstm")));
        refused("manifest.network", "timesteps", manifestEdit(FP32,
                m -> ((ObjectNode) m.get("network").get("hyperparameters")).remove("timesteps")));
        refused("manifest.network", "timesteps", manifestEdit(FP32,
                m -> ((ObjectNode) m.get("network").get("hyperparameters")).put("timesteps", -5)));
        refused("manifest.network.hyperparameters.dropout", "not a hyperparameter", manifestEdit(FP32,
                m -> ((ObjectNode) m.get("network").get("hyperparameters")).put("dropout", 0.1)));
        refused("manifest.network.hyperparameters.x", "double range", manifestEdit(FP32,
                m -> ((ObjectNode) m.get("network").get("hyperparameters")).put("x", new java.math.BigDecimal("1e400"))));
        refused("manifest.provenance", "must be an object", manifestEdit(FP32, m -> m.put("provenance", "none")));
    }

    @Test
    void channelsAndNormalizer() {
        refused("manifest.observations[2].low", "must be a number", manifestEdit(FP32,
                m -> ((ObjectNode) m.get("observations").get(2)).put("low", "low")));
        refused("manifest.observations[2].low", "fp32 range", manifestEdit(FP32,
                m -> ((ObjectNode) m.get("observations").get(2)).put("low", -1e39)));
        refused("manifest.observations[2]", "low < high", manifestEdit(FP32,
                m -> ((ObjectNode) m.get("observations").get(2)).put("low", 1e20)));
        refused("manifest.observations[1].name", "duplicate", manifestEdit(FP32,
                m -> ((ObjectNode) m.get("observations").get(1)).put("name", m.get("observations").get(0).get("name").asText())));
        refused("manifest.observations[0].gain", "unknown field", manifestEdit(FP32,
                m -> ((ObjectNode) m.get("observations").get(0)).put("gain", 2)));
        refused("manifest.actions[1].unit", "missing", manifestEdit(FP32,
                m -> ((ObjectNode) m.get("actions").get(1)).remove("unit")));
        refused("manifest.observations", "needs 5", manifestEdit(FP32, m -> ((ArrayNode) m.get("observations")).remove(4)));
        refused("manifest.actions", "needs 2", manifestEdit(FP32, m -> ((ArrayNode) m.get("actions")).remove(0)));
        refused("manifest.normalizer", "var[1]", manifestEdit(FP32,
                m -> ((ArrayNode) m.get("normalizer").get("var")).set(1, -1.0)));
        refused("manifest.normalizer", "clip", manifestEdit(FP32, m -> ((ObjectNode) m.get("normalizer")).put("clip", 0)));
        refused("manifest.normalizer", "same length", manifestEdit(FP32,
                m -> ((ArrayNode) m.get("normalizer").get("mean")).remove(0)));
        refused("manifest.normalizer.mean[3]", "fp32 range", manifestEdit(FP32,
                m -> ((ArrayNode) m.get("normalizer").get("mean")).set(3, 4e38)));
    }

    @Test
    void tensorTable() {
        int bias = tensorIndex(FP32, "layer0.bias");
        int weight = tensorIndex(FP32, "layer0.weight");
        refused("manifest.tensors[" + weight + "].dtype", "must be stored as fp32", manifestEdit(FP32,
                m -> tensorEntry(m, "layer0.weight").put("dtype", "int8")));
        refused("manifest.tensors[" + bias + "].dtype", "fp64", manifestEdit(FP32,
                m -> tensorEntry(m, "layer0.bias").put("dtype", "fp64")));
        refused("manifest.tensors[" + tensorIndex(INT8, "layer0.bias") + "].dtype", "must be stored as fp32",
                manifestEdit(INT8, m -> tensorEntry(m, "layer0.bias").put("dtype", "int8")));
        refused("manifest.tensors[" + bias + "].layout", "only weight matrices", manifestEdit(FP32,
                m -> tensorEntry(m, "layer0.bias").put("layout", "sparse")));
        refused("manifest.tensors[" + bias + "].layout", "csr", manifestEdit(FP32,
                m -> tensorEntry(m, "layer0.bias").put("layout", "csr")));
        refused("manifest.tensors[" + bias + "].offset", "must be", manifestEdit(FP32,
                m -> tensorEntry(m, "layer0.bias").put("offset", tensorEntry(m, "layer0.bias").get("offset").asLong() + 8)));
        refused("manifest.tensors[" + bias + "].length", "past the end", manifestEdit(FP32,
                m -> tensorEntry(m, "layer0.bias").put("length", 1L << 40)));
        refused("manifest.tensors[" + bias + "].offset", "non-negative", manifestEdit(FP32,
                m -> tensorEntry(m, "layer0.bias").put("offset", -8)));
        refused("manifest.tensors[" + bias + "].name", "duplicate", manifestEdit(FP32,
                m -> tensorEntry(m, "layer0.bias").put("name", "layer0.weight")));
        refused("manifest.tensors[" + bias + "].shape", "1 to 8 dimensions", manifestEdit(FP32,
                m -> ((ArrayNode) tensorEntry(m, "layer0.bias").get("shape")).removeAll()));
        refused("manifest.tensors[" + bias + "].shape", "positive", manifestEdit(FP32,
                m -> ((ArrayNode) tensorEntry(m, "layer0.bias").get("shape")).set(0, 0)));
        refused("manifest.tensors[" + bias + "].shape", "positive", manifestEdit(FP32,
                m -> ((ArrayNode) tensorEntry(m, "layer0.bias").get("shape")).set(0, 2.5)));
        refused("manifest.tensors", "tensor section has", manifestEdit(FP32, m -> ((ArrayNode) m.get("tensors")).remove(
                m.get("tensors").size() - 1)));
        refused("tensor[layer0.bias]", "takes", manifestEdit(FP32,
                m -> tensorEntry(m, "layer0.bias").put("length", tensorEntry(m, "layer0.bias").get("length").asLong() - 4)));
        // Same element count, transposed: the encoding is fine, the architecture is not.
        refused("manifest.network", "layer0.weight", manifestEdit(FP32, m -> {
            ArrayNode shape = (ArrayNode) tensorEntry(m, "layer0.weight").get("shape");
            int out = shape.get(0).asInt();
            int in = shape.get(1).asInt();
            shape.removeAll().add(in).add(out);
        }));
        refused("manifest.network", "missing tensor decoder.bias",
                manifestEdit(FP32, m -> tensorEntry(m, "decoder.bias").put("name", "decoder.gain")));
    }

    @Test
    void tensorData() {
        refused("tensor[layer1.bias]", "must be finite", tensorEdit(FP32, "layer1.bias", b -> b.putFloat(8, Float.NaN)));
        refused("tensor[encoder.sigma]", "must be finite", tensorEdit(FP32, "encoder.sigma",
                b -> b.putFloat(0, Float.POSITIVE_INFINITY)));
        refused("tensor[layer0.weight]", "int8 scale of row 3", tensorEdit(INT8, "layer0.weight", b -> b.putFloat(12, -1f)));
        refused("tensor[layer0.weight]", "int8 scale of row 0", tensorEdit(INT8, "layer0.weight", b -> b.putFloat(0, Float.NaN)));
        refused("tensor[layer0.weight]", "-128", tensorEdit(INT8, "layer0.weight", b -> b.put(b.limit() - 1, (byte) -128)));
        // Scales so large that q * scale overflows fp32.
        refused("tensor[layer0.weight]", "must be finite", tensorEdit(INT8, "layer0.weight", b -> {
            for (int r = 0; r < 16; r++) {
                b.putFloat(4 * r, 3e38f);
            }
        }));
        refused("manifest.network", "non-zero", tensorEdit(FP32, "encoder.sigma", b -> b.putFloat(4, 0f)));
    }

    @Test
    void sparseTensors() {
        // layer2.weight is [8, 12]: 96 elements in 2 bitmap words after 32 bytes of scales.
        refused("tensor[layer2.weight]", "past element 95", tensorEdit(SPARSE, "layer2.weight", b -> {
            long last = b.getLong(32 + 8);
            b.putLong(32 + 8, last | (1L << 63));
        }));
        // layer0.weight is [16, 20]: 320 elements in 5 bitmap words after 64 bytes of scales.
        refused("tensor[layer0.weight]", "takes", tensorEdit(SPARSE, "layer0.weight", b -> {
            long first = b.getLong(64);
            b.putLong(64, first ^ (Long.lowestOneBit(~first))); // one more stored value than the bytes hold
        }));
        refused("tensor[layer0.weight]", "stores a zero", tensorEdit(SPARSE, "layer0.weight", b -> b.put(64 + 40, (byte) 0)));
        // Claiming more pruning than the weights show.
        refused("tensor[layer0.weight]", "zeros but prune_fraction", manifestEdit(FP32, m -> m.put("prune_fraction", 0.5)));
    }
}

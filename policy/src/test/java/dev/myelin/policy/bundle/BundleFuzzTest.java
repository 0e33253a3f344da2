package dev.myelin.policy.bundle;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.myelin.policy.compress.Precision;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The reader's contract under hostile input: for any bytes it either returns a fully valid bundle or throws
 * {@link BundleFormatException} -- never another exception, never a hang. Mutations start from valid
 * bundles of every family and precision; "resealed" mutations fix up lengths and digest afterwards so that
 * they reach the manifest and tensor validation behind the digest check.
 */
class BundleFuzzTest {

    private static final KeyPair KEY = SigningKeys.generate();
    private static final TrustedKeys TRUSTED = TrustedKeys.of(KEY.getPublic());
    private static final List<byte[]> SEEDS = List.of(
            new BundleWriter().setPolicy(SamplePolicies.allFamilies(41).get(0)).optSigningKey(KEY.getPrivate()).toBytes(),
            new BundleWriter().setPolicy(SamplePolicies.allFamilies(42).get(1)).optPrecision(Precision.INT8)
                    .optPrune(0.5).optSigningKey(KEY.getPrivate()).toBytes(),
            new BundleWriter().setPolicy(SamplePolicies.allFamilies(43).get(2)).optPrecision(Precision.FP16)
                    .optPrune(0.2).optSigningKey(KEY.getPrivate()).toBytes());
    private static final List<PolicyBundle> ORIGINALS = new ArrayList<>();

    static {
        for (byte[] s : SEEDS) {
            try {
                ORIGINALS.add(BundleReader.read(s, TRUSTED));
            } catch (BundleFormatException e) {
                throw new AssertionError(e);
            }
        }
    }

    private static final ExecutorService READER = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "bundle-fuzz-reader");
        t.setDaemon(true);
        return t;
    });

    @AfterContainer
    static void stopReader() {
        READER.shutdownNow();
    }

    /** Reads on a watchdog thread; returns the bundle or null when refused, fails the test on anything else. */
    static PolicyBundle readWithinContract(byte[] bytes, TrustedKeys keys) {
        Future<PolicyBundle> f = READER.submit(() -> BundleReader.read(bytes, keys));
        try {
            PolicyBundle b = f.get(10, TimeUnit.SECONDS);
            try {
                assertFullyValid(b);
            } catch (BundleFormatException e) {
                throw new AssertionError("an accepted bundle does not survive a rewrite: " + e.getMessage(), e);
            }
            return b;
        } catch (TimeoutException e) {
            f.cancel(true);
            throw new AssertionError("reader did not finish within 10 s on " + bytes.length + " bytes");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof BundleFormatException bfe) {
                assertFalse(bfe.field() == null || bfe.field().isBlank(), "refusal without a field: " + bfe);
                return null;
            }
            throw new AssertionError("reader threw " + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** A returned bundle is complete: it writes out again and reads back to the same policy. */
    static void assertFullyValid(PolicyBundle b) throws BundleFormatException {
        assertNotNull(b.policy());
        assertTrue(b.name().matches("[A-Za-z0-9][A-Za-z0-9._-]{0,127}"));
        assertEquals(64, b.digest().length());
        byte[] again = new BundleWriter().setPolicy(b.policy()).toBytes();
        assertEquals(b.policy(), BundleReader.read(again, TrustedKeys.none()).policy());
    }

    @Example
    void everyTruncationIsRefused() {
        for (int s = 0; s < SEEDS.size(); s++) {
            byte[] seed = SEEDS.get(s);
            int unsignedLength = seed.length - 76;
            for (int n = 0; n < seed.length; n++) {
                byte[] cut = Arrays.copyOf(seed, n);
                assertEquals(null, readWithinContract(cut, TRUSTED), "seed " + s + " cut at " + n);
                PolicyBundle b = readWithinContract(cut, TrustedKeys.none());
                // Without keys exactly one cut is a complete bundle: the one that drops the signature block.
                if (n == unsignedLength) {
                    assertEquals(ORIGINALS.get(s).policy(), b.policy());
                } else {
                    assertEquals(null, b, "seed " + s + " cut at " + n);
                }
            }
        }
    }

    @Property(tries = 500)
    void randomBitFlipsAreRefusedOrHarmless(@ForAll @IntRange(max = 2) int seed,
                                            @ForAll @Size(min = 1, max = 12) List<@IntRange(min = 0, max = 1 << 20) Integer> bits,
                                            @ForAll boolean withKeys) {
        byte[] bytes = SEEDS.get(seed).clone();
        for (int bit : bits) {
            int at = (bit >>> 3) % bytes.length;
            bytes[at] ^= (byte) (1 << (bit & 7));
        }
        PolicyBundle b = readWithinContract(bytes, withKeys ? TRUSTED : TrustedKeys.none());
        if (b != null) {
            // The digest (and, with keys, the signature) admit only the original content.
            assertEquals(ORIGINALS.get(seed).policy(), b.policy());
            assertEquals(ORIGINALS.get(seed).digest(), b.digest());
        }
    }

    @Property(tries = 500)
    void randomLengthFieldsFailCleanly(@ForAll @IntRange(max = 2) int seed, @ForAll int manifestLength,
                                       @ForAll long sectionLength, @ForAll boolean resealDigest) {
        BundleBytes parts = BundleBytes.parse(SEEDS.get(seed));
        ByteBuffer h = ByteBuffer.wrap(parts.header.clone()).order(ByteOrder.LITTLE_ENDIAN);
        h.putInt(12, manifestLength);
        h.putLong(16, sectionLength);
        byte[] bytes = resealDigest ? parts.sealRaw(h.array()) : overwriteHeader(SEEDS.get(seed), h.array());
        readWithinContract(bytes, TrustedKeys.none());
        readWithinContract(bytes, TRUSTED);
    }

    private static byte[] overwriteHeader(byte[] file, byte[] header) {
        byte[] out = file.clone();
        System.arraycopy(header, 0, out, 0, header.length);
        return out;
    }

    @Provide
    Arbitrary<byte[]> garbage() {
        return Arbitraries.bytes().array(byte[].class).ofMaxSize(4096);
    }

    @Property(tries = 300)
    void randomGarbageIsRefused(@ForAll("garbage") byte[] bytes, @ForAll boolean plausibleHeader) {
        if (plausibleHeader && bytes.length >= 24) {
            // Real magic and version, random lengths: gets past the first checks.
            System.arraycopy(SEEDS.getFirst(), 0, bytes, 0, 12);
        }
        assertEquals(null, readWithinContract(bytes, TrustedKeys.none()));
    }

    private static final Pattern NUMBER = Pattern.compile("-?\\d+(\\.\\d+)?([eE][+-]?\\d+)?");
    private static final String[] ODD_NUMBERS = {"0", "-0", "-1", "1", "2147483647", "2147483648", "-2147483649",
            "9223372036854775807", "9223372036854775808", "1e308", "1e309", "-1e400", "4.9e-324", "1e-400", "0.5",
            "3.4028235e38", "3.5e38", "65504", "1e-45", "123456789012345678901234567890", "1.0", "7"};

    @Property(tries = 800)
    void resealedManifestTextMutationsFailCleanly(@ForAll @IntRange(max = 2) int seed, @ForAll long randomSeed,
                                                  @ForAll @IntRange(min = 1, max = 4) int edits) {
        Random rnd = new Random(randomSeed);
        BundleBytes parts = BundleBytes.parse(SEEDS.get(seed));
        String text = parts.manifestText();
        for (int e = 0; e < edits && !text.isEmpty(); e++) {
            text = switch (rnd.nextInt(5)) {
                case 0 -> replaceRandomNumber(text, rnd);
                case 1 -> {
                    int a = rnd.nextInt(text.length());
                    int b = Math.min(text.length(), a + 1 + rnd.nextInt(8));
                    yield text.substring(0, a) + text.substring(b);
                }
                case 2 -> {
                    int a = rnd.nextInt(text.length() + 1);
                    String alphabet = "{}[]\",:0-e.\\ \u00e9\u0000\uffff";
                    String ins = String.valueOf(alphabet.charAt(rnd.nextInt(alphabet.length())));
                    yield text.substring(0, a) + ins + text.substring(a);
                }
                case 3 -> {
                    int a = rnd.nextInt(text.length());
                    int b = Math.min(text.length(), a + rnd.nextInt(40));
                    int at = rnd.nextInt(text.length() + 1);
                    yield text.substring(0, at) + text.substring(a, b) + text.substring(at);
                }
                default -> text.replaceFirst("\"(dense|sparse|fp32|fp16|int8|popsan|grsn|spiking-transformer)\"",
                        "\"" + List.of("dense", "sparse", "fp32", "fp16", "int8", "grsn", "popsan").get(rnd.nextInt(7)) + "\"");
            };
        }
        readWithinContract(parts.withManifestText(text).reseal(), TrustedKeys.none());
    }

    private static String replaceRandomNumber(String text, Random rnd) {
        Matcher m = NUMBER.matcher(text);
        List<int[]> spans = new ArrayList<>();
        while (m.find()) {
            spans.add(new int[] {m.start(), m.end()});
        }
        if (spans.isEmpty()) {
            return text;
        }
        int[] s = spans.get(rnd.nextInt(spans.size()));
        return text.substring(0, s[0]) + ODD_NUMBERS[rnd.nextInt(ODD_NUMBERS.length)] + text.substring(s[1]);
    }

    @Property(tries = 800)
    void resealedManifestValueSwapsFailCleanly(@ForAll @IntRange(max = 2) int seed, @ForAll long randomSeed) {
        Random rnd = new Random(randomSeed);
        BundleBytes parts = BundleBytes.parse(SEEDS.get(seed));
        ObjectNode root = parts.manifestJson();
        List<JsonNode> containers = new ArrayList<>();
        collectContainers(root, containers);
        JsonNode target = containers.get(rnd.nextInt(containers.size()));
        JsonNode replacement = randomValue(rnd, 2);
        if (target instanceof ObjectNode o) {
            List<String> keys = new ArrayList<>();
            o.fieldNames().forEachRemaining(keys::add);
            if (keys.isEmpty() || rnd.nextInt(8) == 0) {
                o.set("k" + rnd.nextInt(3), replacement);
            } else if (rnd.nextInt(6) == 0) {
                o.remove(keys.get(rnd.nextInt(keys.size())));
            } else {
                o.set(keys.get(rnd.nextInt(keys.size())), replacement);
            }
        } else if (target instanceof ArrayNode a) {
            if (a.isEmpty() || rnd.nextInt(6) == 0) {
                a.add(replacement);
            } else if (rnd.nextInt(6) == 0) {
                a.remove(rnd.nextInt(a.size()));
            } else {
                a.set(rnd.nextInt(a.size()), replacement);
            }
        }
        readWithinContract(parts.withManifest(root).reseal(), TrustedKeys.none());
    }

    private static void collectContainers(JsonNode n, List<JsonNode> out) {
        if (n.isContainerNode()) {
            out.add(n);
            n.forEach(c -> collectContainers(c, out));
        }
    }

    private static JsonNode randomValue(Random rnd, int depth) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        return switch (rnd.nextInt(depth > 0 ? 9 : 7)) {
            case 0 -> f.nullNode();
            case 1 -> f.booleanNode(rnd.nextBoolean());
            case 2 -> f.numberNode(rnd.nextInt(65) - 32);
            case 3 -> f.numberNode(new java.math.BigDecimal(ODD_NUMBERS[rnd.nextInt(ODD_NUMBERS.length)]));
            case 4 -> f.numberNode(rnd.nextGaussian() * 1e3);
            case 5 -> f.textNode(List.of("", "fp32", "int8", "sparse", "popsan", "1.2.3", "layer0.weight", "x/y").get(rnd.nextInt(8)));
            case 6 -> f.numberNode(rnd.nextLong());
            case 7 -> {
                ArrayNode a = f.arrayNode();
                for (int i = rnd.nextInt(4); i > 0; i--) {
                    a.add(randomValue(rnd, depth - 1));
                }
                yield a;
            }
            default -> {
                ObjectNode o = f.objectNode();
                for (int i = rnd.nextInt(3); i > 0; i--) {
                    o.set(List.of("name", "shape", "dtype", "low", "mean").get(rnd.nextInt(5)), randomValue(rnd, depth - 1));
                }
                yield o;
            }
        };
    }

    @Property(tries = 500)
    void resealedTensorSectionMutationsFailCleanly(@ForAll @IntRange(max = 2) int seed,
                                                   @ForAll @Size(min = 1, max = 8) List<@IntRange(min = 0, max = 1 << 20) Integer> bits,
                                                   @ForAll boolean trimOrExtend, @ForAll @IntRange(min = -16, max = 16) int delta) {
        BundleBytes parts = BundleBytes.parse(SEEDS.get(seed));
        for (int bit : bits) {
            int at = (bit >>> 3) % parts.tensors.length;
            parts.tensors[at] ^= (byte) (1 << (bit & 7));
        }
        if (trimOrExtend) {
            parts.tensors = Arrays.copyOf(parts.tensors, Math.max(0, parts.tensors.length + 8 * delta));
        }
        PolicyBundle b = readWithinContract(parts.reseal(), TrustedKeys.none());
        if (b != null) {
            // A flipped bit can leave a valid value behind; the structure must still be the original's.
            assertEquals(ORIGINALS.get(seed).policy().network().family(), b.policy().network().family());
            assertEquals(ORIGINALS.get(seed).policy().observations(), b.policy().observations());
        }
    }

    @Example
    void manifestOfControlAndMultibyteCharactersIsHandled() {
        byte[] weird = ("{\"name\":\"\u0000\",\"version\":\"\ud83e\udd16\"}").getBytes(StandardCharsets.UTF_8);
        BundleBytes parts = BundleBytes.parse(SEEDS.get(0));
        parts.manifest = weird;
        assertEquals(null, readWithinContract(parts.reseal(), TrustedKeys.none()));
    }
}

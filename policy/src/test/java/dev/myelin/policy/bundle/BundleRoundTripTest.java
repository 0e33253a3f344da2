package dev.myelin.policy.bundle;

import dev.myelin.policy.compress.Compression;
import dev.myelin.policy.compress.Precision;
import dev.myelin.policy.compress.Pruning;
import dev.myelin.policy.model.Policy;
import dev.myelin.policy.model.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BundleRoundTripTest {

    static Stream<Arguments> familiesAndPrecisions() {
        List<Arguments> out = new ArrayList<>();
        for (Policy p : SamplePolicies.allFamilies(11)) {
            for (Precision precision : Precision.values()) {
                for (double prune : new double[] {0.0, 0.3}) {
                    out.add(Arguments.of(p.network().family(), p, precision, prune));
                }
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0} {2} prune {3}")
    @MethodSource("familiesAndPrecisions")
    void readBackEqualsWhatCompressionPredicts(String family, Policy policy, Precision precision, double prune)
            throws Exception {
        byte[] bytes = new BundleWriter().setPolicy(policy).optPrecision(precision).optPrune(prune)
                .optName(family + "-test").optVersion("2.10.3").toBytes();
        PolicyBundle b = BundleReader.read(bytes, TrustedKeys.none());

        Policy expected = Compression.apply(policy, precision, prune);
        assertEquals(expected, b.policy());
        for (Tensor t : expected.network().tensors()) {
            assertBitExact(t, b.policy().network().tensor(t.name()));
        }
        assertEquals(family + "-test", b.name());
        assertEquals(new ReleaseVersion(2, 10, 3), b.version());
        assertEquals(precision, b.precision());
        assertEquals(prune, b.pruneFraction());
        assertEquals(bytes.length, b.byteSize());
        assertEquals(HexFormat.of().formatHex(BundleBytes.sha256(bytes, bytes.length - 32)), b.digest());
        assertNull(b.signerKeyId());
        assertFalse(b.signatureVerified());
        // What the manifest carries besides tensors comes back unchanged.
        assertEquals(policy.observations(), b.policy().observations());
        assertEquals(policy.actions(), b.policy().actions());
        assertEquals(policy.normalizer(), b.policy().normalizer());
        assertEquals(policy.provenance(), b.policy().provenance());
        assertEquals(policy.network().hyperparameters(), b.policy().network().hyperparameters());
    }

    @Test
    void fp32WithoutPruningIsBitExact() throws Exception {
        for (Policy p : SamplePolicies.allFamilies(5)) {
            PolicyBundle b = BundleReader.read(new BundleWriter().setPolicy(p).toBytes(), TrustedKeys.none());
            assertEquals(p, b.policy());
            for (Tensor t : p.network().tensors()) {
                assertBitExact(t, b.policy().network().tensor(t.name()));
            }
            assertArrayEquals(p.normalizer().mean(), b.policy().normalizer().mean());
            assertArrayEquals(p.normalizer().var(), b.policy().normalizer().var());
        }
    }

    @Test
    void awkwardFloatsSurviveTheManifest() throws Exception {
        // Values whose shortest decimal is long, subnormal or near the fp32 limits, and negative zero.
        float[] mean = {Float.MIN_VALUE, -Float.MAX_VALUE, 0.1f, -0.0f, 1.0e-45f * 3, 16777217f};
        float[] var = {Float.MAX_VALUE, 3.4028235e38f, 1.17549435e-38f, 0f, 0.3f, 1f / 3f};
        Policy base = SamplePolicies.policy(SamplePolicies.grsn(3), 3);
        var grsn = dev.myelin.policy.model.Grsn.random(6, 2, new int[] {4}, 3);
        Policy p = new Policy(grsn, List.of(
                new dev.myelin.policy.model.Channel("a", "m", -Float.MAX_VALUE, Float.MAX_VALUE),
                new dev.myelin.policy.model.Channel("b", "", Float.MIN_VALUE, 2 * Float.MIN_VALUE),
                new dev.myelin.policy.model.Channel("c", "", -0.1f, 0.7f),
                new dev.myelin.policy.model.Channel("d", "", 1e-30f, 1e30f),
                new dev.myelin.policy.model.Channel("e", "", -1f / 3f, 2f / 3f),
                new dev.myelin.policy.model.Channel("f", "", 0.99999994f, 1f)),
                base.actions(), new dev.myelin.policy.model.Normalizer(mean, var, 1e-7f), Map.of("x", 0.1));
        PolicyBundle b = BundleReader.read(new BundleWriter().setPolicy(p).toBytes(), TrustedKeys.none());
        assertEquals(p, b.policy());
        for (int i = 0; i < mean.length; i++) {
            assertEquals(Float.floatToRawIntBits(mean[i]), Float.floatToRawIntBits(b.policy().normalizer().mean()[i]));
            assertEquals(Float.floatToRawIntBits(var[i]), Float.floatToRawIntBits(b.policy().normalizer().var()[i]));
        }
    }

    @Test
    void outputIsDeterministic() {
        Policy p = SamplePolicies.allFamilies(9).getFirst();
        BundleWriter w = new BundleWriter().setPolicy(p).optPrecision(Precision.INT8).optPrune(0.25);
        assertArrayEquals(w.toBytes(), w.toBytes());
        assertArrayEquals(w.toBytes(), new BundleWriter().setPolicy(p).optPrecision(Precision.INT8).optPrune(0.25).toBytes());
    }

    @Test
    void halfCheetahInt8BundleIsAtMostThirtyPercentOfFp32() throws Exception {
        Policy p = SamplePolicies.halfCheetah(1);
        int fp32 = new BundleWriter().setPolicy(p).toBytes().length;
        int fp16 = new BundleWriter().setPolicy(p).optPrecision(Precision.FP16).toBytes().length;
        byte[] int8 = new BundleWriter().setPolicy(p).optPrecision(Precision.INT8).toBytes();
        assertTrue(int8.length <= 0.30 * fp32, "int8 " + int8.length + " bytes vs fp32 " + fp32);
        assertTrue(fp16 <= 0.55 * fp32, "fp16 " + fp16 + " bytes vs fp32 " + fp32);
        assertEquals(Compression.apply(p, Precision.INT8, 0), BundleReader.read(int8, TrustedKeys.none()).policy());
    }

    @Test
    void pruningZeroesTheRequestedFractionOfEachWeightMatrixAndShrinksTheBundle() throws Exception {
        Policy p = SamplePolicies.halfCheetah(2);
        for (Precision precision : Precision.values()) {
            byte[] dense = new BundleWriter().setPolicy(p).optPrecision(precision).toBytes();
            byte[] pruned = new BundleWriter().setPolicy(p).optPrecision(precision).optPrune(0.5).toBytes();
            PolicyBundle b = BundleReader.read(pruned, TrustedKeys.none());
            for (Tensor t : b.policy().network().tensors()) {
                Tensor original = p.network().tensor(t.name());
                if (!Compression.isCompressible(t)) {
                    assertBitExact(original, t);
                    continue;
                }
                int zeros = 0;
                for (float v : t.data()) {
                    zeros += v == 0f ? 1 : 0;
                }
                // Exactly half pruned; int8 may round a few more small survivors to zero.
                int required = Pruning.prunedCount(t.size(), 0.5);
                assertTrue(zeros >= required, t.name() + ": " + zeros + " zeros < " + required);
                if (precision == Precision.FP32) {
                    assertEquals(required, zeros, t.name());
                }
            }
            assertTrue(b.weightSparsity() >= 0.5, "sparsity " + b.weightSparsity());
            assertTrue(pruned.length < 0.75 * dense.length, precision + ": pruned " + pruned.length + " vs " + dense.length);
        }
    }

    @Test
    void releaseVersionsCompareNumerically() {
        assertTrue(ReleaseVersion.parse("1.10.0").isNewerThan(ReleaseVersion.parse("1.9.12")));
        assertTrue(ReleaseVersion.parse("2.0.0").isNewerThan(ReleaseVersion.parse("1.99.99")));
        assertEquals(0, ReleaseVersion.parse("0.0.7").compareTo(new ReleaseVersion(0, 0, 7)));
        assertEquals("999999999.0.1", ReleaseVersion.parse("999999999.0.1").toString());
        for (String bad : new String[] {"1.2", "1.2.3.4", "01.2.3", "1.2.-3", "v1.2.3", "1.2.3 ", "", "1..3", "1000000000.0.0"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ReleaseVersion.parse(bad));
            assertTrue(e.getMessage().contains("'" + bad + "'"), e.getMessage());
        }
    }

    @Test
    void writerRefusesBadSettingsNamingThem() {
        BundleWriter w = new BundleWriter();
        assertTrue(assertThrows(IllegalArgumentException.class, w::toBytes).getMessage().contains("policy"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> w.optPrune(1.0)).getMessage().contains("prune"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> w.optPrune(-0.1)).getMessage().contains("prune"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> w.optName("a/b")).getMessage().contains("name"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> w.optName("")).getMessage().contains("name"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> w.optVersion("1.0")).getMessage().contains("version"));

        Policy p = SamplePolicies.allFamilies(1).getFirst();
        Policy badProvenance = new Policy(p.network(), p.observations(), p.actions(), p.normalizer(),
                Map.of("trainer", Map.of("lr", Double.NaN)));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new BundleWriter().setPolicy(badProvenance).toBytes());
        assertTrue(e.getMessage().contains("provenance.trainer.lr"), e.getMessage());
        Policy objectProvenance = new Policy(p.network(), p.observations(), p.actions(), p.normalizer(),
                Map.of("when", new Object()));
        e = assertThrows(IllegalArgumentException.class, () -> new BundleWriter().setPolicy(objectProvenance).toBytes());
        assertTrue(e.getMessage().contains("provenance.when"), e.getMessage());
    }

    @Test
    void fp16RefusesWeightsOutsideItsRange() {
        Policy p = SamplePolicies.policy(SamplePolicies.grsn(4), 4);
        Tensor w = p.network().tensor("layer0.gate.weight");
        float[] big = w.data().clone();
        big[7] = 70000f;
        Map<String, Tensor> replaced = new java.util.LinkedHashMap<>(
                dev.myelin.policy.model.SpikingNetwork.byName(p.network().tensors()));
        replaced.put(w.name(), w.withData(big));
        Policy huge = p.withNetwork(p.network().withTensors(replaced));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new BundleWriter().setPolicy(huge).optPrecision(Precision.FP16).toBytes());
        assertTrue(e.getMessage().contains("layer0.gate.weight") && e.getMessage().contains("index 7"), e.getMessage());
        // fp32 and int8 take it.
        assertNotEquals(0, new BundleWriter().setPolicy(huge).optPrecision(Precision.INT8).toBytes().length);
    }

    static void assertBitExact(Tensor expected, Tensor actual) {
        assertArrayEquals(expected.shape(), actual.shape(), expected.name());
        float[] e = expected.data();
        float[] a = actual.data();
        assertEquals(e.length, a.length, expected.name());
        for (int i = 0; i < e.length; i++) {
            if (Float.floatToRawIntBits(e[i]) != Float.floatToRawIntBits(a[i])) {
                throw new AssertionError(expected.name() + "[" + i + "]: expected " + e[i] + " got " + a[i]);
            }
        }
    }
}

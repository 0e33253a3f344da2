package dev.myelin.drivers.nir;

import dev.myelin.policy.bundle.BundleReader;
import dev.myelin.policy.bundle.BundleWriter;
import dev.myelin.policy.bundle.TrustedKeys;
import dev.myelin.policy.engine.InferenceEngine;
import dev.myelin.policy.engine.InferenceEngines;
import dev.myelin.policy.model.Channel;
import dev.myelin.policy.model.CubaLif;
import dev.myelin.policy.model.Normalizer;
import dev.myelin.policy.model.Policy;
import dev.myelin.policy.model.PopSan;
import dev.myelin.policy.model.SpikeMode;
import io.jhdf.HdfFile;
import io.jhdf.WritableHdfFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NirRoundTripTest {

    /** A PopSAN with named channels, units, ranges and non-trivial normalisation, as a trainer would ship it. */
    private static Policy policy(int obs, int act, int pop, int[] hidden, SpikeMode mode, CubaLif lif, long seed) {
        PopSan random = PopSan.random(obs, act, pop, hidden, 5, mode, seed);
        PopSan net = new PopSan(obs, act, pop, pop, hidden, 5, mode, lif, random.tensors());
        SplittableRandom r = new SplittableRandom(seed);
        List<Channel> o = new ArrayList<>();
        float[] mean = new float[obs];
        float[] var = new float[obs];
        for (int i = 0; i < obs; i++) {
            o.add(Channel.symmetric("range" + i, i % 2 == 0 ? "m" : "", 8f));
            mean[i] = (float) r.nextDouble(-1, 1);
            var[i] = (float) r.nextDouble(0.2, 3);
        }
        List<Channel> a = new ArrayList<>();
        for (int j = 0; j < act; j++) {
            a.add(new Channel("wheel" + j, "rad/s", -2f - j, 3f));
        }
        return new Policy(net, o, a, new Normalizer(mean, var, 3f), Map.of("task", "nav", "seed", seed));
    }

    private static void assertSameBehaviour(Policy expected, Policy actual, long seed) {
        for (String engine : List.of("int8", "dense")) {
            InferenceEngine e = InferenceEngines.create(engine, expected);
            InferenceEngine g = InferenceEngines.create(engine, actual);
            int obs = expected.network().observationSize();
            float[] a = new float[expected.network().actionSize()];
            float[] b = new float[a.length];
            SplittableRandom r = new SplittableRandom(seed);
            for (int k = 0; k < 80; k++) {
                float[] o = new float[obs];
                for (int i = 0; i < obs; i++) {
                    o[i] = (float) r.nextDouble(-6, 6);
                }
                e.act(o, a);
                g.act(o, b);
                assertArrayEquals(a, b, engine + " action, observation " + k);
                assertEquals(e.lastSpikeCount(), g.lastSpikeCount(), engine + " spikes, observation " + k);
            }
        }
    }

    @Test
    void bundleToNirAndBackGivesTheSameSpikesAndActions(@TempDir Path dir) throws Exception {
        SplittableRandom r = new SplittableRandom(2);
        CubaLif[] neurons = {CubaLif.POPSAN, new CubaLif(0.3f, 0.9f, 0.8f), new CubaLif(0.0f, 0.6f, 1.25f)};
        for (int trial = 0; trial < 6; trial++) {
            int[] hidden = trial % 2 == 0 ? new int[] {r.nextInt(8, 64), r.nextInt(8, 64)} : new int[] {r.nextInt(8, 64)};
            SpikeMode mode = trial % 3 == 0 ? SpikeMode.POISSON : SpikeMode.DETERMINISTIC;
            Policy p = policy(r.nextInt(1, 7), r.nextInt(1, 4), r.nextInt(2, 11), hidden, mode, neurons[trial % 3],
                    r.nextLong());
            Path bundle = dir.resolve("nav" + trial + ".myl");
            new BundleWriter().setPolicy(p).optName("nav").write(bundle);
            Policy shipped = BundleReader.read(bundle, TrustedKeys.none()).policy();
            Path nir = dir.resolve("nav" + trial + ".nir");
            NirExport.write(shipped, nir);
            Policy back = NirImport.read(nir);
            assertEquals(shipped.network(), back.network(), "network of trial " + trial);
            assertEquals(shipped.observations(), back.observations());
            assertEquals(shipped.actions(), back.actions());
            assertEquals(shipped.normalizer(), back.normalizer());
            assertEquals("nav", back.provenance().get("task"));
            assertSameBehaviour(shipped, back, trial);
        }
    }

    @Test
    void theFileIsNirAsTheReferenceHdf5LibraryReadsIt(@TempDir Path dir) throws Exception {
        Policy p = policy(3, 2, 10, new int[] {32, 16}, SpikeMode.DETERMINISTIC, CubaLif.POPSAN, 5);
        Path nir = dir.resolve("nav.nir");
        NirExport.write(p, nir);
        Path script = Path.of("src/test/resources/nir/check_nir.py").toAbsolutePath();
        // Debian's python3-h5py (libhdf5), installed through ./myelin's PKGS_DRIVERS
        Process proc = new ProcessBuilder("/usr/bin/python3", script.toString(), nir.toString())
                .redirectErrorStream(true).start();
        String out = new String(proc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(proc.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, proc.exitValue(), out);
        assertTrue(out.contains("input Input [30]"), out);
        assertTrue(out.contains("fc0 Affine 32x30"), out);
        assertTrue(out.contains("lif0 CubaLIF 32 tau_syn=0.0002 tau_mem=0.0004 v_threshold=0.5"), out);
        assertTrue(out.contains("fc2 Affine 20x16"), out);
        assertTrue(out.contains("output Output [20]"), out);
        assertTrue(out.contains("edges input->fc0 fc0->lif0 lif0->fc1 fc1->lif1 lif1->fc2 fc2->lif2 lif2->output"), out);
        assertTrue(out.contains("encoder_mu") && out.contains("decoder_weight") && out.contains("action_names"), out);
        double sum = 0;
        float[] w = p.network().tensor("layer0.weight").data();
        for (float x : w) {
            sum += x;
        }
        assertTrue(out.contains(String.format(java.util.Locale.ROOT, "sum=%.6f", sum)), out + " expected sum " + sum);
    }

    @Test
    void grsnPoliciesAreRefusedByName(@TempDir Path dir) {
        Policy grsn = Policy.withDefaults(dev.myelin.policy.model.Grsn.random(3, 1, new int[] {8}, 1), Map.of());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> NirExport.write(grsn, dir.resolve("x.nir")));
        assertTrue(e.getMessage().contains("grsn"), e.getMessage());
    }

    @Test
    void brokenFilesAreReportedWithWhatIsWrong(@TempDir Path dir) throws IOException {
        Path garbage = dir.resolve("garbage.nir");
        Files.writeString(garbage, "not hdf5");
        assertThrows(IOException.class, () -> NirImport.read(garbage));

        Path future = dir.resolve("future.nir");
        try (WritableHdfFile h5 = HdfFile.write(future)) {
            h5.putDataset("version", "2.0.0");
        }
        NirImport.NirFormatException e = assertThrows(NirImport.NirFormatException.class, () -> NirImport.read(future));
        assertTrue(e.getMessage().contains("NIR version 2.0.0"), e.getMessage());

        Path noLif = dir.resolve("nolif.nir");
        try (WritableHdfFile h5 = HdfFile.write(noLif)) {
            h5.putDataset("version", "1.0.0");
            var g = h5.putGroup("node");
            g.putDataset("type", "NIRGraph");
            var nodes = g.putGroup("nodes");
            var in = nodes.putGroup("input");
            in.putDataset("type", "Input");
            in.putDataset("shape", new long[] {2});
            var fc = nodes.putGroup("fc0");
            fc.putDataset("type", "Affine");
            fc.putDataset("weight", new float[][] {{1f, 2f}});
            fc.putDataset("bias", new float[] {0f});
            var out = nodes.putGroup("output");
            out.putDataset("type", "Output");
            out.putDataset("shape", new long[] {1});
            g.putDataset("edges", new String[][] {{"input", "fc0"}, {"fc0", "output"}});
            g.putGroup("metadata").putDataset("producer", "test");
        }
        e = assertThrows(NirImport.NirFormatException.class, () -> NirImport.read(noLif));
        assertTrue(e.getMessage().contains("fc0 must feed a CubaLIF node"), e.getMessage());
    }
}

package dev.myelin.policy.bundle;

import dev.myelin.policy.compress.Precision;
import dev.myelin.policy.model.Grsn;
import dev.myelin.policy.model.Policy;
import dev.myelin.policy.model.SpikingNetwork;
import dev.myelin.policy.model.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AtomicWriteTest {

    private static final Policy SMALL = SamplePolicies.allFamilies(51).get(1);
    private static final Policy LARGE = SamplePolicies.halfCheetah(52);

    private static List<Path> listing(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.sorted().toList();
        }
    }

    @Test
    void writeCreatesAndReplacesTheFileLeavingNothingElse(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("walker.myl");
        BundleWriter v1 = new BundleWriter().setPolicy(SMALL).optVersion("1.0.0");
        v1.write(file);
        assertArrayEquals(v1.toBytes(), Files.readAllBytes(file));
        BundleWriter v2 = new BundleWriter().setPolicy(LARGE).optPrecision(Precision.INT8).optVersion("1.1.0");
        v2.write(file);
        assertArrayEquals(v2.toBytes(), Files.readAllBytes(file));
        assertEquals(List.of(file), listing(dir));
        PolicyBundle b = BundleReader.read(file, TrustedKeys.none());
        assertEquals(new ReleaseVersion(1, 1, 0), b.version());
        assertEquals(Files.size(file), b.byteSize());
    }

    @Test
    void aFailedWriteLeavesTheOldFileUntouched(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("walker.myl");
        byte[] old = new BundleWriter().setPolicy(SMALL).toBytes();
        new BundleWriter().setPolicy(SMALL).write(file);

        // Encoding fails (a weight outside the fp16 range): nothing is written at all.
        Map<String, Tensor> ts = new LinkedHashMap<>(SpikingNetwork.byName(SMALL.network().tensors()));
        Tensor w = ts.get("layer0.gate.weight");
        float[] data = w.data().clone();
        data[0] = 1e6f;
        ts.put(w.name(), w.withData(data));
        Policy unencodable = SMALL.withNetwork(SMALL.network().withTensors(ts));
        assertThrows(IllegalArgumentException.class,
                () -> new BundleWriter().setPolicy(unencodable).optPrecision(Precision.FP16).write(file));
        assertArrayEquals(old, Files.readAllBytes(file));
        assertEquals(List.of(file), listing(dir));

        // The rename fails (the target is a non-empty directory): the temporary file is removed again.
        Path blocked = dir.resolve("blocked.myl");
        Files.createDirectories(blocked.resolve("inside"));
        assertThrows(IOException.class, () -> new BundleWriter().setPolicy(SMALL).write(blocked));
        assertEquals(List.of(blocked, file), listing(dir));
    }

    @Test
    void readingAFileChecksItsSizeBeforeReadingIt(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("big.myl");
        new BundleWriter().setPolicy(LARGE).write(file);
        BundleReader small = new BundleReader(TrustedKeys.none(), new BundleLimits(1 << 16, 1 << 16, 1 << 17));
        BundleFormatException e = assertThrows(BundleFormatException.class, () -> small.read(file));
        assertEquals("file", e.field());
        assertTrue(e.getMessage().contains(file.toString()) && e.getMessage().contains("limit"), e.getMessage());
        assertThrows(IOException.class, () -> BundleReader.read(dir.resolve("missing.myl"), TrustedKeys.none()));
        assertThrows(IOException.class, () -> BundleReader.read(dir, TrustedKeys.none()));
    }

    @Test
    void concurrentReadersSeeTheOldOrTheNewBundleNeverAMix(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("cheetah.myl");
        byte[][] versions = {
                new BundleWriter().setPolicy(LARGE).optVersion("1.0.0").toBytes(),
                new BundleWriter().setPolicy(LARGE).optPrecision(Precision.INT8).optVersion("2.0.0").toBytes()};
        Files.write(file, versions[0]);
        AtomicBoolean done = new AtomicBoolean();
        AtomicInteger reads = new AtomicInteger();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread reader = new Thread(() -> {
            try {
                while (!done.get()) {
                    PolicyBundle b = BundleReader.read(file, TrustedKeys.none());
                    assertTrue(b.version().major() == 1 || b.version().major() == 2);
                    reads.incrementAndGet();
                }
            } catch (Throwable t) {
                failure.set(t);
            }
        });
        reader.start();
        List<Path> seen = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            new BundleWriter().setPolicy(LARGE).optPrecision(i % 2 == 0 ? Precision.INT8 : Precision.FP32)
                    .optVersion(i % 2 == 0 ? "2.0.0" : "1.0.0").write(file);
            seen.addAll(listing(dir));
        }
        done.set(true);
        reader.join();
        assertNull(failure.get(), () -> "a reader saw a broken file: " + failure.get());
        assertTrue(reads.get() > 0);
        assertTrue(seen.stream().noneMatch(p -> p.getFileName().toString().endsWith(".tmp")),
                "temporary files left behind: " + seen);
    }
}

package dev.myelin.policy.bundle;

import dev.myelin.policy.compress.Precision;
import dev.myelin.policy.model.Policy;

import java.security.KeyPair;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Bundle size and the time to write ({@link BundleWriter#toBytes()}) and read ({@link BundleReader#read(byte[])})
 * a policy at each compression setting, signed with Ed25519 and read with that key trusted, so a read
 * includes digest, signature, manifest and tensor validation. In memory: no file-system time. For a
 * {@code ./myelin bench} command to run and print; single-threaded, call from one thread.
 */
public final class BundleBenchmark {

    /** One compression setting. */
    public record Setting(Precision precision, double pruneFraction) {
        public String label() {
            return precision.manifestName() + (pruneFraction > 0 ? "+prune" + Math.round(pruneFraction * 100) : "");
        }
    }

    /** Figures for one setting; times in microseconds over {@code samples} timed calls each. */
    public record Figures(Setting setting, int bytes, double ratioToFp32, double writeP50Us, double writeP99Us,
                          double readP50Us, double readP99Us, int samples) {
    }

    /** fp32, fp16, int8 and int8 with half of each weight matrix pruned. */
    public static final List<Setting> DEFAULT_SETTINGS = List.of(new Setting(Precision.FP32, 0),
            new Setting(Precision.FP16, 0), new Setting(Precision.INT8, 0), new Setting(Precision.INT8, 0.5));

    private BundleBenchmark() {
    }

    public static List<Figures> run(Policy policy, List<Setting> settings, int warmup, int iterations) {
        if (warmup < 0 || iterations <= 0) {
            throw new IllegalArgumentException("warmup must be >= 0 and iterations positive, got " + warmup + ", " + iterations);
        }
        KeyPair key = SigningKeys.generate();
        BundleReader reader = BundleReader.of(TrustedKeys.of(key.getPublic()));
        int fp32Bytes = new BundleWriter().setPolicy(policy).toBytes().length;
        List<Figures> out = new ArrayList<>();
        for (Setting s : settings) {
            BundleWriter writer = new BundleWriter().setPolicy(policy).optPrecision(s.precision())
                    .optPrune(s.pruneFraction()).optName("bench").optVersion("1.0.0").optSigningKey(key.getPrivate());
            byte[] bytes = writer.toBytes();
            long[] write = new long[iterations];
            long[] read = new long[iterations];
            long sink = 0;
            for (int i = 0; i < warmup + iterations; i++) {
                long t0 = System.nanoTime();
                sink += writer.toBytes().length;
                long t1 = System.nanoTime();
                try {
                    sink += reader.read(bytes).byteSize();
                } catch (BundleFormatException e) {
                    throw new IllegalStateException("benchmark bundle refused: " + e.getMessage(), e);
                }
                long t2 = System.nanoTime();
                if (i >= warmup) {
                    write[i - warmup] = t1 - t0;
                    read[i - warmup] = t2 - t1;
                }
            }
            if (sink == 42) {
                System.out.print(""); // keeps the results observably used
            }
            out.add(new Figures(s, bytes.length, (double) bytes.length / fp32Bytes, percentileUs(write, 50),
                    percentileUs(write, 99), percentileUs(read, 50), percentileUs(read, 99), iterations));
        }
        return out;
    }

    /** Nearest-rank percentile of nanosecond samples, in microseconds. */
    static double percentileUs(long[] nanos, double p) {
        long[] s = nanos.clone();
        Arrays.sort(s);
        int idx = (int) Math.ceil(p / 100.0 * s.length) - 1;
        return s[Math.max(0, Math.min(s.length - 1, idx))] / 1000.0;
    }
}

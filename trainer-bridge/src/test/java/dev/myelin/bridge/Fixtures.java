package dev.myelin.bridge;

import dev.myelin.bridge.wire.ReleaseKeys;
import dev.myelin.bridge.wire.ReleaseSigner;
import dev.myelin.policy.bundle.BundleWriter;
import dev.myelin.policy.bundle.SigningKeys;
import dev.myelin.policy.model.Grsn;
import dev.myelin.policy.model.Policy;
import dev.myelin.policy.model.PopSan;
import dev.myelin.policy.model.SpikeMode;
import dev.myelin.policy.model.SpikingNetwork;
import dev.myelin.policy.model.Tensor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BooleanSupplier;

/** Keys, bundles and waiting helpers shared by the bridge's tests. */
public final class Fixtures {

    /** The fleet's release key pair for a test. */
    public final KeyPair releaseKey = SigningKeys.generate();
    public final ReleaseSigner signer = new ReleaseSigner(releaseKey.getPrivate());
    public final ReleaseKeys keys = ReleaseKeys.of(releaseKey.getPublic());

    /** A small, healthy navigation policy (PopSAN, 6 observations, 2 actions). */
    public byte[] nav(String version) {
        return bundle("nav", version, healthyNetwork(version.hashCode()), releaseKey.getPrivate());
    }

    public byte[] bundle(String name, String version, SpikingNetwork net, PrivateKey key) {
        BundleWriter w = new BundleWriter().setPolicy(Policy.withDefaults(net, Map.of("test", name)))
                .optName(name).optVersion(version);
        if (key != null) {
            w.optSigningKey(key);
        }
        return w.toBytes();
    }

    public static SpikingNetwork healthyNetwork(long seed) {
        return PopSan.random(6, 2, 4, new int[] {16}, 4, SpikeMode.DETERMINISTIC, seed);
    }

    /**
     * A PopSAN whose decoder bias drives both actions to the end of their range: every command exceeds the
     * safety gate's speed limit, so the health check sees safety interventions.
     */
    public static SpikingNetwork saturatingNetwork() {
        PopSan p = PopSan.random(6, 2, 4, new int[] {16}, 4, SpikeMode.DETERMINISTIC, 5);
        return replace(p, "decoder.bias", 50f);
    }

    /**
     * A GRSN whose readout weights alternate ±3e38: finite and valid, but the readout sum overflows to
     * inf - inf, so the dense and event engines output NaN actions.
     */
    public static SpikingNetwork nanNetwork() {
        Grsn g = Grsn.random(6, 2, new int[] {16}, 2);
        Map<String, Tensor> m = new LinkedHashMap<>();
        for (Tensor t : g.tensors()) {
            float[] d = t.data().clone();
            if (t.name().startsWith("readout")) {
                for (int i = 0; i < d.length; i++) {
                    d[i] = i % 2 == 0 ? 3e38f : -3e38f;
                }
            }
            m.put(t.name(), new Tensor(t.name(), t.shape(), d));
        }
        return g.withTensors(m);
    }

    private static SpikingNetwork replace(SpikingNetwork n, String tensor, float value) {
        Map<String, Tensor> m = new LinkedHashMap<>();
        for (Tensor t : n.tensors()) {
            float[] d = t.data().clone();
            if (t.name().equals(tensor)) {
                java.util.Arrays.fill(d, value);
            }
            m.put(t.name(), new Tensor(t.name(), t.shape(), d));
        }
        return n.withTensors(m);
    }

    public static Path write(Path dir, String name, byte[] bytes) throws IOException {
        Path p = dir.resolve(name);
        Files.write(p, bytes);
        return p;
    }

    /** Polls {@code condition} every 20 ms until true or {@code timeoutMs}; returns the last value. */
    public static boolean await(long timeoutMs, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeoutMs * 1_000_000;
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return true;
            }
            Thread.sleep(20);
        }
        return condition.getAsBoolean();
    }
}

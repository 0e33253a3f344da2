package dev.myelin.launch.demo;

import dev.myelin.policy.bundle.BundleReader;
import dev.myelin.policy.bundle.BundleWriter;
import dev.myelin.policy.bundle.PolicyBundle;
import dev.myelin.policy.bundle.SigningKeys;
import dev.myelin.policy.bundle.TrustedKeys;
import dev.myelin.policy.compress.Precision;
import dev.myelin.policy.engine.EnergyMeter;
import dev.myelin.policy.engine.InferenceEngine;
import dev.myelin.policy.engine.InferenceEngines;
import dev.myelin.policy.model.Channel;
import dev.myelin.policy.model.Grsn;
import dev.myelin.policy.model.Normalizer;
import dev.myelin.policy.model.Policy;
import dev.myelin.policy.model.PopSan;
import dev.myelin.policy.model.SpikeMode;
import dev.myelin.policy.model.SpikingNetwork;
import dev.myelin.policy.model.SpikingTransformer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code ./myelin policy-demo}: builds a signed policy bundle for a differential-drive robot (lidar sectors,
 * goal distance and bearing, velocities in; linear and angular velocity out), reads it back with
 * signature verification, and runs it in every engine on a fixed stream of observations, printing the
 * actions, spikes and the energy estimate per decision.
 */
@Command(name = "policy-demo", mixinStandardHelpOptions = true,
        description = "Build, sign, verify and run spiking policies on a fixed observation stream.")
public final class PolicyDemoCommand implements Callable<Integer> {

    @Option(names = "--out", defaultValue = "demo-out", description = "Where bundles and keys are written (default ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--steps", defaultValue = "8", description = "Decisions printed per policy (default ${DEFAULT-VALUE}).")
    int steps;

    static final int BEAMS = 8;

    @Override
    public Integer call() throws Exception {
        if (steps <= 0) {
            throw new IllegalArgumentException("--steps must be positive");
        }
        Files.createDirectories(out);
        KeyPair key = SigningKeys.generate();
        SigningKeys.writePrivateKey(key.getPrivate(), out.resolve("demo-signing.pem"));
        SigningKeys.writePublicKey(key.getPublic(), out.resolve("demo-signing.pub.pem"));
        TrustedKeys trusted = TrustedKeys.of(key.getPublic());
        int obs = BEAMS + 4;
        List<SpikingNetwork> nets = List.of(
                PopSan.random(obs, 2, 10, new int[] {256, 256}, 5, SpikeMode.DETERMINISTIC, 11),
                Grsn.random(obs, 2, new int[] {128, 128}, 12),
                SpikingTransformer.random(obs, 2, 8, 64, 128, 10, 4, 13));
        float[][] stream = observations(steps);
        for (SpikingNetwork net : nets) {
            Policy policy = robotPolicy(net);
            Path file = out.resolve("demo-" + net.family() + ".myl");
            new BundleWriter().setPolicy(policy).optPrecision(Precision.FP32).optName("demo-" + net.family())
                    .optVersion("0.1.0").optSigningKey(key.getPrivate()).write(file);
            PolicyBundle bundle = BundleReader.read(file, trusted);
            System.out.printf(Locale.ROOT, "%n== %s: %s (%d bytes, signed %s, sha256 %s...)%n", net.family(), file,
                    Files.size(file), bundle.signerKeyId(), bundle.digest().substring(0, 16));
            System.out.printf(Locale.ROOT, "%-6s %4s %8s %9s %7s %8s %11s %11s%n", "engine", "step", "v m/s",
                    "w rad/s", "spikes", "SynOps", "SNN nJ est", "ANN nJ est");
            for (String name : InferenceEngines.BUILT_IN) {
                InferenceEngine engine = InferenceEngines.create(name, bundle.policy());
                float[] action = new float[2];
                for (int t = 0; t < stream.length; t++) {
                    engine.act(stream[t], action);
                    checkFinite(action, name, net.family());
                    EnergyMeter e = engine.energy();
                    System.out.printf(Locale.ROOT, "%-6s %4d %8.3f %9.3f %7d %8d %11.2f %11.2f%n", name, t,
                            action[0], action[1], e.spikes(), e.synOps(), e.estimatePicojoules() / 1000,
                            e.annEstimatePicojoules() / 1000);
                }
            }
        }
        System.out.printf(Locale.ROOT, "%nEnergy figures are 45 nm estimates (MAC 4.6 pJ, AC 0.9 pJ), not measurements.%n"
                + "Bundles and the demo signing key are in %s%n", out.toAbsolutePath());
        return 0;
    }

    private static void checkFinite(float[] action, String engine, String family) {
        for (float a : action) {
            if (!Float.isFinite(a)) {
                throw new IllegalStateException(engine + " engine produced a non-finite action for " + family);
            }
        }
    }

    /** Observation and action channels of a TurtleBot-class base. */
    static Policy robotPolicy(SpikingNetwork net) {
        List<Channel> o = new java.util.ArrayList<>();
        float[] mean = new float[BEAMS + 4];
        float[] var = new float[BEAMS + 4];
        for (int i = 0; i < BEAMS; i++) {
            o.add(new Channel("scan_sector_" + i, "m", 0f, 3.5f));
            mean[i] = 1.75f;
            var[i] = 1f;
        }
        o.add(new Channel("goal_distance", "m", 0f, 10f));
        o.add(new Channel("goal_bearing", "rad", (float) -Math.PI, (float) Math.PI));
        o.add(new Channel("linear_velocity", "m/s", -0.22f, 0.22f));
        o.add(new Channel("angular_velocity", "rad/s", -2.84f, 2.84f));
        mean[BEAMS] = 3f;
        var[BEAMS] = 4f;
        var[BEAMS + 1] = 1f;
        var[BEAMS + 2] = 0.01f;
        var[BEAMS + 3] = 1f;
        List<Channel> a = List.of(new Channel("cmd_linear_x", "m/s", -0.22f, 0.22f),
                Channel.symmetric("cmd_angular_z", "rad/s", 2.84f));
        return new Policy(net, o, a, new Normalizer(mean, var, 3f),
                Map.of("task", "diffdrive-nav", "trainer", "untrained (random initialisation)", "seed", 11));
    }

    /** A robot approaching a goal past an obstacle on its left: a fixed, reproducible stream. */
    static float[][] observations(int steps) {
        float[][] stream = new float[steps][BEAMS + 4];
        for (int t = 0; t < steps; t++) {
            float[] o = stream[t];
            for (int i = 0; i < BEAMS; i++) {
                o[i] = 3.5f - (i == 2 ? 0.3f * t : 0f) - 0.1f * (float) Math.cos(i + t);
            }
            o[BEAMS] = 5f - 0.2f * t;
            o[BEAMS + 1] = 0.6f * (float) Math.sin(0.3 * t);
            o[BEAMS + 2] = 0.02f * t;
            o[BEAMS + 3] = 0.1f * (float) Math.cos(0.5 * t);
        }
        return stream;
    }
}

package dev.myelin.launch.demo;

import dev.myelin.controller.bringup.GoalSeekingPopSan;
import dev.myelin.controller.config.ControllerParams;
import dev.myelin.policy.bundle.BundleFormatException;
import dev.myelin.policy.bundle.BundleReader;
import dev.myelin.policy.bundle.BundleWriter;
import dev.myelin.policy.bundle.PolicyBundle;
import dev.myelin.policy.bundle.TrustedKeys;
import dev.myelin.policy.model.Policy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;

/**
 * The trained navigation bundles shipped with the launch module ({@code nav-v1.myl}, {@code nav-v2.myl},
 * unsigned fp32, made by {@code ./myelin train --preset diffdrive-nav}; see the README.txt beside them),
 * and re-signing a bundle under a release name and version.
 */
public final class ShippedBundles {
    /** Resource folder of the shipped bundles, learning curve data and their README. */
    public static final String FOLDER = "/dev/myelin/launch/demo/";
    public static final String NAV_V1 = "nav-v1.myl";
    public static final String NAV_V2 = "nav-v2.myl";
    public static final String NAV_METRICS = "nav-metrics.csv";

    private ShippedBundles() {
    }

    /** The bytes of a shipped resource; the error says it is missing from this build. */
    public static byte[] resource(String name) throws IOException {
        try (InputStream in = ShippedBundles.class.getResourceAsStream(FOLDER + name)) {
            if (in == null) {
                throw new IOException("the shipped file " + FOLDER + name + " is missing from this build");
            }
            return in.readAllBytes();
        }
    }

    public static boolean exists(String name) {
        return ShippedBundles.class.getResource(FOLDER + name) != null;
    }

    /**
     * The bytes named by {@code ref}: {@code builtin:NAME} (a shipped resource, e.g. {@code builtin:nav-v1})
     * or a file path.
     */
    public static byte[] bytes(String ref, Path baseDir) throws IOException {
        if (ref.startsWith("builtin:")) {
            String n = ref.substring("builtin:".length());
            return resource(n.endsWith(".myl") ? n : n + ".myl");
        }
        Path p = Path.of(ref);
        if (!p.isAbsolute() && baseDir != null) {
            p = baseDir.resolve(p);
        }
        if (!Files.isRegularFile(p)) {
            throw new IOException("bundle " + p + " does not exist");
        }
        return Files.readAllBytes(p);
    }

    /**
     * Reads {@code bundle} (signed or not; its digest is checked) and writes it again as {@code name}
     * {@code version} signed with {@code key}, keeping its policy, precision and provenance.
     */
    public static byte[] resign(byte[] bundle, String name, String version, PrivateKey key) throws BundleFormatException {
        PolicyBundle b = BundleReader.read(bundle, TrustedKeys.none());
        return new BundleWriter().setPolicy(b.policy()).optPrecision(b.precision()).optName(name).optVersion(version)
                .optSigningKey(key).toBytes();
    }

    /** The hand-wired goal-seeking bring-up policy, fitted to {@code params}, as a signed bundle. */
    public static byte[] goalSeeker(ControllerParams params, String name, String version, PrivateKey key) {
        int sectors = params.observationSize() - 4;
        if (sectors < 1) {
            throw new IllegalArgumentException("the controller's parameters give " + params.observationSize()
                    + " observation values; the navigation layout needs lidar sectors + 4");
        }
        Policy p = GoalSeekingPopSan.create(sectors, 0.22f, 2.84f, (float) atanh(0.15 / 0.22), 2f);
        return new BundleWriter().setPolicy(p).optName(name).optVersion(version).optSigningKey(key).toBytes();
    }

    private static double atanh(double x) {
        return 0.5 * Math.log((1 + x) / (1 - x));
    }
}

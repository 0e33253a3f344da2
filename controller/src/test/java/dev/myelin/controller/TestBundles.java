package dev.myelin.controller;

import dev.myelin.controller.config.ControllerParams;
import dev.myelin.policy.bundle.BundleWriter;
import dev.myelin.policy.model.Policy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.PrivateKey;

/** Test-made bundles and the navigation parameter file. */
final class TestBundles {
    private TestBundles() {
    }

    static String navParamsText() {
        try (InputStream in = TestBundles.class.getResourceAsStream("/nav-params.yaml")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static ControllerParams navParams() {
        return ControllerParams.parse(navParamsText(), "nav-params.yaml", Path.of("."));
    }

    /** {@code nav-params.yaml} with {@code from} replaced by {@code to} (exactly once). */
    static ControllerParams navParamsWith(String from, String to) {
        String text = navParamsText();
        if (!text.contains(from)) {
            throw new IllegalArgumentException("fixture has no '" + from + "'");
        }
        return ControllerParams.parse(text.replace(from, to), "nav-params.yaml", Path.of("."));
    }

    static byte[] bundle(Policy policy, String name, String version, PrivateKey key) {
        BundleWriter w = new BundleWriter().setPolicy(policy).optName(name).optVersion(version);
        if (key != null) {
            w.optSigningKey(key);
        }
        return w.toBytes();
    }
}

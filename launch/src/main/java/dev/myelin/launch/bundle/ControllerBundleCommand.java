package dev.myelin.launch.bundle;

import dev.myelin.controller.bringup.BringUp;
import dev.myelin.controller.bringup.GoalSeekingPopSan;
import dev.myelin.controller.config.ControllerParams;
import dev.myelin.controller.config.MappingCheck;
import dev.myelin.policy.bundle.BundleWriter;
import dev.myelin.policy.bundle.SigningKeys;
import dev.myelin.policy.model.Policy;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * {@code ./myelin controller-bundle --out nav.myl}: writes the hand-wired goal-seeking PopSAN as a
 * bundle whose spec fits a navigation parameter file, for bringing a base (or the sim node) up
 * before a trained policy exists.
 */
@Command(name = "controller-bundle", mixinStandardHelpOptions = true,
        description = "Write the hand-wired goal-seeking PopSAN (bring-up policy, not trained) as a bundle that fits "
                + "a navigation parameter file.")
public final class ControllerBundleCommand implements Callable<Integer> {

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "Bundle to write (.myl).")
    Path out;

    @Option(names = "--params", paramLabel = "FILE",
            description = "Parameter file whose mapping the bundle must fit (default: the shipped TurtleBot navigation file).")
    Path params;

    @Option(names = "--sign", paramLabel = "KEY", description = "Ed25519 private key (PEM) to sign with.")
    Path signingKey;

    @Option(names = "--version", defaultValue = "0.1.0", description = "Release version (default ${DEFAULT-VALUE}).")
    String version;

    @Option(names = "--speed", defaultValue = "0.15", description = "Cruising speed, m/s, below 0.22 (default ${DEFAULT-VALUE}).")
    double speed;

    @Option(names = "--turn-gain", defaultValue = "2", description = "Turn gain k (default ${DEFAULT-VALUE}).")
    double turnGain;

    @Override
    public Integer call() throws Exception {
        if (!(speed > 0 && speed < 0.22) || !(turnGain > 0)) {
            throw new IllegalArgumentException("--speed must be in (0, 0.22) m/s and --turn-gain > 0");
        }
        ControllerParams p = params != null ? ControllerParams.read(params) : BringUp.turtlebotNav();
        int sectors = p.observationSize() - 4;
        if (sectors < 1) {
            throw new IllegalArgumentException("the parameter file gives " + p.observationSize()
                    + " observation values; the navigation layout needs lidar sectors + 4");
        }
        Policy policy = GoalSeekingPopSan.create(sectors, 0.22f, 2.84f, (float) atanh(speed / 0.22), (float) turnGain);
        MappingCheck.check(p, policy, "the goal-seeking bundle"); // refuse to write what the controller would refuse
        BundleWriter w = new BundleWriter().setPolicy(policy).optName("goal-seeker").optVersion(version);
        if (signingKey != null) {
            w.optSigningKey(SigningKeys.readPrivateKey(signingKey));
        }
        w.write(out);
        System.out.println("wrote " + out + ": hand-wired goal-seeking PopSAN, " + p.observationSize() + " observations, "
                + (signingKey != null ? "signed" : "unsigned"));
        return 0;
    }

    private static double atanh(double x) {
        return 0.5 * Math.log((1 + x) / (1 - x));
    }
}

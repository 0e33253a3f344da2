package dev.myelin.launch.demo;

import dev.myelin.bridge.mqtt.MqttLink;
import dev.myelin.bridge.ota.OtaAgent;
import dev.myelin.bridge.release.Rollout;
import dev.myelin.bridge.wire.ReleaseSigner;
import dev.myelin.controller.Controller;
import dev.myelin.controller.ControllerStatus;
import dev.myelin.controller.config.ControllerParams;
import dev.myelin.controller.config.MappingCheck;
import dev.myelin.controller.hosting.PreparedPolicy;
import dev.myelin.launch.file.BrokerNode;
import dev.myelin.launch.file.ControllerNode;
import dev.myelin.launch.file.LaunchRunner;
import dev.myelin.launch.file.OtaAgentNode;
import dev.myelin.launch.file.RosSettings;
import dev.myelin.launch.file.SimRobotNode;
import dev.myelin.policy.bundle.BundleReader;
import dev.myelin.policy.bundle.PolicyBundle;
import dev.myelin.policy.bundle.SigningKeys;
import dev.myelin.policy.bundle.TrustedKeys;
import dev.myelin.sim.Outcome;
import dev.myelin.sim.TaskSpec;
import dev.myelin.sim.Tasks;
import dev.myelin.sim.task.DiffDriveNav;
import dev.myelin.trainer.run.LearningCurve;
import dev.myelin.trainer.run.MetricsLog;
import org.HdrHistogram.Histogram;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Stream;

/**
 * The end-to-end demo on embedded defaults: a trained diffdrive-nav spiking policy (v1) is signed and
 * released over an in-process MQTT broker; the simulated robot's OTA agent verifies and activates it;
 * the controller drives the sim robot over ROS 2 (loopback Cyclone DDS, a random domain) for a batch of
 * episodes; a second, longer-trained checkpoint (v2) is released mid-run and hot-swapped; then the summary
 * table and {@code demo-out/} (trajectory PNG per version, learning curve PNG). Any failure throws
 * {@link DemoFailedException} saying what failed.
 */
public final class EndToEndDemo {
    private static final Logger BRIDGE_LOG = Logger.getLogger("dev.myelin.bridge");
    private static final String FLEET = "demo";
    private static final String POLICY = "nav";
    private static final String ROBOT = "robot1";
    private static final int RELEASE_ATTEMPTS = 3;
    /** The navigation controller's parameter file, {@code launch/params/nav-24.yaml}, as packaged beside the bundles. */
    static final String NAV_PARAMS = "nav-24.yaml";
    private static final int DEMO_REALTIME_PRIORITY = 50;

    /** Something the demo needed did not happen. */
    public static final class DemoFailedException extends RuntimeException {
        public DemoFailedException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** Settings; the defaults are the README's {@code ./myelin demo}. */
    public static final class Options {
        Path out = Path.of("demo-out");
        int episodes = 10;
        double rate = 5;
        Integer domain;
        Path v1;
        Path v2;
        Path metrics;
        Path params;
        int maxSteps;
        String physics = DiffDriveNav.NAME;
        long seed = 1000;
        Duration healthCheck = Duration.ofSeconds(1);
        double controlRate = 100;
        PrintStream log = System.out;

        public Options out(Path p) {
            out = p;
            return this;
        }

        /** Complete episodes per version. */
        public Options episodes(int n) {
            episodes = n;
            return this;
        }

        /** Simulation real-time factor. */
        public Options rate(double r) {
            rate = r;
            return this;
        }

        public Options domain(Integer d) {
            domain = d;
            return this;
        }

        /** Bundles to use instead of the shipped ones (null: shipped). */
        public Options bundles(Path first, Path second) {
            v1 = first;
            v2 = second;
            return this;
        }

        /** Training metrics.csv for the learning curve instead of the shipped one (null: shipped). */
        public Options metrics(Path p) {
            metrics = p;
            return this;
        }

        /** The controller's parameter file instead of the shipped {@code nav-24.yaml} (null: shipped). */
        public Options params(Path p) {
            params = p;
            return this;
        }

        /** Episode step limit of the simulated task (0: the task's own). */
        public Options maxSteps(int n) {
            maxSteps = n;
            return this;
        }

        /** The robot's simulator: {@code kinematic} (diffdrive-nav, the default) or {@code mujoco} (the MuJoCo base). */
        public Options physics(String p) {
            physics = switch (p) {
                case "kinematic" -> DiffDriveNav.NAME;
                case "mujoco" -> dev.myelin.sim.task.MujocoNav.NAME;
                default -> throw new IllegalArgumentException("--physics must be kinematic or mujoco, got '" + p + "'");
            };
            return this;
        }

        /** Control loop rate, Hz. */
        public Options controlRate(double hz) {
            controlRate = hz;
            return this;
        }

        public Options seed(long s) {
            seed = s;
            return this;
        }

        public Options log(PrintStream p) {
            log = p;
            return this;
        }

        void conclude() {
            if (episodes < 1 || episodes > 100) {
                throw new IllegalArgumentException("--episodes must be 1..100, got " + episodes);
            }
            if (!(rate > 0 && rate <= 20)) {
                throw new IllegalArgumentException("--rate must be in (0, 20], got " + rate);
            }
            if (domain != null && (domain < 0 || domain > 232)) {
                throw new IllegalArgumentException("--domain must be 0..232, got " + domain);
            }
            if (!(controlRate >= 10 && controlRate <= 1000)) {
                throw new IllegalArgumentException("--control-rate must be 10..1000 Hz, got " + controlRate);
            }
            if (maxSteps < 0) {
                throw new IllegalArgumentException("--max-steps must be >= 0, got " + maxSteps);
            }
        }
    }

    /** What one version did while it drove. */
    public record VersionStats(String label, int episodes, int successes, int collisions, int timeouts, double meanReturn,
                               double jitterP99Us, double inputToOutputP99Us, double inferenceP50Us, double inferenceP99Us,
                               double snnNanojoules, double annNanojoules, long deadlineMisses, long ticks) {
        public double successRate() {
            return episodes == 0 ? 0 : (double) successes / episodes;
        }
    }

    /** The demo's result. */
    public record Summary(VersionStats v1, VersionStats v2, long missesAcrossSwap, long missesAtSwapTick,
                          List<String> activated, Path out, List<Path> images, Duration elapsed, String table) {
    }

    private final Options o;
    private final long t0 = System.nanoTime();
    private final List<String> activated = new java.util.concurrent.CopyOnWriteArrayList<>();
    private double episodeSimSeconds = 50;

    public EndToEndDemo(Options options) {
        options.conclude();
        this.o = options;
    }

    private void say(String fmt, Object... args) {
        o.log.printf(Locale.ROOT, "[%5.1f s] " + fmt + "%n", Stream.concat(Stream.of(seconds()), Stream.of(args)).toArray());
    }

    private double seconds() {
        return (System.nanoTime() - t0) / 1e9;
    }

    /** Runs the demo; throws {@link DemoFailedException} naming what failed. */
    public Summary run() throws Exception {
        BRIDGE_LOG.setLevel(Level.WARNING);
        Path out = o.out;
        Files.createDirectories(out);
        o.log.println("Myelin end to end: trained spiking policy -> signed release over MQTT -> OTA update on a "
                + "simulated robot driven over ROS 2 -> hot-swap to a better version\n");

        // 1. the trained policies
        byte[] raw1 = bundleBytes(o.v1, ShippedBundles.NAV_V1);
        byte[] raw2 = bundleBytes(o.v2, ShippedBundles.NAV_V2);
        PolicyBundle b1 = BundleReader.read(raw1, TrustedKeys.none());
        PolicyBundle b2 = BundleReader.read(raw2, TrustedKeys.none());
        say("policy v1: %s", describe(b1));
        say("policy v2: %s", describe(b2));

        // 2. sign them as releases of 'nav'
        KeyPair key = SigningKeys.generate();
        Path privateKey = out.resolve("release.pem");
        Files.deleteIfExists(privateKey);
        SigningKeys.writePrivateKey(key.getPrivate(), privateKey);
        Files.deleteIfExists(out.resolve("release.pub.pem"));
        SigningKeys.writePublicKey(key.getPublic(), out.resolve("release.pub.pem"));
        say("releases are signed as nav 1.0.x (v1) and nav 2.0.x (v2) with release key %s (Ed25519, made for this run)",
                SigningKeys.keyId(key.getPublic()));

        int sectors = b1.policy().observations().size() - 4;
        if (sectors < 1 || b2.policy().observations().size() != b1.policy().observations().size()) {
            throw new DemoFailedException("v1 and v2 must be diffdrive-nav policies with the same observation layout (got "
                    + b1.policy().observations().size() + " and " + b2.policy().observations().size() + " values)", null);
        }
        ControllerParams params = o.params != null ? ControllerParams.read(o.params)
                : ControllerParams.parse(new String(ShippedBundles.resource(NAV_PARAMS), StandardCharsets.UTF_8),
                        ShippedBundles.FOLDER + NAV_PARAMS, null);
        // the demo asks for a real-time loop thread; where it is not granted the loop says so and runs anyway
        params = params.withRate(o.controlRate, params.idleStrategy()).withRealtimePriority(DEMO_REALTIME_PRIORITY);
        MappingCheck.check(params, b1.policy(), "v1");
        MappingCheck.check(params, b2.policy(), "v2");
        TaskSpec nav = TaskSpec.of(DiffDriveNav.NAME).withOptions(taskOptions(b1, sectors));
        // --physics mujoco: the same task on the MuJoCo base (same options, scenes and reward).
        TaskSpec task = TaskSpec.of(o.physics).withOptions(taskOptions(b1, sectors));
        if (o.maxSteps > 0) {
            nav = nav.withOption("max_steps", o.maxSteps);
            task = task.withOption("max_steps", o.maxSteps);
        }
        DiffDriveNav navShape = (DiffDriveNav) Tasks.simulator(nav, 1);
        episodeSimSeconds = navShape.config().maxSteps() * navShape.config().controlPeriod();
        int domain = o.domain != null ? o.domain : freeDomain();

        // 3. the robot: broker, sim node, controller, OTA agent
        Path state = out.resolve(ROBOT);
        deleteTree(state);
        AtomicReference<Controller> controllerRef = new AtomicReference<>();
        EpisodeTracker tracker = new EpisodeTracker(() -> {
            Controller c = controllerRef.get();
            return c == null ? null : c.host().current();
        }, 4 * o.episodes + 16, navShape.config().maxSteps());
        BrokerNode broker = new BrokerNode("broker", 0, null);
        SimRobotNode sim = new SimRobotNode("sim", task, o.seed, o.rate, 0.5, RosSettings.loopback(domain)).observer(tracker);
        ControllerNode controller = new ControllerNode("controller", params, null, true, RosSettings.loopback(domain),
                TrustedKeys.of(key.getPublic()));
        OtaAgentNode agent = new OtaAgentNode("ota", () -> controller, broker::endpoint, FLEET, POLICY, "stable", ROBOT,
                state, List.of(), privateKey, "builtin:goal-seeker", this::onStep);
        // Started in this order, each once the one before is ready; stopped in reverse order, also when one fails.
        try (LaunchRunner robot = new LaunchRunner(List.of(
                new LaunchRunner.Planned("broker", broker, Duration.ofSeconds(90)),
                new LaunchRunner.Planned("sim-node", sim, Duration.ofSeconds(60)),
                new LaunchRunner.Planned("controller", controller, Duration.ofSeconds(60)),
                new LaunchRunner.Planned("ota-agent", agent, Duration.ofSeconds(60))), line -> say("%s", line))) {
            try {
                robot.start();
            } catch (LaunchRunner.LaunchFailedException e) {
                throw new DemoFailedException("the robot did not start: " + e.getMessage(), e);
            }
            Controller c = controller.controller();
            controllerRef.set(c);
            say("embedded HiveMQ broker on %s; sim robot and controller on ROS domain %d (loopback Cyclone DDS), "
                    + "sim at %.0fx real time, control loop %.0f Hz", broker.uri(), domain, o.rate, params.rateHz());
            if (c.loop().schedulingProblem() != null) {
                say("note: the control loop keeps normal scheduling (%s)", c.loop().schedulingProblem());
            }
            say("robot1 booted the factory bring-up policy (hand-wired goal seeker, nav 0.1.0)");
            await(() -> c.staleInput() == null, Duration.ofSeconds(30), "fresh scan and odometry at the controller", robot);

            try (MqttLink trainer = new MqttLink(new MqttLink.Options().clientId("myelin-demo-trainer").endpoint(broker.endpoint())
                    .sessionExpiry(Duration.ZERO))) {
                if (!trainer.startAndAwait(Duration.ofSeconds(20))) {
                    throw new DemoFailedException("the trainer side cannot connect to the embedded broker " + broker.uri(), null);
                }
                Rollout rollout = new Rollout(trainer, new ReleaseSigner(key.getPrivate()), new Rollout.Options().fleet(FLEET)
                        .canaryFraction(0).healthCheck(o.healthCheck).discovery(Duration.ofSeconds(1))
                        .canaryTimeout(Duration.ofSeconds(60)).fleetTimeout(Duration.ofSeconds(60))
                        .log(s -> say("release: %s", s)));

                // 4. v1 over the air, then a batch of episodes
                say("== release v1 over MQTT");
                String version1 = release(rollout, raw1, 1, key, "v1");
                PreparedPolicy p1 = c.host().current();
                checkRunning(p1, version1);
                sameEpisodes(sim, tracker, c, robot);
                Phase phase1 = Phase.begin(c);
                say("== robot1 drives with v1: %d episodes", o.episodes);
                awaitEpisodes(tracker, p1, robot);
                VersionStats s1 = phase1.end(c, "v1 nav " + version1, tracker.episodesOf(p1));

                // 5. v2 mid-run, hot-swapped
                ControllerStatus beforeRelease = c.status();
                say("== release v2 while robot1 is driving");
                String version2 = release(rollout, raw2, 2, key, "v2");
                PreparedPolicy p2 = c.host().current();
                checkRunning(p2, version2);
                ControllerStatus acrossRelease = c.status().minus(beforeRelease);
                long missesAcross = acrossRelease.deadlineMisses();
                long missesAtSwap = acrossRelease.missedDuringSwaps();
                say("hot-swap v1 -> v2: %d missed control deadlines from release to commit, %d at the swap tick",
                        missesAcross, missesAtSwap);
                sameEpisodes(sim, tracker, c, robot);
                Phase phase2 = Phase.begin(c);
                say("== robot1 drives with v2: %d episodes", o.episodes);
                awaitEpisodes(tracker, p2, robot);
                VersionStats s2 = phase2.end(c, "v2 nav " + version2, tracker.episodesOf(p2));

                // 6. outputs
                List<Path> images = new ArrayList<>();
                double half = navShape.arenaHalfSize();
                double tol = navShape.goalTolerance();
                Path t1 = out.resolve("trajectories-v1.png");
                Path t2 = out.resolve("trajectories-v2.png");
                TrajectoryPlot.write(t1, "nav " + version1 + " (v1) driving the sim robot over ROS 2", tracker.episodesOf(p1), half, tol);
                TrajectoryPlot.write(t2, "nav " + version2 + " (v2) after the over-the-air update", tracker.episodesOf(p2), half, tol);
                images.add(t1);
                images.add(t2);
                images.add(learningCurve(out));
                String table = table(s1, s2, missesAcross, missesAtSwap);
                o.log.println();
                o.log.print(table);
                o.log.println();
                for (Path p : images) {
                    o.log.println("wrote " + p);
                }
                Duration elapsed = Duration.ofNanos(System.nanoTime() - t0);
                o.log.printf(Locale.ROOT, "demo finished in %.1f s%n", elapsed.toMillis() / 1000.0);
                return new Summary(s1, s2, missesAcross, missesAtSwap, List.copyOf(activated), out, images, elapsed, table);
            }
        }
    }

    /** Loop counters at the start of a version's batch; {@link #end} turns them into the version's figures. */
    private record Phase(ControllerStatus start) {
        static Phase begin(Controller c) {
            return new Phase(c.status());
        }

        VersionStats end(Controller c, String label, List<EpisodeTracker.Trace> episodes) {
            ControllerStatus m = c.status().minus(start);
            Histogram jitter = m.jitter();
            Histogram io = m.inputToOutput();
            Histogram inf = m.inference();
            double energy = m.meanEnergyPicojoules();
            PreparedPolicy p = c.host().current();
            double ann = p == null ? 0 : p.engine().energy().annEstimatePicojoules();
            int success = 0;
            int collision = 0;
            int timeout = 0;
            double ret = 0;
            for (EpisodeTracker.Trace t : episodes) {
                success += t.outcome == Outcome.SUCCESS ? 1 : 0;
                collision += t.outcome == Outcome.COLLISION ? 1 : 0;
                timeout += t.outcome == Outcome.TIMEOUT ? 1 : 0;
                ret += t.episodeReturn;
            }
            return new VersionStats(label, episodes.size(), success, collision, timeout,
                    episodes.isEmpty() ? 0 : ret / episodes.size(), us(jitter, 99), us(io, 99), us(inf, 50), us(inf, 99),
                    energy / 1000, ann / 1000, m.deadlineMisses(), m.ticks());
        }

        private static double us(Histogram h, double percentile) {
            return h.getTotalCount() == 0 ? 0 : h.getValueAtPercentile(percentile) / 1000.0;
        }
    }

    /** Starts the simulated episodes over from the demo's first seed, so that both versions drive the same scenes. */
    private void sameEpisodes(SimRobotNode sim, EpisodeTracker tracker, Controller c, LaunchRunner nodes)
            throws InterruptedException {
        sim.restartEpisodes(o.seed, tracker::restart);
        await(() -> c.staleInput() == null, Duration.ofSeconds(30), "fresh inputs after the world restarted", nodes);
        say("the sim world starts over from episode seed %d (both versions drive the same scenes)", o.seed);
    }

    private void onStep(OtaAgent.Step step, String release) {
        switch (step) {
            case VERIFIED -> say("robot1: downloaded and verified %s (SHA-256 digest, Ed25519 signature)", release);
            case ACTIVATED -> {
                activated.add(release);
                say("robot1: activated %s (hot-swapped into the control loop); health check runs", release);
            }
            case COMMITTED -> say("robot1: committed %s", release);
            case ROLLED_BACK -> say("robot1: ROLLED BACK %s", release);
            case REFUSED -> say("robot1: REFUSED %s", release);
            default -> {
            }
        }
    }

    /**
     * Signs {@code raw} as nav {@code major}.0.0 and releases it. When the robot's health check rolls it back (a
     * deadline miss or a safety intervention while on trial: on a busy machine a stall of the whole JVM can
     * make the loop miss a period), says so and releases it again with the next patch version, at most
     * {@value #RELEASE_ATTEMPTS} times in all. Returns the version the robot committed.
     */
    private String release(Rollout rollout, byte[] raw, int major, KeyPair key, String what) throws Exception {
        for (int attempt = 0; ; attempt++) {
            String version = major + ".0." + attempt;
            byte[] bundle = ShippedBundles.resign(raw, POLICY, version, key.getPrivate());
            Files.write(o.out.resolve("nav-" + version + ".myl"), bundle);
            Rollout.Result r = rollout.run(bundle);
            if (r.outcome() == Rollout.Outcome.PROMOTED && r.committed().containsKey(ROBOT)) {
                say("release: %s committed by robot1 %.1f s after publishing", r.releaseId(), r.committed().get(ROBOT) / 1000.0);
                return version;
            }
            String why = (r.reason().isEmpty() ? "robot1 did not commit it" : r.reason())
                    + (r.failed().isEmpty() ? "" : " " + r.failed());
            if (attempt + 1 < RELEASE_ATTEMPTS && r.failed().containsKey(ROBOT)) {
                say("release: %s was not committed (%s); releasing %s again as nav %d.0.%d", r.releaseId(), why, what, major,
                        attempt + 1);
                continue;
            }
            throw new DemoFailedException("release of " + what + " (nav " + version + ") failed: " + why, null);
        }
    }

    private static void checkRunning(PreparedPolicy p, String version) {
        if (p == null || !p.bundle().version().toString().equals(version)) {
            throw new DemoFailedException("the controller runs " + (p == null ? "no policy" : p.label()) + ", not nav "
                    + version + ", after the update committed", null);
        }
    }

    private void awaitEpisodes(EpisodeTracker tracker, PreparedPolicy policy, LaunchRunner nodes) throws InterruptedException {
        int before = tracker.episodesOf(policy).size();
        double wallPerEpisode = episodeSimSeconds / o.rate;
        Duration limit = Duration.ofMillis(Math.round((o.episodes + 2) * wallPerEpisode * 1.5 * 1000) + 60_000);
        long deadline = System.nanoTime() + limit.toNanos();
        int reported = before;
        while (true) {
            List<EpisodeTracker.Trace> eps = tracker.episodesOf(policy);
            for (int i = reported; i < eps.size(); i++) {
                EpisodeTracker.Trace t = eps.get(i);
                say("  episode %d: %s, return %.1f, %d steps", i + 1, t.outcome.name().toLowerCase(Locale.ROOT),
                        t.episodeReturn, t.points);
            }
            reported = eps.size();
            if (eps.size() >= o.episodes) {
                return;
            }
            failIfAnyFailed(nodes);
            if (System.nanoTime() > deadline) {
                throw new DemoFailedException("only " + eps.size() + " of " + o.episodes + " episodes ended within "
                        + limit.toSeconds() + " s", null);
            }
            Thread.sleep(50);
        }
    }

    private static void failIfAnyFailed(LaunchRunner nodes) {
        String f = nodes.failure();
        if (f != null) {
            throw new DemoFailedException(f, null);
        }
    }

    private static void await(BooleanSupplier condition, Duration timeout, String what, LaunchRunner nodes)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            failIfAnyFailed(nodes);
            if (System.nanoTime() > deadline) {
                throw new DemoFailedException("timed out after " + timeout.toSeconds() + " s waiting for " + what, null);
            }
            Thread.sleep(20);
        }
    }

    /**
     * A random ROS domain id in 100..232 on which loopback discovery sees nobody for half a second, so that
     * demos and tests running side by side do not drive each other's robots.
     */
    private static int freeDomain() throws InterruptedException {
        int domain = 0;
        for (int attempt = 0; attempt < 5; attempt++) {
            domain = ThreadLocalRandom.current().nextInt(100, 233);
            try (dev.myelin.ros2.Context probe = dev.myelin.ros2.Context.builder().domainId(domain).localhostOnly(true).build()) {
                Thread.sleep(500);
                if (probe.graph().endpoints().isEmpty()) {
                    return domain;
                }
            }
        }
        return domain;
    }

    private static byte[] bundleBytes(Path override, String shipped) throws IOException {
        if (override != null) {
            if (!Files.isRegularFile(override)) {
                throw new DemoFailedException("bundle " + override + " does not exist", null);
            }
            return Files.readAllBytes(override);
        }
        if (!ShippedBundles.exists(shipped)) {
            throw new DemoFailedException("the trained bundle " + shipped + " is not in this build (resource "
                    + ShippedBundles.FOLDER + shipped + "); give --v1 and --v2", null);
        }
        return ShippedBundles.resource(shipped);
    }

    private static String describe(PolicyBundle b) {
        Map<String, Object> p = b.policy().provenance();
        StringBuilder s = new StringBuilder();
        s.append(b.policy().network().family()).append(", ").append(b.policy().observations().size()).append(" inputs, ")
                .append(b.precision().name().toLowerCase(Locale.ROOT));
        for (String k : List.of("task", "algorithm", "seed", "steps", "total_steps", "trainer")) {
            if (p.containsKey(k)) {
                s.append(", ").append(k).append(' ').append(p.get(k));
            }
        }
        return s.toString();
    }

    /** The sim's task options: those the policy was trained with (provenance), else just its beam count. */
    private static String taskOptions(PolicyBundle b, int sectors) {
        Object opts = b.policy().provenance().get("task_options");
        StringBuilder s = new StringBuilder();
        if (opts instanceof Map<?, ?> m) {
            for (Map.Entry<?, ?> e : m.entrySet()) {
                s.append(s.isEmpty() ? "" : ",").append(e.getKey()).append('=').append(e.getValue());
            }
        }
        if (!s.toString().contains("beams=")) {
            s.append(s.isEmpty() ? "" : ",").append("beams=").append(sectors);
        }
        return s.toString();
    }

    private Path learningCurve(Path out) throws IOException {
        Path csv = out.resolve("nav-metrics.csv");
        if (o.metrics != null) {
            Files.copy(o.metrics, csv, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        } else {
            if (!ShippedBundles.exists(ShippedBundles.NAV_METRICS)) {
                throw new DemoFailedException("the training metrics " + ShippedBundles.NAV_METRICS + " are not in this build", null);
            }
            Files.write(csv, ShippedBundles.resource(ShippedBundles.NAV_METRICS));
        }
        Path png = out.resolve("learning-curve.png");
        String title = "diffdrive-nav PopSAN, TD3: evaluation return during training"
                + (o.v1 == null && o.metrics == null ? " (v1: 30k steps, v2: 60k)" : "");
        LearningCurve.write(png, title,
                List.of(new LearningCurve.Series("eval return (50 episodes)", MetricsLog.read(csv, "eval_return"))));
        return png;
    }

    static String table(VersionStats a, VersionStats b, long missesAcross, long missesAtSwap) {
        StringBuilder s = new StringBuilder();
        String row = "%-40s %16s %16s%n";
        s.append(String.format(Locale.ROOT, row, "", a.label(), b.label()));
        s.append(String.format(Locale.ROOT, row, "episodes (success/collision/timeout)",
                a.episodes() + " (" + a.successes() + "/" + a.collisions() + "/" + a.timeouts() + ")",
                b.episodes() + " (" + b.successes() + "/" + b.collisions() + "/" + b.timeouts() + ")"));
        s.append(String.format(Locale.ROOT, row, "success rate", pct(a.successRate()), pct(b.successRate())));
        s.append(String.format(Locale.ROOT, row, "mean episode return", f1(a.meanReturn()), f1(b.meanReturn())));
        s.append(String.format(Locale.ROOT, row, "control loop jitter p99 (us)", f1(a.jitterP99Us()), f1(b.jitterP99Us())));
        s.append(String.format(Locale.ROOT, row, "input-to-output latency p99 (us)", f1(a.inputToOutputP99Us()),
                f1(b.inputToOutputP99Us())));
        s.append(String.format(Locale.ROOT, row, "inference time p50 / p99 (us)",
                f1(a.inferenceP50Us()) + " / " + f1(a.inferenceP99Us()), f1(b.inferenceP50Us()) + " / " + f1(b.inferenceP99Us())));
        s.append(String.format(Locale.ROOT, row, "energy per decision, SNN est. (nJ)", f1(a.snnNanojoules()), f1(b.snnNanojoules())));
        s.append(String.format(Locale.ROOT, row, "energy per decision, ANN equiv. (nJ)", f1(a.annNanojoules()), f1(b.annNanojoules())));
        s.append(String.format(Locale.ROOT, row, "SNN / ANN energy", ratio(a), ratio(b)));
        s.append(String.format(Locale.ROOT, row, "control ticks / missed deadlines", a.ticks() + " / " + a.deadlineMisses(),
                b.ticks() + " / " + b.deadlineMisses()));
        s.append(String.format(Locale.ROOT, "hot-swap v1 -> v2: %d missed deadlines from release to commit, %d at the swap tick%n",
                missesAcross, missesAtSwap));
        s.append("Energy figures are 45 nm estimates (MAC 4.6 pJ, AC 0.9 pJ) from the policy's spike counts, not measurements.\n");
        return s.toString();
    }

    private static String pct(double x) {
        return String.format(Locale.ROOT, "%.0f%%", 100 * x);
    }

    private static String f1(double x) {
        return String.format(Locale.ROOT, "%.1f", x);
    }

    private static String ratio(VersionStats v) {
        return v.annNanojoules() == 0 ? "-" : String.format(Locale.ROOT, "%.2f", v.snnNanojoules() / v.annNanojoules());
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}

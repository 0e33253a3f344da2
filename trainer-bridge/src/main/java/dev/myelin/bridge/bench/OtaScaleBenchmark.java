package dev.myelin.bridge.bench;

import dev.myelin.bridge.mqtt.EmbeddedBroker;
import dev.myelin.bridge.mqtt.MqttLink;
import dev.myelin.bridge.ota.OtaAgent;
import dev.myelin.bridge.release.FleetView;
import dev.myelin.bridge.release.PreparedRelease;
import dev.myelin.bridge.release.ReleasePublisher;
import dev.myelin.bridge.sim.SimulatedRobot;
import dev.myelin.bridge.wire.HealthReport;
import dev.myelin.bridge.wire.ReleaseKeys;
import dev.myelin.bridge.wire.ReleaseManifest;
import dev.myelin.bridge.wire.ReleaseSigner;
import dev.myelin.policy.bundle.BundleWriter;
import dev.myelin.policy.bundle.SigningKeys;
import dev.myelin.policy.bundle.TrustedKeys;
import dev.myelin.policy.model.Policy;
import dev.myelin.policy.model.PopSan;
import dev.myelin.policy.model.SpikeMode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.function.Consumer;

/**
 * A fleet of light-weight simulated robots in one process, each with its own update agent, MQTT connection
 * and state folder, receiving one release through the embedded HiveMQ broker. The clock starts when the
 * publisher begins putting the release's chunks on the broker; each robot's steps are timed where they
 * happen (verified, activated: downloaded, verified, staged and switched in; committed: health check passed),
 * and the trainer's receipt of every commit report is timed too.
 * This measures the distribution path end to end on one machine: broker fan-out, per-robot chunk assembly,
 * SHA-256 and Ed25519 verification, durable staging and the hot swap.
 */
public final class OtaScaleBenchmark {

    /** Settings. */
    public static final class Options {
        int robots = 200;
        int releaseBytes = 1 << 20;
        int chunkBytes = PreparedRelease.DEFAULT_CHUNK_BYTES;
        Duration healthCheck = Duration.ofSeconds(1);
        Duration tick = Duration.ofMillis(500);
        Duration timeout = Duration.ofMinutes(5);
        Consumer<String> log = s -> { };

        public Options robots(int n) {
            this.robots = n;
            return this;
        }

        /** Smallest size of the released bundle; the policy is grown until its fp32 bundle reaches it. */
        public Options releaseBytes(int n) {
            this.releaseBytes = n;
            return this;
        }

        public Options chunkBytes(int n) {
            this.chunkBytes = n;
            return this;
        }

        public Options healthCheck(Duration d) {
            this.healthCheck = d;
            return this;
        }

        /**
         * Control period of every simulated robot (default 500 ms: 200 robots share two cores with the broker,
         * and a decision budget of one period keeps CPU contention from failing health checks).
         */
        public Options tick(Duration d) {
            this.tick = d;
            return this;
        }

        public Options timeout(Duration d) {
            this.timeout = d;
            return this;
        }

        public Options log(Consumer<String> l) {
            this.log = l;
            return this;
        }

        void conclude() {
            if (robots < 1 || robots > 2000) {
                throw new IllegalArgumentException("robots must be 1..2000, got " + robots);
            }
            if (releaseBytes < 1024 || releaseBytes > (64 << 20)) {
                throw new IllegalArgumentException("release size must be 1 KiB .. 64 MiB, got " + releaseBytes);
            }
            if (tick.isNegative() || tick.isZero() || healthCheck.isNegative() || timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("tick and timeout must be positive, health check >= 0");
            }
        }
    }

    /**
     * Times are seconds from the start of publishing, one per robot that got there, sorted.
     *
     * @param verifiedSeconds  the bundle was assembled and verified (digest, signature)
     * @param activatedSeconds the robot switched to it (its health check began)
     * @param committedSeconds the robot committed it (health check passed)
     * @param reportedSeconds  the trainer received the robot's commit report
     * @param failures         robots that did not commit the release within the timeout, or refused / rolled it back
     * @param fleetUpSeconds   time to start every robot and connect it (before publishing)
     * @param chunksReceived   chunks written by all robots (robots x chunks when nothing was received twice)
     * @param chunkRequests    requests to publish chunks again (a robot saw no progress for a while)
     */
    public record Result(int robots, long releaseBytes, int chunks, int chunkBytes, double healthCheckSeconds,
                         double[] verifiedSeconds, double[] activatedSeconds, double[] committedSeconds,
                         double[] reportedSeconds, int failures,
                         Map<String, String> failureReasons, double fleetUpSeconds, long chunksReceived,
                         long chunkRequests) {

        /** Seconds until every robot had activated the release, NaN when some never did. */
        public double allActiveSeconds() {
            return activatedSeconds.length == robots ? activatedSeconds[robots - 1] : Double.NaN;
        }

        /** Seconds until every robot had committed the release, NaN when some never did. */
        public double allCommittedSeconds() {
            return committedSeconds.length == robots ? committedSeconds[robots - 1] : Double.NaN;
        }

        /** Percentile {@code p} (0..100) of sorted values, nearest rank. */
        public static double percentile(double[] sorted, double p) {
            if (sorted.length == 0) {
                return Double.NaN;
            }
            int i = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
            return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
        }
    }

    private OtaScaleBenchmark() {
    }

    /** A signed PopSAN bundle of at least {@code minBytes} (hidden layers grown until it is that large). */
    static byte[] releaseBundle(int minBytes, KeyPair key, String version) {
        for (int h = 16; ; h += 8) {
            PopSan net = PopSan.random(12, 2, 10, new int[] {h, h}, 5, SpikeMode.DETERMINISTIC, 7);
            byte[] b = new BundleWriter().setPolicy(Policy.withDefaults(net, Map.of("purpose", "ota scale benchmark")))
                    .optName("nav").optVersion(version).optSigningKey(key.getPrivate()).toBytes();
            if (b.length >= minBytes) {
                return b;
            }
        }
    }

    public static Result run(Options o) throws IOException, InterruptedException {
        o.conclude();
        Path work = Files.createTempDirectory("myelin-ota-bench-");
        KeyPair key = SigningKeys.generate();
        ReleaseKeys keys = ReleaseKeys.of(key.getPublic());
        ReleaseSigner signer = new ReleaseSigner(key.getPrivate());
        byte[] factory = new BundleWriter().setPolicy(Policy.withDefaults(
                        PopSan.random(12, 2, 4, new int[] {16}, 4, SpikeMode.DETERMINISTIC, 3), Map.of()))
                .optName("nav").optVersion("1.0.0").optSigningKey(key.getPrivate()).toBytes();
        Path factoryFile = work.resolve("nav-1.0.0.myl");
        Files.write(factoryFile, factory);
        byte[] release = releaseBundle(o.releaseBytes, key, "2.0.0");
        PreparedRelease prepared = PreparedRelease.of(release, TrustedKeys.of(key.getPublic()), "bench", "stable",
                o.chunkBytes, o.healthCheck.toMillis(), ReleaseManifest.Activation.IMMEDIATE);
        o.log.accept("release " + prepared.manifest().releaseId() + ": " + release.length + " bytes in "
                + prepared.chunks().size() + " chunks");

        ScheduledThreadPoolExecutor ticker = new ScheduledThreadPoolExecutor(2, daemon("sim-tick"));
        List<SimulatedRobot> sims = new ArrayList<>();
        List<OtaAgent> agents = new ArrayList<>();
        // Each robot's own clock of its steps (one process, one clock): what it did, when.
        Map<String, Long> verified = new ConcurrentHashMap<>();
        Map<String, Long> activated = new ConcurrentHashMap<>();
        Map<String, Long> committed = new ConcurrentHashMap<>();
        String releaseId = prepared.manifest().releaseId();
        try (EmbeddedBroker broker = EmbeddedBroker.start()) {
            long up0 = System.nanoTime();
            for (int i = 0; i < o.robots; i++) {
                String id = String.format("r%03d", i);
                SimulatedRobot sim = new SimulatedRobot(id, new SimulatedRobot.Options().period(o.tick), ticker);
                OtaAgent agent = new OtaAgent(new OtaAgent.Context().robotId(id).fleet("bench").policy("nav")
                        .stateDir(work.resolve(id)).keys(keys).endpoint(broker.endpoint()).host(sim).factoryBundle(factoryFile)
                        .threadFactory(Thread.ofVirtual().name("ota-" + id).factory())
                        .stepListener((step, rel) -> {
                            if (rel.equals(releaseId)) {
                                Map<String, Long> m = switch (step) {
                                    case VERIFIED -> verified;
                                    case ACTIVATED -> activated;
                                    case COMMITTED -> committed;
                                    default -> null;
                                };
                                if (m != null) {
                                    m.putIfAbsent(id, System.nanoTime());
                                }
                            }
                        }));
                sims.add(sim);
                agents.add(agent);
                agent.start();
                sim.start();
            }
            long deadline = System.nanoTime() + o.timeout.toNanos();
            while (agents.stream().anyMatch(a -> !a.snapshot().connected()) && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            double fleetUp = (System.nanoTime() - up0) / 1e9;
            o.log.accept(o.robots + " robots up and connected in " + String.format("%.1f", fleetUp) + " s");

            // What the trainer hears: commit reports arrive through the broker, behind the chunk traffic.
            Map<String, Long> reported = new ConcurrentHashMap<>();
            Map<String, String> failed = new ConcurrentHashMap<>();
            long[] t0 = new long[1];
            try (MqttLink link = new MqttLink(new MqttLink.Options().clientId("bench-trainer").endpoint(broker.endpoint())
                    .sessionExpiry(Duration.ZERO))) {
                FleetView fleet = new FleetView(link, "bench");
                fleet.onHealthReport(r -> {
                    if (!r.releaseId().equals(releaseId)) {
                        return;
                    }
                    long now = System.nanoTime();
                    if (r.event() == HealthReport.Event.COMMITTED) {
                        reported.putIfAbsent(r.robot(), now);
                    } else if (r.event() == HealthReport.Event.REFUSED || r.event() == HealthReport.Event.ROLLED_BACK) {
                        failed.putIfAbsent(r.robot(), r.event() + ": " + r.reason());
                    }
                });
                if (!link.startAndAwait(Duration.ofSeconds(30))) {
                    throw new IOException("the benchmark's trainer link did not connect to " + broker.uri());
                }
                try (ReleasePublisher publisher = new ReleasePublisher(link, signer, prepared)) {
                    t0[0] = System.nanoTime();
                    publisher.publishChunks();
                    publisher.publishManifest(prepared.manifest());
                    while (reported.size() + failed.size() < o.robots && System.nanoTime() < deadline) {
                        Thread.sleep(20);
                    }
                }
            }
            long chunkRequests = 0;
            long chunksReceived = 0;
            for (OtaAgent a : agents) {
                chunkRequests += a.snapshot().chunkRequests();
                chunksReceived += a.snapshot().chunksReceived();
            }
            closeAll(agents, sims);
            double[] ver = seconds(verified, t0[0]);
            double[] act = seconds(activated, t0[0]);
            double[] com = seconds(committed, t0[0]);
            double[] rep = seconds(reported, t0[0]);
            Map<String, String> reasons = new java.util.TreeMap<>(failed);
            for (SimulatedRobot s : sims) {
                if (!committed.containsKey(s.name()) && !reasons.containsKey(s.name())) {
                    reasons.put(s.name(), "no commit within " + o.timeout.toSeconds() + " s");
                }
            }
            return new Result(o.robots, release.length, prepared.chunks().size(), o.chunkBytes,
                    o.healthCheck.toMillis() / 1000.0, ver, act, com, rep, o.robots - committed.size(), reasons, fleetUp,
                    chunksReceived, chunkRequests);
        } finally {
            closeAll(agents, sims);
            ticker.shutdownNow();
            deleteTree(work);
        }
    }

    /** Closes agents (in parallel: each says goodbye to the broker) and robots; idempotent. */
    private static void closeAll(List<OtaAgent> agents, List<SimulatedRobot> sims) throws InterruptedException {
        try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (OtaAgent a : agents) {
                pool.execute(a::close);
            }
        }
        sims.forEach(SimulatedRobot::close);
    }

    private static double[] seconds(Map<String, Long> at, long t0) {
        double[] s = at.values().stream().mapToDouble(t -> (t - t0) / 1e9).toArray();
        Arrays.sort(s);
        return s;
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return Thread.ofPlatform().daemon().name(name + "-", 0).factory();
    }

    private static void deleteTree(Path root) {
        try (var s = Files.walk(root)) {
            s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    // leftovers in the temporary folder are harmless
                }
            });
        } catch (IOException e) {
            // as above
        }
    }
}

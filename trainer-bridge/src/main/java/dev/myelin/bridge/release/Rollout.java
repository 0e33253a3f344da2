package dev.myelin.bridge.release;

import dev.myelin.bridge.mqtt.MqttLink;
import dev.myelin.bridge.wire.FleetCommand;
import dev.myelin.bridge.wire.HealthReport;
import dev.myelin.bridge.wire.PayloadException;
import dev.myelin.bridge.wire.ReleaseKeys;
import dev.myelin.bridge.wire.ReleaseManifest;
import dev.myelin.bridge.wire.ReleaseSigner;
import dev.myelin.bridge.wire.RobotStatus;
import dev.myelin.bridge.wire.Topics;
import dev.myelin.policy.bundle.ReleaseVersion;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * A staged release of one bundle to one channel of a fleet, driven from the trainer side:
 * <ol>
 *   <li>learn the fleet (robots' retained status) and the channel's current release (its retained manifest,
 *       verified against the trusted release keys and the channel's topic: one that fails is reported and treated
 *       as absent, so a forged retained message cannot block a signed release); refuse a bundle that is not
 *       newer than a verified current release;</li>
 *   <li>publish the chunks and a manifest naming the canaries: {@code ceil(fraction × robots)} online robots
 *       running this policy, chosen by hashing release id and robot id (spread, and the same on a retry);</li>
 *   <li>wait for every canary to report {@code committed} (its own health check passed), or for any to report
 *       {@code refused} or {@code rolled-back}, or for the timeout;</li>
 *   <li>healthy: promote, i.e. publish the manifest fleet-wide; optionally wait for the fleet to commit;</li>
 *   <li>unhealthy: roll back automatically: publish the previous manifest again (or clear the channel when
 *       there was none), send each canary that took the release a signed rollback command naming the release
 *       it ran before, and remove the failed release's chunks from the broker.</li>
 * </ol>
 * With a canary fraction of 0 the release goes fleet-wide at once. One rollout at a time per link; call
 * {@link #run} from one thread.
 */
public final class Rollout {

    /** How the rollout went. */
    public enum Outcome {
        PROMOTED, ROLLED_BACK
    }

    /**
     * @param canaries         robots that got the release first (empty without a canary stage)
     * @param committed        robots that reported committing this release, with the time (ms since the start)
     * @param activated        robots that reported running it, with the time (ms since the start)
     * @param failed           robots that refused it or rolled it back, with their reason
     * @param fleetSize        robots of the fleet running this policy when the rollout began
     * @param reason           why it was rolled back ("" when promoted)
     */
    public record Result(Outcome outcome, String releaseId, List<String> canaries, Map<String, Long> activated,
                         Map<String, Long> committed, Map<String, String> failed, int fleetSize, String reason,
                         Duration elapsed) {
    }

    /** Settings. Required: fleet; the rest has defaults. */
    public static final class Options {
        String fleet;
        String channel = "stable";
        double canaryFraction = 0.1;
        int chunkBytes = PreparedRelease.DEFAULT_CHUNK_BYTES;
        Duration healthCheck = Duration.ofSeconds(10);
        Duration discovery = Duration.ofSeconds(2);
        Duration canaryTimeout = Duration.ofMinutes(5);
        Duration fleetTimeout = Duration.ZERO;
        Duration commandLifetime = Duration.ofHours(24);
        ReleaseManifest.Activation activation = ReleaseManifest.Activation.IMMEDIATE;
        Consumer<String> log = s -> { };
        ReleaseKeys trusted;

        public Options fleet(String f) {
            this.fleet = f;
            return this;
        }

        public Options channel(String c) {
            this.channel = c;
            return this;
        }

        /** Fraction of the fleet that gets the release first, in [0, 1]; 0 publishes fleet-wide at once. */
        public Options canaryFraction(double f) {
            this.canaryFraction = f;
            return this;
        }

        public Options chunkBytes(int n) {
            this.chunkBytes = n;
            return this;
        }

        /** How long each robot runs the new policy without a problem before committing it. */
        public Options healthCheck(Duration d) {
            this.healthCheck = d;
            return this;
        }

        /** How long to collect robots' retained status before choosing canaries. */
        public Options discovery(Duration d) {
            this.discovery = d;
            return this;
        }

        public Options canaryTimeout(Duration d) {
            this.canaryTimeout = d;
            return this;
        }

        /** After promotion, how long to wait for the whole fleet to commit (0: do not wait). */
        public Options fleetTimeout(Duration d) {
            this.fleetTimeout = d;
            return this;
        }

        public Options activation(ReleaseManifest.Activation a) {
            this.activation = a;
            return this;
        }

        /**
         * Keys the channel's current manifest may be signed with (default: the signer's own key). Add an
         * earlier release key here while rotating keys.
         */
        public Options trust(ReleaseKeys keys) {
            this.trusted = keys;
            return this;
        }

        /** Progress lines (default: none). */
        public Options log(Consumer<String> l) {
            this.log = l;
            return this;
        }

        void conclude() {
            Topics.name("fleet", fleet);
            Topics.name("channel", channel);
            if (!(canaryFraction >= 0 && canaryFraction <= 1)) {
                throw new IllegalArgumentException("canary fraction must be in [0, 1], got " + canaryFraction);
            }
            for (Duration d : new Duration[] {healthCheck, discovery, canaryTimeout, fleetTimeout, commandLifetime}) {
                if (d == null || d.isNegative()) {
                    throw new IllegalArgumentException("durations must be >= 0");
                }
            }
        }
    }

    private final MqttLink link;
    private final ReleaseSigner signer;
    private final Options options;
    private final ReleaseKeys trusted;

    public Rollout(MqttLink link, ReleaseSigner signer, Options options) {
        options.conclude();
        this.link = link;
        this.signer = signer;
        this.options = options;
        this.trusted = options.trusted != null ? options.trusted : ReleaseKeys.of(signer.publicKey());
    }

    /**
     * Releases {@code bundleBytes} (a bundle signed with the signer's key).
     *
     * @throws IllegalArgumentException when the bundle is refused, or is not newer than the channel's release
     * @throws IllegalStateException    when there are no robots to canary
     * @throws IOException              when the broker does not acknowledge the release
     */
    public Result run(byte[] bundleBytes) throws IOException, InterruptedException {
        long t0 = System.nanoTime();
        PreparedRelease release = PreparedRelease.of(bundleBytes, dev.myelin.policy.bundle.TrustedKeys.of(signer.publicKey()),
                options.fleet, options.channel, options.chunkBytes, options.healthCheck.toMillis(), options.activation);
        ReleaseManifest manifest = release.manifest();
        String policy = manifest.policy();
        String id = manifest.releaseId();

        Map<String, Long> activated = new ConcurrentHashMap<>();
        Map<String, Long> committed = new ConcurrentHashMap<>();
        Map<String, String> failed = new ConcurrentHashMap<>();
        Object signal = new Object();
        FleetView fleet = new FleetView(link, options.fleet);
        fleet.onHealthReport(r -> {
            if (!r.releaseId().equals(id)) {
                return;
            }
            long at = (System.nanoTime() - t0) / 1_000_000;
            switch (r.event()) {
                case ACTIVATED -> activated.putIfAbsent(r.robot(), at);
                case COMMITTED -> committed.putIfAbsent(r.robot(), at);
                case REFUSED, ROLLED_BACK -> failed.putIfAbsent(r.robot(), r.event().name().toLowerCase(java.util.Locale.ROOT)
                        .replace('_', '-') + ": " + r.reason());
                default -> {
                    return;
                }
            }
            synchronized (signal) {
                signal.notifyAll();
            }
        });
        AtomicReference<byte[]> previous = new AtomicReference<>();
        String manifestTopic = Topics.manifest(options.fleet, policy, options.channel);
        AtomicReference<byte[]> retained = new AtomicReference<>();
        link.subscribe(manifestTopic, 1, (t, p, r) -> {
            if (p.length > 0 && retained.get() == null) {
                retained.set(p);
            }
        });
        try {
            Thread.sleep(options.discovery.toMillis());
            link.unsubscribe(manifestTopic);
            ReleaseManifest current = verified(retained.get(), manifestTopic);
            if (current != null) {
                previous.set(retained.get());
            }
            if (current != null && !manifest.version().isNewerThan(current.version())) {
                throw new IllegalArgumentException(id + " is not newer than the channel's current release "
                        + current.releaseId() + "; release a higher version");
            }
            if (current != null && current.fileSha256().equals(manifest.fileSha256())) {
                throw new IllegalArgumentException(id + " is already the channel's release");
            }
            List<RobotStatus> robots = fleet.online(policy);
            List<String> canaries = chooseCanaries(robots, id);
            if (options.canaryFraction > 0 && canaries.isEmpty()) {
                throw new IllegalStateException("no robot of fleet " + options.fleet + " running " + policy
                        + " is online, so there is nothing to canary (a canary fraction of 0 publishes fleet-wide)");
            }
            options.log.accept("release " + id + ": " + release.chunks().size() + " chunks of up to " + options.chunkBytes
                    + " bytes; " + robots.size() + " robots online" + (current != null ? ", replacing " + current.releaseId() : ""));
            try (ReleasePublisher publisher = new ReleasePublisher(link, signer, release)) {
                publisher.publishChunks();
                if (canaries.isEmpty()) {
                    publisher.publishManifest(manifest.withStage(ReleaseManifest.Stage.FLEET, List.of(), System.currentTimeMillis()));
                    options.log.accept("published fleet-wide");
                } else {
                    publisher.publishManifest(manifest.withStage(ReleaseManifest.Stage.CANARY, canaries, System.currentTimeMillis()));
                    options.log.accept("canaries: " + String.join(", ", canaries));
                    String verdict = awaitCanaries(canaries, committed, failed, signal);
                    if (verdict != null) {
                        options.log.accept("canaries unhealthy (" + verdict + "): rolling back");
                        rollBack(publisher, manifest, previous.get(), canaries, robots, activated, committed);
                        return new Result(Outcome.ROLLED_BACK, id, canaries, Map.copyOf(activated), Map.copyOf(committed),
                                Map.copyOf(failed), robots.size(), verdict, Duration.ofNanos(System.nanoTime() - t0));
                    }
                    options.log.accept("canaries healthy: promoting to the fleet");
                    publisher.publishManifest(manifest.withStage(ReleaseManifest.Stage.FLEET, List.of(), System.currentTimeMillis()));
                }
                awaitFleet(robots, committed, failed, signal);
            }
            return new Result(Outcome.PROMOTED, id, canaries, Map.copyOf(activated), Map.copyOf(committed), Map.copyOf(failed),
                    robots.size(), "", Duration.ofNanos(System.nanoTime() - t0));
        } finally {
            link.unsubscribe(Topics.everyRobot(options.fleet, "status"));
            link.unsubscribe(Topics.everyRobot(options.fleet, "health"));
        }
    }

    private List<String> chooseCanaries(List<RobotStatus> robots, String releaseId) {
        if (options.canaryFraction == 0 || robots.isEmpty()) {
            return List.of();
        }
        int k = (int) Math.ceil(options.canaryFraction * robots.size());
        return robots.stream().map(RobotStatus::robot)
                .sorted(Comparator.comparing(r -> {
                    byte[] key = (releaseId + "/" + r).getBytes(StandardCharsets.UTF_8);
                    return HexFormat.of().formatHex(PreparedRelease.sha256(key, 0, key.length));
                }))
                .limit(k).sorted().toList();
    }

    /** Null when every canary committed, otherwise why the canary stage failed. */
    private String awaitCanaries(List<String> canaries, Map<String, Long> committed, Map<String, String> failed,
                                 Object signal) throws InterruptedException {
        long deadline = System.nanoTime() + options.canaryTimeout.toNanos();
        synchronized (signal) {
            while (true) {
                for (String c : canaries) {
                    String f = failed.get(c);
                    if (f != null) {
                        return c + " " + f;
                    }
                }
                if (committed.keySet().containsAll(canaries)) {
                    return null;
                }
                long left = (deadline - System.nanoTime()) / 1_000_000;
                if (left <= 0) {
                    List<String> silent = new ArrayList<>(canaries);
                    silent.removeAll(committed.keySet());
                    return "no commit from " + String.join(", ", silent) + " within " + options.canaryTimeout.toSeconds() + " s";
                }
                signal.wait(Math.min(left, 200));
            }
        }
    }

    private void awaitFleet(List<RobotStatus> robots, Map<String, Long> committed, Map<String, String> failed, Object signal)
            throws InterruptedException {
        if (options.fleetTimeout.isZero()) {
            return;
        }
        long deadline = System.nanoTime() + options.fleetTimeout.toNanos();
        synchronized (signal) {
            while (System.nanoTime() < deadline) {
                long done = robots.stream().filter(r -> committed.containsKey(r.robot()) || failed.containsKey(r.robot())).count();
                if (done == robots.size()) {
                    break;
                }
                signal.wait(200);
            }
        }
        options.log.accept(committed.size() + " of " + robots.size() + " robots committed, " + failed.size() + " failed");
    }

    private void rollBack(ReleasePublisher publisher, ReleaseManifest manifest, byte[] previousPayload, List<String> canaries,
                          List<RobotStatus> robots, Map<String, Long> activated, Map<String, Long> committed) throws IOException {
        if (previousPayload != null) {
            publisher.publishManifestPayload(manifest, previousPayload);
        } else {
            link.publishAndWait(Topics.manifest(manifest.fleet(), manifest.policy(), manifest.channel()), new byte[0], 1, true,
                    Duration.ofSeconds(15));
        }
        Map<String, RobotStatus> before = new LinkedHashMap<>();
        robots.forEach(r -> before.put(r.robot(), r));
        long now = System.currentTimeMillis();
        for (String c : canaries) {
            if (!activated.containsKey(c) && !committed.containsKey(c)) {
                continue; // never ran it (refused, or still downloading: the manifest change stops it)
            }
            RobotStatus s = before.get(c);
            FleetCommand cmd = new FleetCommand(UUID.randomUUID().toString(), manifest.fleet(), c, FleetCommand.Action.ROLLBACK,
                    manifest.policy(), ReleaseVersion.parse(s.version()), s.fileSha256(), now,
                    now + options.commandLifetime.toMillis());
            if (!link.publishAndWait(Topics.command(manifest.fleet(), c), cmd.seal(signer), 1, false, Duration.ofSeconds(15))) {
                throw new IOException("rollback command to " + c + " was not acknowledged by the broker");
            }
            options.log.accept("sent rollback to " + s.version() + " to " + c);
        }
        publisher.clearChunks();
    }

    /**
     * The channel's current manifest if its signature verifies against a trusted key and it belongs on
     * {@code topic}; null when there is none, or when it fails (reported, and treated as absent: a signed
     * release then replaces it).
     */
    private ReleaseManifest verified(byte[] payload, String topic) {
        if (payload == null) {
            return null;
        }
        try {
            ReleaseManifest m = ReleaseManifest.open(payload, trusted);
            if (!topic.equals(Topics.manifest(m.fleet(), m.policy(), m.channel()))) {
                throw new PayloadException("manifest.channel", "names " + m.fleet() + "/" + m.policy() + "/" + m.channel()
                        + " but was retained on " + topic);
            }
            return m;
        } catch (PayloadException e) {
            options.log.accept("the retained manifest on " + topic + " is not a verified release (" + e.getMessage()
                    + "); treating the channel as having none");
            return null;
        }
    }
}

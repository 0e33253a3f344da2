package dev.myelin.bridge.ota;

import dev.myelin.bridge.mqtt.BrokerEndpoint;
import dev.myelin.bridge.mqtt.MqttLink;
import dev.myelin.bridge.wire.ChunkMessage;
import dev.myelin.bridge.wire.ChunkRequest;
import dev.myelin.bridge.wire.FleetCommand;
import dev.myelin.bridge.wire.HealthReport;
import dev.myelin.bridge.wire.PayloadException;
import dev.myelin.bridge.wire.RefusalLog;
import dev.myelin.bridge.wire.ReleaseKeys;
import dev.myelin.bridge.wire.ReleaseManifest;
import dev.myelin.bridge.wire.RobotStatus;
import dev.myelin.bridge.wire.Topics;
import dev.myelin.policy.bundle.BundleFormatException;
import dev.myelin.policy.bundle.BundleReader;
import dev.myelin.policy.bundle.PolicyBundle;
import dev.myelin.policy.bundle.ReleaseVersion;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.common.MqttException;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The robot's over-the-air update agent for one policy. It follows the signed release manifest of its fleet,
 * policy and channel; downloads the release's chunks (checking each against the manifest, re-requesting
 * missing or corrupted ones, resuming a partial download after a disconnect or a restart); verifies the
 * assembled bundle (SHA-256 digest and Ed25519 signature against the trusted release keys, name and version
 * against the manifest); refuses downgrades unless a signed rollback command allows them; stages the bundle
 * into the free A/B slot atomically; hands it to the {@link ActivationTarget} to switch on a tick boundary; runs
 * the health check (the manifest's duration without safety interventions, NaN actions or deadline misses);
 * then commits it or switches back to the last good slot, and reports every outcome on the health topic.
 *
 * <p>Every step is recorded in {@link OtaState} with an atomic file replacement before the next begins, so a
 * restart at any point boots the committed policy, drops a candidate that was on trial (reporting it rolled
 * back), and repeats whatever step was interrupted. Every step is idempotent: retained manifests delivered
 * again, chunks delivered twice, commands replayed, all leave the state as it was.
 *
 * <p>Threading: all work runs on the agent's own thread; MQTT callbacks and the host's completions only
 * hand work to it. {@link #start()}, {@link #close()} and {@link #snapshot()} may be called from any thread.
 */
public final class OtaAgent implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(OtaAgent.class.getName());

    /** The steps of an update, reported to a {@link StepListener} (tests and demos observe them). */
    public enum Step {
        /** Recovery finished; the committed policy runs. */
        BOOTED,
        /** A manifest for this robot passed verification and the version rule; a download begins or resumes. */
        DOWNLOAD_STARTED,
        /** The bundle was assembled and verified (digest, signature, name, version). */
        VERIFIED,
        /** The slot's temporary copy is durable; the rename into place comes next. */
        STAGE_TEMP_WRITTEN,
        /** The bundle is in its slot and recorded as the staged candidate. */
        STAGED,
        /** The host switched to the candidate; its health check runs. */
        ACTIVATED,
        /** The health check passed; the commit record is about to be written. */
        COMMITTING,
        /** The candidate is the committed policy. */
        COMMITTED,
        /** The candidate was taken out and the last good policy runs. */
        ROLLED_BACK,
        /** A release was refused (verification, version rule, the host could not run it). */
        REFUSED
    }

    /** Observes steps on the agent thread; it may block (fault tests stop the process there). */
    @FunctionalInterface
    public interface StepListener {
        void onStep(Step step, String releaseId);
    }

    /** What the agent is doing and has seen; published after each change. Immutable. */
    public record Snapshot(String committedRelease, ReleaseVersion committedVersion, String committedSha256,
                           String activity, boolean connected, int chunksHave, int chunksTotal, long chunksReceived,
                           long chunksCorrupt, long chunkRequests, long payloadsRefused, long releasesRefused,
                           long rollbacks, long commits, String lastProblem, Map<String, Long> refusals) {
    }

    /** Configuration. Required: robot id, fleet, policy, state folder, keys, endpoint, host. */
    public static final class Context {
        String robotId;
        String fleet;
        String channel = "stable";
        String policy;
        Path stateDir;
        ReleaseKeys keys;
        BrokerEndpoint endpoint;
        ActivationTarget host;
        Path factoryBundle;
        int chunkWindow = 32;
        Duration chunkRetry = Duration.ofSeconds(5);
        Duration maxChunkRetry = Duration.ofSeconds(30);
        Duration healthPoll = Duration.ofMillis(50);
        Duration swapTimeout = Duration.ofSeconds(10);
        Duration reportInterval = Duration.ofSeconds(10);
        Duration refusalSummary = RefusalLog.DEFAULT_INTERVAL;
        Duration rollbackHealthCheck = Duration.ZERO;
        long minHealthTicks = 1;
        StepListener stepListener = (s, r) -> { };
        ThreadFactory threadFactory;

        public Context robotId(String id) {
            this.robotId = id;
            return this;
        }

        public Context fleet(String f) {
            this.fleet = f;
            return this;
        }

        /** Release channel followed (default {@code stable}). */
        public Context channel(String c) {
            this.channel = c;
            return this;
        }

        /** Policy (bundle) name this agent updates. */
        public Context policy(String p) {
            this.policy = p;
            return this;
        }

        /** Folder for slots, state and partial downloads; survives restarts. */
        public Context stateDir(Path d) {
            this.stateDir = d;
            return this;
        }

        public Context keys(ReleaseKeys k) {
            this.keys = k;
            return this;
        }

        public Context endpoint(BrokerEndpoint e) {
            this.endpoint = e;
            return this;
        }

        public Context host(ActivationTarget h) {
            this.host = h;
            return this;
        }

        /** Bundle installed on first boot, when the state folder holds no committed policy yet. */
        public Context factoryBundle(Path p) {
            this.factoryBundle = p;
            return this;
        }

        /** Chunks subscribed at once (flow control). */
        public Context chunkWindow(int n) {
            this.chunkWindow = n;
            return this;
        }

        /** Silence after which missing chunks are requested again (default 5 s); doubles up to {@code max} (30 s). */
        public Context chunkRetry(Duration first, Duration max) {
            this.chunkRetry = first;
            this.maxChunkRetry = max;
            return this;
        }

        public Context swapTimeout(Duration d) {
            this.swapTimeout = d;
            return this;
        }

        /** Interval of periodic health reports of the running policy. */
        public Context reportInterval(Duration d) {
            this.reportInterval = d;
            return this;
        }

        /**
         * Refused input is logged the first time per cause, then summarised at most once per this interval
         * (default 10 s); the robot's status carries the counts, republished at most once per interval.
         */
        public Context refusalSummary(Duration d) {
            this.refusalSummary = d;
            return this;
        }

        /** Health check length after a rollback command switched back to an older release (default 0). */
        public Context rollbackHealthCheck(Duration d) {
            this.rollbackHealthCheck = d;
            return this;
        }

        /** Ticks a candidate must run, on top of the health check's duration, before it can be committed. */
        public Context minHealthTicks(long n) {
            this.minHealthTicks = n;
            return this;
        }

        public Context stepListener(StepListener l) {
            this.stepListener = l;
            return this;
        }

        /** Thread factory for the agent thread (default: a daemon platform thread). */
        public Context threadFactory(ThreadFactory f) {
            this.threadFactory = f;
            return this;
        }

        void conclude() {
            Topics.name("robot id", robotId);
            Topics.name("fleet", fleet);
            Topics.name("channel", channel);
            Topics.name("policy", policy);
            require(stateDir, "state folder");
            require(keys, "release keys");
            require(endpoint, "broker endpoint");
            require(host, "policy host");
            require(stepListener, "step listener");
            if (chunkWindow < 1 || chunkWindow > 1024) {
                throw new IllegalArgumentException("chunk window must be 1..1024, got " + chunkWindow);
            }
            for (Duration d : new Duration[] {chunkRetry, maxChunkRetry, healthPoll, swapTimeout, reportInterval}) {
                if (d == null || d.isNegative() || d.isZero()) {
                    throw new IllegalArgumentException("durations must be positive");
                }
            }
            if (rollbackHealthCheck == null || rollbackHealthCheck.isNegative() || minHealthTicks < 0) {
                throw new IllegalArgumentException("rollback health check and minimum ticks must be >= 0");
            }
        }

        private static void require(Object o, String what) {
            if (o == null) {
                throw new IllegalArgumentException(what + " is missing");
            }
        }
    }

    private final Context ctx;
    private final SlotStore store;
    private final BundleReader reader;
    private final ScheduledThreadPoolExecutor exec;
    private final MqttLink link;
    private final MessageDigest sha256;
    private final ArrayDeque<HealthReport> pendingReports = new ArrayDeque<>();
    /** Reports handed to the client and not yet acknowledged by the broker; sent again after a reconnect. */
    private final List<SentReport> sentReports = new ArrayList<>();
    private final Set<String> approvedActivations = new HashSet<>();

    // Agent-thread state.
    private OtaState state;
    private ActivationTarget.Prepared committedPrepared;
    private ReleaseManifest latestManifest;
    private Download download;
    private Trial trial;
    private HealthCounters lastReportCounters = HealthCounters.ZERO;
    private long chunksReceived;
    private long chunksCorrupt;
    private long chunkRequests;
    private long payloadsRefused;
    private final RefusalLog refusals;
    private long refusalsInStatus;
    private long refusalsStatusAt;
    private long releasesRefused;
    private long rollbacks;
    private long commits;
    private String lastProblem = "";
    private volatile Snapshot snapshot;
    private volatile boolean closed;

    public OtaAgent(Context ctx) throws IOException {
        ctx.conclude();
        this.ctx = ctx;
        this.store = new SlotStore(ctx.stateDir);
        this.reader = BundleReader.of(ctx.keys.bundleKeys());
        this.refusals = new RefusalLog(LOG, ctx.robotId + ": ", ctx.refusalSummary);
        ThreadFactory tf = ctx.threadFactory != null ? ctx.threadFactory : r -> {
            Thread t = new Thread(r, "ota-agent-" + ctx.robotId);
            t.setDaemon(true);
            return t;
        };
        this.exec = new ScheduledThreadPoolExecutor(1, tf);
        exec.setRemoveOnCancelPolicy(true);
        try {
            this.sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JDK has no SHA-256", e);
        }
        MqttLink.Options o = new MqttLink.Options().clientId("myelin-robot-" + ctx.fleet + "-" + ctx.robotId)
                .endpoint(ctx.endpoint)
                .will(Topics.status(ctx.fleet, ctx.robotId), RobotStatus.offline(ctx.robotId, ctx.fleet).toBytes(), true);
        this.link = new MqttLink(o);
    }

    /**
     * Recovers from the state folder and makes the host run the committed policy (installing the factory
     * bundle on first boot), then connects to the broker in the background. Returns once a valid, verified
     * policy runs.
     *
     * @throws IOException when the state folder cannot be read or written, or no valid policy can be found
     */
    public void start() throws IOException {
        try {
            exec.submit(() -> {
                recover();
                return null;
            }).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while recovering", e);
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            throw c instanceof IOException io ? io : new IOException("recovery failed: " + c.getMessage(), c);
        }
        link.subscribe(Topics.manifest(ctx.fleet, ctx.policy, ctx.channel), 1,
                (t, p, r) -> exec.execute(() -> onManifest(p)));
        link.subscribe(Topics.command(ctx.fleet, ctx.robotId), 1, (t, p, r) -> exec.execute(() -> onCommand(p)));
        link.onConnected(() -> exec.execute(this::onConnected));
        long poll = ctx.healthPoll.toMillis();
        exec.scheduleWithFixedDelay(guard(this::pollHealth), poll, poll, TimeUnit.MILLISECONDS);
        exec.scheduleWithFixedDelay(guard(this::checkDownloadProgress), 250, 250, TimeUnit.MILLISECONDS);
        exec.scheduleWithFixedDelay(guard(this::flushRefusals), 1, 1, TimeUnit.SECONDS);
        long report = ctx.reportInterval.toMillis();
        exec.scheduleWithFixedDelay(guard(this::periodicReport), report, report, TimeUnit.MILLISECONDS);
        link.start();
    }

    /** The agent's MQTT connection, which the controller may share (experience upload). */
    public MqttLink link() {
        return link;
    }

    /** What the agent is doing; {@code connected} is read live. Any thread. */
    public Snapshot snapshot() {
        Snapshot s = snapshot;
        return s == null ? null : new Snapshot(s.committedRelease(), s.committedVersion(), s.committedSha256(), s.activity(),
                link.isConnected(), s.chunksHave(), s.chunksTotal(), s.chunksReceived(), s.chunksCorrupt(), s.chunkRequests(),
                s.payloadsRefused(), s.releasesRefused(), s.rollbacks(), s.commits(), s.lastProblem(), s.refusals());
    }

    /**
     * The agent's figures as diagnostics key/value pairs: {@code ota.activity}, {@code ota.committed},
     * {@code ota.refused} (every cause) and {@code ota.refused.<cause>}. Any thread.
     */
    public Map<String, String> diagnostics() {
        Snapshot s = snapshot();
        Map<String, String> v = new java.util.LinkedHashMap<>();
        v.put("ota.activity", s == null ? "booting" : s.activity());
        v.put("ota.committed", s == null || s.committedRelease() == null ? "none" : s.committedRelease());
        v.put("ota.connected", Boolean.toString(link.isConnected()));
        v.put("ota.refused", Long.toString(refusals.total()));
        refusals.counts().forEach((cause, n) -> v.put("ota.refused." + cause, Long.toString(n)));
        return v;
    }

    /** The durable state as last written. Any thread (a copy of an immutable value). */
    public OtaState state() {
        try {
            return exec.submit(() -> state).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
    }

    private Runnable guard(Runnable r) {
        return () -> {
            try {
                r.run();
            } catch (RuntimeException e) {
                LOG.log(Level.ERROR, ctx.robotId + ": update agent task failed", e);
                lastProblem = String.valueOf(e.getMessage());
            }
        };
    }

    // ---- recovery ------------------------------------------------------------------------------

    private void recover() throws IOException {
        int removed = store.removeTemporaries();
        if (removed > 0) {
            LOG.log(Level.INFO, ctx.robotId + ": removed " + removed + " temporary file(s) an interrupted write left behind");
        }
        OtaState s;
        try {
            s = store.load();
        } catch (PayloadException e) {
            throw new IOException("update state in " + ctx.stateDir + " is unreadable (" + e.getMessage()
                    + "); refusing to guess which slot is good", e);
        }
        if (s == null) {
            s = installFactory();
        } else if (!s.policy().equals(ctx.policy)) {
            throw new IOException("state folder " + ctx.stateDir + " belongs to policy '" + s.policy() + "', not '"
                    + ctx.policy + "'");
        }
        if (s.candidate() != null && s.candidate().phase() == OtaState.Phase.TRIAL) {
            // Restarted while a candidate ran uncommitted: the last good slot comes back (A/B rule).
            OtaState.SlotRecord rec = s.candidateRecord();
            s = s.dropCandidate();
            store.save(s);
            rollbacks++;
            queueReport(HealthReport.Event.ROLLED_BACK, rec, "restarted before the health check committed it",
                    HealthCounters.ZERO);
            LOG.log(Level.WARNING, ctx.robotId + ": " + rec.releaseId() + " was on trial at restart; back to "
                    + s.committedRecord().releaseId());
            step(Step.ROLLED_BACK, rec.releaseId());
        }
        state = s;
        PolicyBundle bundle = readSlot(s.committed(), s.committedRecord());
        ActivationTarget.Prepared prepared;
        try {
            prepared = ctx.host.prepare(bundle);
            ctx.host.activate(prepared).get(ctx.swapTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ActivationRefusedException | ExecutionException | TimeoutException e) {
            throw new IOException("the host cannot run the committed policy " + s.committedRecord().releaseId() + ": "
                    + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while activating the committed policy", e);
        }
        committedPrepared = prepared;
        lastReportCounters = ctx.host.health();
        publishSnapshot();
        step(Step.BOOTED, s.committedRecord().releaseId());
    }

    private OtaState installFactory() throws IOException {
        if (ctx.factoryBundle == null) {
            throw new IOException("no committed policy in " + ctx.stateDir + " and no factory bundle configured");
        }
        byte[] bytes = Files.readAllBytes(ctx.factoryBundle);
        PolicyBundle b;
        try {
            b = reader.read(bytes);
        } catch (BundleFormatException e) {
            throw new IOException("factory bundle " + ctx.factoryBundle + " is refused: " + e.getMessage(), e);
        }
        if (!b.name().equals(ctx.policy)) {
            throw new IOException("factory bundle " + ctx.factoryBundle + " is policy '" + b.name() + "', not '"
                    + ctx.policy + "'");
        }
        String sha = hex(sha256(bytes, 0, bytes.length));
        OtaState.SlotRecord rec = new OtaState.SlotRecord(ReleaseManifest.releaseId(b.name(), b.version(), sha),
                b.version(), sha, b.digest(), bytes.length);
        store.writeSlot(OtaState.Slot.A, bytes, null);
        OtaState s = OtaState.initial(ctx.policy, rec);
        store.save(s);
        LOG.log(Level.INFO, ctx.robotId + ": installed factory bundle " + rec.releaseId() + " in slot A");
        return s;
    }

    /** Reads and verifies a slot against its record; IOException when it does not match. */
    private PolicyBundle readSlot(OtaState.Slot slot, OtaState.SlotRecord rec) throws IOException {
        byte[] bytes = Files.readAllBytes(store.slotFile(slot));
        String sha = hex(sha256(bytes, 0, bytes.length));
        if (!sha.equals(rec.fileSha256())) {
            throw new IOException("slot " + slot + " does not hold " + rec.releaseId() + " (SHA-256 " + sha + ")");
        }
        try {
            return reader.read(bytes);
        } catch (BundleFormatException e) {
            throw new IOException("slot " + slot + " (" + rec.releaseId() + ") is refused: " + e.getMessage(), e);
        }
    }

    // ---- MQTT inputs --------------------------------------------------------------------------

    private record SentReport(HealthReport report, IMqttToken token) {
        boolean acknowledged() {
            return token.isComplete() && token.getException() == null;
        }
    }

    private void onConnected() {
        publishStatus();
        // Reports in flight when the connection dropped go out again (the trainer keeps the first of each).
        for (int i = sentReports.size() - 1; i >= 0; i--) {
            if (!sentReports.get(i).acknowledged()) {
                pendingReports.addFirst(sentReports.get(i).report());
            }
        }
        sentReports.clear();
        while (!pendingReports.isEmpty()) {
            if (!sendReport(pendingReports.peekFirst())) {
                break;
            }
            pendingReports.pollFirst();
        }
        publishSnapshot();
    }

    private void onManifest(byte[] payload) {
        if (closed) {
            return;
        }
        if (payload.length == 0) {
            latestManifest = null; // the retained manifest was cleared
            return;
        }
        ReleaseManifest m;
        try {
            m = ReleaseManifest.open(payload, ctx.keys);
        } catch (PayloadException e) {
            refusePayload("manifest", e);
            return;
        }
        if (!m.fleet().equals(ctx.fleet) || !m.policy().equals(ctx.policy) || !m.channel().equals(ctx.channel)) {
            refusePayload("manifest", new PayloadException("manifest", "is for fleet " + m.fleet() + ", policy "
                    + m.policy() + ", channel " + m.channel() + "; this agent follows " + ctx.fleet + "/" + ctx.policy + "/"
                    + ctx.channel));
            return;
        }
        latestManifest = m;
        evaluate();
    }

    /** Counts and logs (rate-limited, see {@link RefusalLog}) a refused payload; {@code what} names the topic kind. */
    private void refusePayload(String what, PayloadException e) {
        payloadsRefused++;
        lastProblem = what + " refused: " + e.getMessage();
        refusals.refuse(what + ":" + e.field(), lastProblem);
        publishSnapshot();
    }

    /** Writes a due refusal summary; republishes the status (with the counts) at most once per summary interval. */
    private void flushRefusals() {
        refusals.flush();
        long total = refusals.total();
        long now = System.nanoTime();
        if (total != refusalsInStatus && now - refusalsStatusAt >= ctx.refusalSummary.toNanos()) {
            refusalsInStatus = total;
            refusalsStatusAt = now;
            publishStatus();
        }
    }

    /** Decides what the latest manifest asks of this robot now. Idempotent. */
    private void evaluate() {
        ReleaseManifest m = latestManifest;
        if (m == null || state.paused() || trial != null || !m.targets(ctx.robotId)) {
            return;
        }
        OtaState.SlotRecord committed = state.committedRecord();
        if (m.fileSha256().equals(committed.fileSha256())) {
            abandonDownload(true);
            return;
        }
        if (download != null) {
            if (download.m.fileSha256().equals(m.fileSha256())) {
                download.m = m; // same release, possibly reissued for another stage
                return;
            }
            abandonDownload(true);
        }
        if (state.failed().contains(m.fileSha256())) {
            return;
        }
        OtaState.SlotRecord cand = state.candidateRecord();
        if (cand != null && cand.fileSha256().equals(m.fileSha256())) {
            if (m.activation() == ReleaseManifest.Activation.IMMEDIATE || approvedActivations.contains(m.fileSha256())) {
                activateCandidate(null);
            }
            return;
        }
        String downgrade = versionRule(m.version(), m.fileSha256());
        if (downgrade != null) {
            refuseRelease(m.releaseId(), m.version(), m.fileSha256(), downgrade);
            return;
        }
        try {
            startDownload(m);
        } catch (IOException e) {
            lastProblem = "cannot start the download of " + m.releaseId() + ": " + e.getMessage();
            LOG.log(Level.ERROR, ctx.robotId + ": " + lastProblem);
            abandonDownload(false);
        }
        publishSnapshot();
    }

    /** Null when {@code version} may replace the committed policy, otherwise why not. */
    private String versionRule(ReleaseVersion version, String fileSha256) {
        OtaState.SlotRecord committed = state.committedRecord();
        if (version.isNewerThan(committed.version()) || state.allowedDowngrades().contains(fileSha256)) {
            return null;
        }
        if (version.equals(committed.version())) {
            return "version " + version + " is already installed with different content (" + committed.fileSha256()
                    .substring(0, 12) + "); a release must raise the version";
        }
        return "downgrade from " + committed.version() + " to " + version + " refused (only a signed rollback command allows it)";
    }

    // ---- download -----------------------------------------------------------------------------

    private final class Download {
        ReleaseManifest m;
        final Path file;
        final FileChannel channel;
        final BitSet have;
        final Set<Integer> subscribed = new HashSet<>();
        long lastProgressNanos = System.nanoTime();
        long retryMillis = ctx.chunkRetry.toMillis();

        Download(ReleaseManifest m, Path file, FileChannel channel, BitSet have) {
            this.m = m;
            this.file = file;
            this.channel = channel;
            this.have = have;
        }

        boolean complete() {
            return have.cardinality() == m.chunkCount();
        }
    }

    private void startDownload(ReleaseManifest m) throws IOException {
        Path file = store.downloadDir().resolve(m.fileSha256() + ".part");
        try (DirectoryStream<Path> s = Files.newDirectoryStream(store.downloadDir())) {
            for (Path p : s) {
                if (!p.equals(file)) {
                    Files.deleteIfExists(p); // parts of superseded releases
                }
            }
        }
        FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        BitSet have = new BitSet(m.chunkCount());
        if (ch.size() == m.bundleBytes()) {
            // Resume: a chunk counts as present only if its bytes on disk still hash to the manifest's value,
            // which also catches chunks a power loss left half-written.
            byte[] buf = new byte[m.chunkBytes()];
            for (int i = 0; i < m.chunkCount(); i++) {
                int len = m.chunkLength(i);
                ByteBuffer b = ByteBuffer.wrap(buf, 0, len);
                long pos = (long) i * m.chunkBytes();
                while (b.hasRemaining() && ch.read(b, pos + b.position()) > 0) {
                    // fill the chunk
                }
                if (hex(sha256(buf, 0, len)).equals(m.chunkSha256().get(i))) {
                    have.set(i);
                }
            }
        } else {
            ch.truncate(0);
            ch.write(ByteBuffer.wrap(new byte[1]), m.bundleBytes() - 1);
        }
        download = new Download(m, file, ch, have);
        LOG.log(Level.INFO, ctx.robotId + ": downloading " + m.releaseId() + " (" + m.bundleBytes() + " bytes, "
                + m.chunkCount() + " chunks" + (have.isEmpty() ? "" : ", " + have.cardinality() + " already on disk") + ")");
        step(Step.DOWNLOAD_STARTED, m.releaseId());
        publishStatus();
        if (download != null && download.complete()) {
            finishDownload();
        } else if (download != null) {
            fillWindow();
        }
    }

    /** Subscribes to missing chunks, at most {@code chunkWindow} at once; each subscribe delivers the retained chunk. */
    private void fillWindow() {
        Download d = download;
        for (int i = d.have.nextClearBit(0); i < d.m.chunkCount() && d.subscribed.size() < ctx.chunkWindow;
             i = d.have.nextClearBit(i + 1)) {
            if (d.subscribed.add(i)) {
                String topic = Topics.chunk(ctx.fleet, d.m.releaseId(), i);
                link.subscribe(topic, 1, (t, p, r) -> exec.execute(() -> onChunk(p)));
            }
        }
    }

    private void onChunk(byte[] payload) {
        Download d = download;
        if (d == null || closed) {
            return;
        }
        ChunkMessage.Chunk c;
        try {
            c = ChunkMessage.decode(payload);
        } catch (PayloadException e) {
            refusePayload("chunk", e);
            return;
        }
        if (!c.fileSha256().equals(d.m.fileSha256())) {
            return; // a chunk of another release (late delivery after a switch)
        }
        int i = c.index();
        if (c.count() != d.m.chunkCount() || c.length() != d.m.chunkLength(i)
                || !hex(sha256(c.payload(), c.offset(), c.length())).equals(d.m.chunkSha256().get(i))) {
            chunksCorrupt++;
            lastProblem = "chunk " + i + " of " + d.m.releaseId() + " does not match the manifest (corrupted); requested again";
            refusals.refuse("chunk:chunk_sha256", lastProblem);
            requestChunks(d, new int[] {i});
            publishSnapshot();
            return;
        }
        if (d.have.get(i)) {
            return;
        }
        try {
            ByteBuffer b = c.data();
            long pos = (long) i * d.m.chunkBytes();
            while (b.hasRemaining()) {
                d.channel.write(b, pos + b.position());
            }
        } catch (IOException e) {
            lastProblem = "cannot write chunk " + i + ": " + e.getMessage();
            LOG.log(Level.ERROR, ctx.robotId + ": " + lastProblem);
            return;
        }
        d.have.set(i);
        chunksReceived++;
        d.lastProgressNanos = System.nanoTime();
        d.retryMillis = ctx.chunkRetry.toMillis();
        if (d.subscribed.remove(i)) {
            link.unsubscribe(Topics.chunk(ctx.fleet, d.m.releaseId(), i));
        }
        if (d.complete()) {
            finishDownload();
        } else {
            fillWindow();
        }
        publishSnapshot();
    }

    /**
     * Asks the publisher for the missing chunks again when none arrived for a while (the broker lost its
     * retained copies, or holds a corrupted one). Live subscriptions deliver what is republished; after a
     * reconnect the link subscribes again by itself, which makes the broker resend what it still retains.
     */
    private void checkDownloadProgress() {
        Download d = download;
        if (d == null || !link.isConnected()) {
            return;
        }
        if ((System.nanoTime() - d.lastProgressNanos) / 1_000_000 < d.retryMillis) {
            return;
        }
        int[] missing = d.have.nextClearBit(0) >= d.m.chunkCount() ? new int[0]
                : java.util.stream.IntStream.range(0, d.m.chunkCount()).filter(i -> !d.have.get(i))
                .limit(ChunkRequest.MAX_CHUNKS).toArray();
        requestChunks(d, missing);
        d.lastProgressNanos = System.nanoTime();
        d.retryMillis = Math.min(d.retryMillis * 2, ctx.maxChunkRetry.toMillis());
    }

    private void requestChunks(Download d, int[] chunks) {
        if (chunks.length == 0) {
            return;
        }
        chunkRequests++;
        try {
            link.publish(Topics.chunkRequest(ctx.fleet, ctx.robotId),
                    new ChunkRequest(ctx.robotId, d.m.releaseId(), chunks).toBytes(), 1, false);
        } catch (MqttException e) {
            LOG.log(Level.DEBUG, ctx.robotId + ": chunk request not sent: " + e.getMessage());
        }
    }

    private void abandonDownload(boolean deletePart) {
        Download d = download;
        if (d == null) {
            return;
        }
        download = null;
        for (int i : d.subscribed) {
            link.unsubscribe(Topics.chunk(ctx.fleet, d.m.releaseId(), i));
        }
        try {
            d.channel.close();
            if (deletePart) {
                Files.deleteIfExists(d.file);
            }
        } catch (IOException e) {
            LOG.log(Level.DEBUG, ctx.robotId + ": closing partial download: " + e.getMessage());
        }
    }

    private void finishDownload() {
        Download d = download;
        ReleaseManifest m = d.m;
        byte[] bytes;
        try {
            d.channel.force(true);
            bytes = new byte[Math.toIntExact(m.bundleBytes())];
            ByteBuffer b = ByteBuffer.wrap(bytes);
            while (b.hasRemaining() && d.channel.read(b, b.position()) > 0) {
                // read the assembled file
            }
        } catch (IOException | ArithmeticException e) {
            lastProblem = "cannot read the assembled download: " + e.getMessage();
            LOG.log(Level.ERROR, ctx.robotId + ": " + lastProblem);
            abandonDownload(true);
            return;
        }
        abandonDownload(false);
        String fileSha = hex(sha256(bytes, 0, bytes.length));
        if (!fileSha.equals(m.fileSha256())) {
            deleteQuietly(d.file);
            refuseRelease(m.releaseId(), m.version(), m.fileSha256(), "assembled file's SHA-256 " + fileSha
                    + " differs from the manifest's");
            return;
        }
        PolicyBundle bundle;
        try {
            bundle = reader.read(bytes);
        } catch (BundleFormatException e) {
            deleteQuietly(d.file);
            refuseRelease(m.releaseId(), m.version(), m.fileSha256(), "bundle refused: " + e.getMessage());
            return;
        }
        String mismatch = !bundle.name().equals(m.policy()) ? "bundle is policy '" + bundle.name() + "', manifest says '"
                + m.policy() + "'"
                : !bundle.version().equals(m.version()) ? "bundle is version " + bundle.version() + ", manifest says "
                + m.version()
                : !bundle.digest().equals(m.bundleDigest()) ? "bundle digest differs from the manifest's" : null;
        if (mismatch == null) {
            mismatch = versionRule(bundle.version(), m.fileSha256());
        }
        if (mismatch != null) {
            deleteQuietly(d.file);
            refuseRelease(m.releaseId(), m.version(), m.fileSha256(), mismatch);
            return;
        }
        step(Step.VERIFIED, m.releaseId());
        try {
            stage(m, bundle, bytes);
        } catch (IOException e) {
            lastProblem = "cannot stage " + m.releaseId() + ": " + e.getMessage();
            LOG.log(Level.ERROR, ctx.robotId + ": " + lastProblem);
            return;
        }
        deleteQuietly(d.file);
    }

    private void refuseRelease(String releaseId, ReleaseVersion version, String sha, String reason) {
        releasesRefused++;
        lastProblem = releaseId + " refused: " + reason;
        refusals.refuse("release", lastProblem);
        try {
            state = state.withFailed(sha);
            store.save(state);
        } catch (IOException e) {
            LOG.log(Level.ERROR, ctx.robotId + ": cannot record the refusal: " + e.getMessage());
        }
        report(HealthReport.Event.REFUSED, releaseId, version, sha, reason, HealthCounters.ZERO);
        step(Step.REFUSED, releaseId);
        publishStatus();
    }

    // ---- staging, activation, health check, commit ------------------------------------------

    private void stage(ReleaseManifest m, PolicyBundle bundle, byte[] bytes) throws IOException {
        OtaState.Slot slot = state.committed().other();
        store.writeSlot(slot, bytes, () -> step(Step.STAGE_TEMP_WRITTEN, m.releaseId()));
        OtaState.SlotRecord rec = new OtaState.SlotRecord(m.releaseId(), m.version(), m.fileSha256(), bundle.digest(),
                bytes.length);
        state = state.withStaged(slot, rec, m.healthCheckMillis());
        store.save(state);
        step(Step.STAGED, m.releaseId());
        if (m.activation() == ReleaseManifest.Activation.COMMAND && !approvedActivations.contains(m.fileSha256())) {
            report(HealthReport.Event.STAGED, rec, "waiting for an activate command", HealthCounters.ZERO);
            publishStatus();
            return;
        }
        activateCandidate(bundle);
    }

    private final class Trial {
        final OtaState.SlotRecord record;
        final ActivationTarget.Prepared prepared;
        final long healthMillis;
        HealthCounters baseline;
        long startNanos;

        Trial(OtaState.SlotRecord record, ActivationTarget.Prepared prepared, long healthMillis) {
            this.record = record;
            this.prepared = prepared;
            this.healthMillis = healthMillis;
        }
    }

    /** Runs the staged candidate: trial state first (so a restart rolls back), then the switch. */
    private void activateCandidate(PolicyBundle verified) {
        OtaState.SlotRecord rec = state.candidateRecord();
        PolicyBundle bundle = verified;
        try {
            if (bundle == null) {
                bundle = readSlot(state.candidate().slot(), rec);
            }
        } catch (IOException e) {
            dropCandidate(rec, "staged bundle no longer verifies: " + e.getMessage(), HealthReport.Event.REFUSED);
            return;
        }
        ActivationTarget.Prepared prepared;
        try {
            prepared = ctx.host.prepare(bundle);
        } catch (ActivationRefusedException | RuntimeException e) {
            dropCandidate(rec, "the robot cannot run it: " + e.getMessage(), HealthReport.Event.REFUSED);
            return;
        }
        try {
            state = state.onTrial();
            store.save(state);
        } catch (IOException e) {
            lastProblem = "cannot record the trial of " + rec.releaseId() + ": " + e.getMessage();
            LOG.log(Level.ERROR, ctx.robotId + ": " + lastProblem);
            return;
        }
        abandonDownload(true);
        Trial t = new Trial(rec, prepared, state.candidate().healthCheckMillis());
        trial = t;
        publishStatus();
        CompletableFuture<HealthCounters> f;
        try {
            f = ctx.host.activate(prepared);
        } catch (RuntimeException e) {
            f = CompletableFuture.failedFuture(e);
        }
        f.orTimeout(ctx.swapTimeout.toMillis(), TimeUnit.MILLISECONDS)
                .whenComplete((base, err) -> exec.execute(() -> onActivated(t, base, err)));
    }

    private void onActivated(Trial t, HealthCounters base, Throwable err) {
        if (trial != t) {
            return;
        }
        if (err != null) {
            trial = null;
            dropCandidate(t.record, "the control loop did not switch to it: " + err, HealthReport.Event.ROLLED_BACK);
            return;
        }
        t.baseline = base;
        t.startNanos = System.nanoTime();
        LOG.log(Level.INFO, ctx.robotId + ": " + t.record.releaseId() + " active, health check " + t.healthMillis + " ms");
        report(HealthReport.Event.ACTIVATED, t.record, "health check " + t.healthMillis + " ms", HealthCounters.ZERO);
        step(Step.ACTIVATED, t.record.releaseId());
        publishSnapshot();
    }

    private void pollHealth() {
        Trial t = trial;
        if (t == null || t.baseline == null) {
            return;
        }
        HealthCounters delta = ctx.host.health().since(t.baseline);
        if (!delta.clean()) {
            rollbackTrial("health check failed: " + delta.problems(), delta);
        } else if ((System.nanoTime() - t.startNanos) / 1_000_000 >= t.healthMillis && delta.ticks() >= ctx.minHealthTicks) {
            commit(t, delta);
        }
    }

    private void commit(Trial t, HealthCounters delta) {
        step(Step.COMMITTING, t.record.releaseId());
        try {
            OtaState next = state.commitCandidate();
            store.save(next);
            state = next;
        } catch (IOException e) {
            rollbackTrial("cannot write the commit record: " + e.getMessage(), delta);
            return;
        }
        trial = null;
        committedPrepared = t.prepared;
        approvedActivations.remove(t.record.fileSha256());
        commits++;
        lastReportCounters = ctx.host.health();
        LOG.log(Level.INFO, ctx.robotId + ": committed " + t.record.releaseId());
        report(HealthReport.Event.COMMITTED, t.record, "", delta);
        step(Step.COMMITTED, t.record.releaseId());
        publishStatus();
        evaluate();
    }

    /** Switches back to the committed policy and drops the candidate on trial. */
    private void rollbackTrial(String reason, HealthCounters delta) {
        Trial t = trial;
        trial = null;
        try {
            ctx.host.activate(committedPrepared).get(ctx.swapTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            LOG.log(Level.ERROR, ctx.robotId + ": switching back to " + state.committedRecord().releaseId() + " failed: "
                    + e.getMessage());
        }
        rollbacks++;
        dropCandidate(t.record, reason, delta, HealthReport.Event.ROLLED_BACK);
    }

    private void dropCandidate(OtaState.SlotRecord rec, String reason, HealthReport.Event event) {
        dropCandidate(rec, reason, HealthCounters.ZERO, event);
    }

    private void dropCandidate(OtaState.SlotRecord rec, String reason, HealthCounters counters, HealthReport.Event event) {
        try {
            state = state.candidate() != null ? state.dropCandidate() : state.withFailed(rec.fileSha256());
            store.save(state);
        } catch (IOException e) {
            LOG.log(Level.ERROR, ctx.robotId + ": cannot record dropping " + rec.releaseId() + ": " + e.getMessage());
        }
        if (event == HealthReport.Event.REFUSED) {
            releasesRefused++;
        }
        lastProblem = rec.releaseId() + " " + event.name().toLowerCase(java.util.Locale.ROOT) + ": " + reason;
        LOG.log(Level.WARNING, ctx.robotId + ": " + lastProblem);
        report(event, rec, reason, counters);
        step(event == HealthReport.Event.REFUSED ? Step.REFUSED : Step.ROLLED_BACK, rec.releaseId());
        publishStatus();
        evaluate();
    }

    // ---- commands ------------------------------------------------------------------------------

    private void onCommand(byte[] payload) {
        if (closed || payload.length == 0) {
            return;
        }
        FleetCommand c;
        try {
            c = FleetCommand.open(payload, ctx.keys);
            if (!c.robot().equals(ctx.robotId) || !c.fleet().equals(ctx.fleet)) {
                throw new PayloadException("command.robot", "addressed to " + c.fleet() + "/" + c.robot());
            }
            if (!c.policy().equals(ctx.policy)) {
                throw new PayloadException("command.policy", "is for policy '" + c.policy() + "'");
            }
        } catch (PayloadException e) {
            refusePayload("command", e);
            return;
        }
        if (state.appliedCommands().contains(c.id())) {
            return; // delivered again: already applied
        }
        if (System.currentTimeMillis() > c.expiresAtMillis()) {
            refusePayload("command", new PayloadException("command.expires_at_ms", c.id() + " expired at " + c.expiresAtMillis()));
            return;
        }
        LOG.log(Level.INFO, ctx.robotId + ": command " + c.id() + " " + c.action());
        try {
            switch (c.action()) {
                case PAUSE -> {
                    state = state.withPaused(true).withApplied(c.id());
                    store.save(state);
                    abandonDownload(false);
                }
                case RESUME -> {
                    state = state.withPaused(false).withApplied(c.id());
                    store.save(state);
                    evaluate();
                }
                case ACTIVATE -> {
                    state = state.withoutFailed(c.fileSha256()).withApplied(c.id());
                    store.save(state);
                    approvedActivations.add(c.fileSha256());
                    OtaState.SlotRecord cand = state.candidateRecord();
                    if (trial == null && cand != null && cand.fileSha256().equals(c.fileSha256())) {
                        activateCandidate(null);
                    } else {
                        evaluate();
                    }
                }
                case ROLLBACK -> rollbackTo(c);
            }
        } catch (IOException e) {
            lastProblem = "cannot apply command " + c.id() + ": " + e.getMessage();
            LOG.log(Level.ERROR, ctx.robotId + ": " + lastProblem);
        }
        publishStatus();
    }

    private void rollbackTo(FleetCommand c) throws IOException {
        if (trial != null) {
            HealthCounters base = trial.baseline;
            rollbackTrial("rollback command " + c.id(), base == null ? HealthCounters.ZERO : ctx.host.health().since(base));
        }
        OtaState.SlotRecord committed = state.committedRecord();
        if (committed.fileSha256().equals(c.fileSha256())) {
            state = state.withApplied(c.id());
            store.save(state);
            return;
        }
        // The release being left is remembered as failed so the manifest cannot bring it straight back.
        state = state.withFailed(committed.fileSha256()).withAllowedDowngrade(c.fileSha256()).withApplied(c.id());
        store.save(state);
        OtaState.Slot slot = state.slotHolding(c.fileSha256());
        if (slot != null && slot != state.committed()) {
            state = state.withCandidate(slot, ctx.rollbackHealthCheck.toMillis());
            store.save(state);
            activateCandidate(null);
        } else {
            evaluate(); // fetched when the manifest points to it
        }
    }

    // ---- reports -------------------------------------------------------------------------------

    private void periodicReport() {
        if (trial != null || !link.isConnected()) {
            return;
        }
        HealthCounters now = ctx.host.health();
        report(HealthReport.Event.REPORT, state.committedRecord(), "", now.since(lastReportCounters));
        lastReportCounters = now;
    }

    private void report(HealthReport.Event event, OtaState.SlotRecord rec, String reason, HealthCounters counters) {
        report(event, rec.releaseId(), rec.version(), rec.fileSha256(), reason, counters);
    }

    private void report(HealthReport.Event event, String releaseId, ReleaseVersion version, String sha, String reason,
                        HealthCounters counters) {
        HealthReport r = healthReport(event, releaseId, version, sha, reason, counters);
        if (!sendReport(r)) {
            queue(r);
        }
        publishSnapshot();
    }

    private void queueReport(HealthReport.Event event, OtaState.SlotRecord rec, String reason, HealthCounters counters) {
        queue(healthReport(event, rec.releaseId(), rec.version(), rec.fileSha256(), reason, counters));
    }

    private void queue(HealthReport r) {
        if (r.event() == HealthReport.Event.REPORT) {
            return; // periodic counters are not worth keeping across an outage
        }
        pendingReports.addLast(r);
        while (pendingReports.size() > 64) {
            pendingReports.pollFirst();
        }
    }

    private HealthReport healthReport(HealthReport.Event event, String releaseId, ReleaseVersion version, String sha,
                                      String reason, HealthCounters c) {
        return new HealthReport(ctx.robotId, ctx.policy, releaseId, version.toString(), sha, event,
                reason, c.ticks(), c.safetyInterventions(), c.nanActions(), c.deadlineMisses(), System.currentTimeMillis());
    }

    private boolean sendReport(HealthReport r) {
        if (!link.isConnected()) {
            return false;
        }
        try {
            IMqttToken t = link.publish(Topics.health(ctx.fleet, ctx.robotId), r.toBytes(), 1, false);
            sentReports.removeIf(SentReport::acknowledged);
            if (r.event() != HealthReport.Event.REPORT) {
                sentReports.add(new SentReport(r, t));
            }
            return true;
        } catch (MqttException e) {
            return false;
        }
    }

    private String activity() {
        if (state.paused()) {
            return "paused";
        }
        if (trial != null) {
            return "checking";
        }
        if (download != null) {
            return "downloading";
        }
        return state.candidate() != null ? "staged" : "idle";
    }

    private void publishStatus() {
        publishSnapshot();
        if (!link.isConnected()) {
            return;
        }
        OtaState.SlotRecord c = state.committedRecord();
        RobotStatus s = new RobotStatus(ctx.robotId, ctx.fleet, true, ctx.policy, c.version().toString(), c.fileSha256(),
                activity(), System.currentTimeMillis(), refusals.counts());
        try {
            link.publish(Topics.status(ctx.fleet, ctx.robotId), s.toBytes(), 1, true);
        } catch (MqttException e) {
            LOG.log(Level.DEBUG, ctx.robotId + ": status not published: " + e.getMessage());
        }
    }

    private void publishSnapshot() {
        OtaState.SlotRecord c = state == null ? null : state.committedRecord();
        Download d = download;
        snapshot = new Snapshot(c == null ? null : c.releaseId(), c == null ? null : c.version(),
                c == null ? null : c.fileSha256(), state == null ? "booting" : activity(), link.isConnected(),
                d == null ? 0 : d.have.cardinality(), d == null ? 0 : d.m.chunkCount(), chunksReceived, chunksCorrupt,
                chunkRequests, payloadsRefused, releasesRefused, rollbacks, commits, lastProblem, refusals.counts());
    }

    private void step(Step s, String releaseId) {
        try {
            ctx.stepListener.onStep(s, releaseId);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, ctx.robotId + ": step listener failed", e);
        }
    }

    // ---- helpers -------------------------------------------------------------------------------

    private byte[] sha256(byte[] b, int off, int len) {
        sha256.reset();
        sha256.update(b, off, len);
        return sha256.digest();
    }

    private static String hex(byte[] b) {
        return HexFormat.of().formatHex(b);
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException e) {
            // a leftover part file is removed with the next download
        }
    }

    /**
     * Publishes {@code offline}, disconnects and stops the agent thread. The running policy keeps running in
     * the host. Idempotent.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (link.isConnected()) {
            link.publishAndWait(Topics.status(ctx.fleet, ctx.robotId), RobotStatus.offline(ctx.robotId, ctx.fleet).toBytes(),
                    1, true, Duration.ofSeconds(2));
        }
        link.close();
        try {
            exec.submit(() -> abandonDownload(false)).get(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException | java.util.concurrent.RejectedExecutionException e) {
            LOG.log(Level.DEBUG, ctx.robotId + ": closing the download: " + e);
        }
        exec.shutdownNow();
        try {
            exec.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

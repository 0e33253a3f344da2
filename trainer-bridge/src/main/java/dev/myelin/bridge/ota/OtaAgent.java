package dev.myelin.bridge.ota;

import dev.myelin.bridge.mqtt.MqttLink;
import dev.myelin.bridge.wire.ChunkMessage;
import dev.myelin.bridge.wire.ChunkRequest;
import dev.myelin.bridge.wire.FleetCommand;
import dev.myelin.bridge.wire.HealthReport;
import dev.myelin.bridge.wire.PayloadException;
import dev.myelin.bridge.wire.RefusalLog;
import dev.myelin.bridge.wire.ReleaseManifest;
import dev.myelin.bridge.wire.RobotStatus;
import dev.myelin.bridge.wire.Topics;
import dev.myelin.policy.bundle.BundleFormatException;
import dev.myelin.policy.bundle.BundleReader;
import dev.myelin.policy.bundle.PolicyBundle;
import dev.myelin.policy.bundle.ReleaseVersion;
import org.eclipse.paho.mqttv5.common.MqttException;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
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
 * <p>The agent orchestrates its parts and owns every change of the durable state: {@link AgentContext}
 * (configuration), {@link Recovery} (start-up), {@link ChunkDownload} (one release's chunks and part file),
 * {@link HealthTrial} (a candidate's verdict) and {@link ReportQueue} (health reports across outages).
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

    /** Configuration (see {@link AgentContext}): fluent setters, validated when the agent is built. */
    public static final class Context extends AgentContext<Context> {
    }

    private final Context ctx;
    private final SlotStore store;
    private final BundleReader reader;
    private final ScheduledThreadPoolExecutor exec;
    private final MqttLink link;
    private final Sha256 sha256 = new Sha256();
    private final Recovery recovery;
    private final ReportQueue reports;
    private final Set<String> approvedActivations = new HashSet<>();

    // Agent-thread state.
    private OtaState state;
    private ActivationTarget.Prepared committedPrepared;
    private ReleaseManifest latestManifest;
    private ChunkDownload download;
    private HealthTrial trial;
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
        MqttLink.Options o = new MqttLink.Options().clientId("myelin-robot-" + ctx.fleet + "-" + ctx.robotId)
                .endpoint(ctx.endpoint)
                .will(Topics.status(ctx.fleet, ctx.robotId), RobotStatus.offline(ctx.robotId, ctx.fleet).toBytes(), true);
        this.link = new MqttLink(o);
        this.recovery = new Recovery(ctx, store, reader, sha256);
        this.reports = new ReportQueue(link, ctx.fleet, ctx.robotId, ctx.policy);
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
        if (ctx.telemetry != null) {
            long every = ctx.telemetryInterval.toMillis();
            exec.scheduleWithFixedDelay(guard(this::publishStatus), every, every, TimeUnit.MILLISECONDS);
        }
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
        Recovery.Result r = recovery.run(rec -> {
            rollbacks++;
            reports.queue(reports.report(HealthReport.Event.ROLLED_BACK, rec,
                    "restarted before the health check committed it", HealthCounters.ZERO));
            step(Step.ROLLED_BACK, rec.releaseId());
        });
        state = r.state();
        committedPrepared = r.committed();
        lastReportCounters = ctx.host.health();
        publishSnapshot();
        step(Step.BOOTED, state.committedRecord().releaseId());
    }

    // ---- MQTT inputs --------------------------------------------------------------------------

    private void onConnected() {
        publishStatus();
        reports.resend();
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
            if (download.manifest.fileSha256().equals(m.fileSha256())) {
                download.manifest = m; // same release, possibly reissued for another stage
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

    private void startDownload(ReleaseManifest m) throws IOException {
        download = ChunkDownload.open(m, store.downloadDir(), sha256, link, ctx.fleet,
                (t, p, r) -> exec.execute(() -> onChunk(p)), ctx.chunkRetry.toMillis());
        int have = download.have();
        LOG.log(Level.INFO, ctx.robotId + ": downloading " + m.releaseId() + " (" + m.bundleBytes() + " bytes, "
                + m.chunkCount() + " chunks" + (have == 0 ? "" : ", " + have + " already on disk") + ")");
        step(Step.DOWNLOAD_STARTED, m.releaseId());
        publishStatus();
        if (download != null && download.complete()) {
            finishDownload();
        } else if (download != null) {
            download.fillWindow(ctx.chunkWindow);
        }
    }

    private void onChunk(byte[] payload) {
        ChunkDownload d = download;
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
        ChunkDownload.Outcome outcome;
        try {
            outcome = d.accept(c, sha256);
        } catch (IOException e) {
            lastProblem = "cannot write chunk " + c.index() + ": " + e.getMessage();
            LOG.log(Level.ERROR, ctx.robotId + ": " + lastProblem);
            return;
        }
        switch (outcome) {
            case OTHER_RELEASE, DUPLICATE -> {
                return;
            }
            case CORRUPT -> {
                chunksCorrupt++;
                lastProblem = "chunk " + c.index() + " of " + d.manifest.releaseId()
                        + " does not match the manifest (corrupted); requested again";
                refusals.refuse("chunk:chunk_sha256", lastProblem);
                requestChunks(d, new int[] {c.index()});
                publishSnapshot();
                return;
            }
            case STORED -> chunksReceived++;
        }
        if (d.complete()) {
            finishDownload();
        } else {
            d.fillWindow(ctx.chunkWindow);
        }
        publishSnapshot();
    }

    /**
     * Asks the publisher for the missing chunks again when none arrived for a while (the broker lost its
     * retained copies, or holds a corrupted one). Live subscriptions deliver what is republished; after a
     * reconnect the link subscribes again by itself, which makes the broker resend what it still retains.
     */
    private void checkDownloadProgress() {
        ChunkDownload d = download;
        if (d == null || !link.isConnected() || !d.stalled()) {
            return;
        }
        requestChunks(d, d.missing(ChunkRequest.MAX_CHUNKS));
        d.backOff(ctx.maxChunkRetry.toMillis());
    }

    private void requestChunks(ChunkDownload d, int[] chunks) {
        if (chunks.length == 0) {
            return;
        }
        chunkRequests++;
        try {
            link.publish(Topics.chunkRequest(ctx.fleet, ctx.robotId),
                    new ChunkRequest(ctx.robotId, d.manifest.releaseId(), chunks).toBytes(), 1, false);
        } catch (MqttException e) {
            LOG.log(Level.DEBUG, ctx.robotId + ": chunk request not sent: " + e.getMessage());
        }
    }

    private void abandonDownload(boolean deletePart) {
        ChunkDownload d = download;
        if (d == null) {
            return;
        }
        download = null;
        try {
            d.close(deletePart);
        } catch (IOException e) {
            LOG.log(Level.DEBUG, ctx.robotId + ": closing partial download: " + e.getMessage());
        }
    }

    private void finishDownload() {
        ChunkDownload d = download;
        ReleaseManifest m = d.manifest;
        byte[] bytes;
        try {
            bytes = d.assemble();
        } catch (IOException | ArithmeticException e) {
            lastProblem = "cannot read the assembled download: " + e.getMessage();
            LOG.log(Level.ERROR, ctx.robotId + ": " + lastProblem);
            abandonDownload(true);
            return;
        }
        abandonDownload(false);
        String fileSha = sha256.hex(bytes);
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

    /** Runs the staged candidate: trial state first (so a restart rolls back), then the switch. */
    private void activateCandidate(PolicyBundle verified) {
        OtaState.SlotRecord rec = state.candidateRecord();
        PolicyBundle bundle = verified;
        try {
            if (bundle == null) {
                bundle = recovery.readSlot(state.candidate().slot(), rec);
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
        HealthTrial t = new HealthTrial(rec, prepared, state.candidate().healthCheckMillis());
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

    private void onActivated(HealthTrial t, HealthCounters base, Throwable err) {
        if (trial != t) {
            return;
        }
        if (err != null) {
            trial = null;
            dropCandidate(t.record, "the control loop did not switch to it: " + err, HealthReport.Event.ROLLED_BACK);
            return;
        }
        t.started(base);
        LOG.log(Level.INFO, ctx.robotId + ": " + t.record.releaseId() + " active, health check " + t.healthMillis + " ms");
        report(HealthReport.Event.ACTIVATED, t.record, "health check " + t.healthMillis + " ms", HealthCounters.ZERO);
        step(Step.ACTIVATED, t.record.releaseId());
        publishSnapshot();
    }

    private void pollHealth() {
        HealthTrial t = trial;
        if (t == null || !t.running()) {
            return;
        }
        HealthCounters delta = t.since(ctx.host.health());
        switch (t.judge(delta, ctx.minHealthTicks, ctx.healthPoll.toNanos())) {
            case ROLL_BACK -> rollbackTrial("health check failed: " + delta.problems(), delta);
            case COMMIT -> commit(t, delta);
            case WAIT -> { }
        }
    }

    private void commit(HealthTrial t, HealthCounters delta) {
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
        HealthTrial t = trial;
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
            rollbackTrial("rollback command " + c.id(), trial.since(ctx.host.health()));
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
        // the local view first: whoever hears the report and then asks this robot sees what it announced
        publishSnapshot();
        reports.send(reports.report(event, releaseId, version, sha, reason, counters));
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
        if (closed || !link.isConnected()) {
            return;
        }
        OtaState.SlotRecord c = state.committedRecord();
        RobotStatus s = new RobotStatus(ctx.robotId, ctx.fleet, true, ctx.policy, c.version().toString(), c.fileSha256(),
                activity(), System.currentTimeMillis(), refusals.counts(), telemetry());
        try {
            link.publish(Topics.status(ctx.fleet, ctx.robotId), s.toBytes(), 1, true);
        } catch (MqttException e) {
            LOG.log(Level.DEBUG, ctx.robotId + ": status not published: " + e.getMessage());
        }
    }

    private void publishOffline() {
        if (link.isConnected()) {
            link.publishAndWait(Topics.status(ctx.fleet, ctx.robotId), RobotStatus.offline(ctx.robotId, ctx.fleet).toBytes(),
                    1, true, Duration.ofSeconds(2));
        }
    }

    /** The supplier's telemetry, or none when there is no supplier or it failed. */
    private RobotStatus.Telemetry telemetry() {
        if (ctx.telemetry == null) {
            return RobotStatus.Telemetry.NONE;
        }
        try {
            RobotStatus.Telemetry t = ctx.telemetry.get();
            return t == null ? RobotStatus.Telemetry.NONE : t;
        } catch (RuntimeException e) {
            LOG.log(Level.DEBUG, ctx.robotId + ": no telemetry in this status: " + e.getMessage());
            return RobotStatus.Telemetry.NONE;
        }
    }

    private void publishSnapshot() {
        OtaState.SlotRecord c = state == null ? null : state.committedRecord();
        ChunkDownload d = download;
        snapshot = new Snapshot(c == null ? null : c.releaseId(), c == null ? null : c.version(),
                c == null ? null : c.fileSha256(), state == null ? "booting" : activity(), link.isConnected(),
                d == null ? 0 : d.have(), d == null ? 0 : d.manifest.chunkCount(), chunksReceived, chunksCorrupt,
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
        // On the agent thread, so that no status of this agent (the periodic one included) can follow the offline one.
        try {
            exec.submit(this::publishOffline).get(3, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException | java.util.concurrent.RejectedExecutionException e) {
            LOG.log(Level.DEBUG, ctx.robotId + ": offline status on the agent thread: " + e);
            publishOffline();
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

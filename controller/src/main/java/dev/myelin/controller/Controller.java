package dev.myelin.controller;

import dev.myelin.bridge.experience.TransitionRecorder;
import dev.myelin.controller.config.ControllerParams;
import dev.myelin.controller.diagnostics.DiagnosticsPublisher;
import dev.myelin.controller.diagnostics.LoopMetrics;
import dev.myelin.controller.hosting.PolicyHost;
import dev.myelin.controller.hosting.PreparedPolicy;
import dev.myelin.controller.loop.ControlLoop;
import dev.myelin.controller.mapping.ActionMap;
import dev.myelin.controller.mapping.ObservationMap;
import dev.myelin.controller.mapping.TopicInput;
import dev.myelin.controller.safety.Intervention;
import dev.myelin.controller.safety.SafetyGate;
import dev.myelin.policy.bundle.TrustedKeys;
import dev.myelin.policy.engine.InferenceEngine;
import dev.myelin.ros2.Node;
import dev.myelin.ros2.Qos;
import dev.myelin.ros2.Subscription;
import dev.myelin.ros2.msg.Field;
import dev.myelin.ros2.msg.MessageType;

import java.io.IOException;
import java.nio.file.Path;
import java.security.InvalidKeyException;

/**
 * The on-robot controller: sensors -> observation -> spiking policy -> safety gate -> actuators,
 * over ROS 2 topics at a fixed rate. Read -> update -> write happens on the {@link ControlLoop}
 * thread; the DDS executor only fills latest-sample slots; diagnostics are published by their own
 * thread; policies are prepared off the loop and swapped in at tick boundaries by the
 * {@link PolicyHost}.
 *
 * <pre>{@code
 * Controller c = new Controller(params, node);
 * c.configure();                                    // topics open, loop runs, outputs safe
 * c.host().swap(c.host().prepare(bundleFile), Duration.ofSeconds(1));
 * c.activate();                                     // policy drives the outputs
 * }</pre>
 *
 * <p>Lifecycle methods from one controlling thread; queries from any thread.
 */
public final class Controller implements AutoCloseable {
    private final ControllerParams params;
    private final Node node;
    private final PolicyHost host;
    private final LoopMetrics metrics = new LoopMetrics();

    private volatile Lifecycle lifecycle = Lifecycle.UNCONFIGURED;
    private ObservationMap observations;
    private ActionMap actions;
    private SafetyGate gate;
    private ControlLoop loop;
    private DiagnosticsPublisher diagnostics;
    private TopicInput estop;
    private Field estopData;
    private TopicInput estopReset;
    private TopicInput episodeReset;
    private TopicInput reward;
    /** Where decisions are recorded; set once, read by the loop each tick. */
    private record ExperienceTap(TransitionRecorder recorder, TopicInput reward, Field rewardData) {
    }

    private volatile ExperienceTap tap;
    private volatile dev.myelin.ros2.param.ParameterStore parameters;
    private ExperienceTap tapSeen;
    private final java.util.List<java.util.function.Supplier<java.util.Map<String, String>>> diagnosticSources =
            new java.util.concurrent.CopyOnWriteArrayList<>();
    private volatile TickListener tickListener;
    private volatile long tickListenerErrors;
    private TickRecord tickRecord;
    private Intervention tickCause;
    private long tickInferenceNanos;
    private boolean tickPolicyRan;
    private boolean tickEngineReset;
    private TickListener listenerSeen;

    // loop-thread state, preallocated
    private float[] observation;
    private float[] proposal;
    private float[] command;
    private float[] action;
    private PreparedPolicy active;
    private boolean wasStale = true;
    private long episodeResetsSeen;
    private long estopResetsSeen;
    private volatile boolean estopLatched;
    private volatile boolean estopResetRequested;
    private volatile int staleSlice = -1;
    private volatile long episodeResets;
    // experience: the last decision waits one tick for the reward that followed it
    private float[] pendingObservation;
    private float[] pendingAction;
    private long pendingTime;
    private long pendingTag;
    private boolean pending;
    private long rewardsSeen;
    private volatile long recorded;
    private volatile long recordDrops;

    /** A controller whose trusted keys are the parameter file's {@code trusted_keys}. */
    public Controller(ControllerParams params, Node node) throws IOException, InvalidKeyException {
        this(params, node, trustedKeys(params));
    }

    public Controller(ControllerParams params, Node node, TrustedKeys trusted) {
        this.params = params;
        this.node = node;
        this.host = new PolicyHost(params, trusted);
    }

    /** The keys named by {@code trusted_keys}, or {@link TrustedKeys#none()} when none are listed. */
    public static TrustedKeys trustedKeys(ControllerParams params) throws IOException, InvalidKeyException {
        if (params.trustedKeys().isEmpty()) {
            return TrustedKeys.none();
        }
        return TrustedKeys.load(params.trustedKeys().toArray(Path[]::new));
    }

    /**
     * Records every decision the policy drives the robot with (observation, the command actually sent in
     * the policy's action order, the reward that followed, whether the episode ended, time, policy tag) into
     * {@code recorder}, for upload as sim-to-real experience, from the next tick on. The reward is the latest
     * {@code std_msgs/Float32} on {@code rewardTopic} (null: none) received before the next tick, NaN when none
     * arrived; an episode ends where the episode-reset topic fires. A decision is recorded one tick late, once
     * its reward is known; held (safety) ticks are not recorded. Once per controller, after {@link #configure()}.
     */
    public synchronized void recordExperience(TransitionRecorder recorder, String rewardTopic) {
        java.util.Objects.requireNonNull(recorder, "recorder");
        if (lifecycle == Lifecycle.UNCONFIGURED || observations == null) {
            throw new IllegalStateException("recordExperience() needs a configured controller, state is " + lifecycle);
        }
        if (tap != null || reward != null) {
            throw new IllegalStateException("this controller already records experience");
        }
        Field data = null;
        if (rewardTopic != null) {
            MessageType float32 = node.messageType("std_msgs/msg/Float32");
            reward = new TopicInput(node, rewardTopic, float32, Qos.DEFAULT);
            data = float32.field("data");
        }
        tap = new ExperienceTap(recorder, reward, data);
    }

    /**
     * Parameter sets staged in {@code store} are taken at the loop's next tick boundary; what the
     * store's validator prepared as {@link SafetyGate.Limits} replaces the gate's limits there.
     */
    public void adoptParametersFrom(dev.myelin.ros2.param.ParameterStore store) {
        this.parameters = store;
    }

    /** True while the control loop runs (configured, not finalized). */
    public synchronized boolean isLooping() {
        ControlLoop l = loop;
        return l != null && l.isRunning() && lifecycle != Lifecycle.FINALIZED;
    }

    /**
     * Calls {@code listener} at the end of every tick from the next one on (null: stop). The
     * listener runs on the control thread; see {@link TickListener}.
     */
    public void setTickListener(TickListener listener) {
        tickListener = listener;
    }

    /** Exceptions thrown by tick listeners (each drops its listener). */
    public long tickListenerErrors() {
        return tickListenerErrors;
    }

    /** Stops recording from the next tick (the recorder may be closed once a tick has passed). */
    public void stopRecording() {
        tap = null;
    }

    /** Decisions written to the experience recorder, and those it had no room for. Any thread. */
    public long recordedTransitions() {
        return recorded;
    }

    public long droppedTransitions() {
        return recordDrops;
    }

    /**
     * UNCONFIGURED -> INACTIVE: subscribes to every input, creates the output publishers, starts the
     * loop (outputs held at the safe command) and the diagnostics thread. Nothing is left open if
     * it fails.
     */
    public synchronized void configure() {
        if (lifecycle != Lifecycle.UNCONFIGURED) {
            throw new IllegalStateException("configure() in state " + lifecycle);
        }
        try {
            observations = new ObservationMap(node, params.observations());
            actions = new ActionMap(node, params.actions());
            if (params.estopTopic() != null) {
                MessageType bool = node.messageType("std_msgs/msg/Bool");
                estop = new TopicInput(node, params.estopTopic(), bool, Qos.DEFAULT);
                estopData = bool.field("data");
                if (params.estopResetTopic() != null) {
                    estopReset = new TopicInput(node, params.estopResetTopic(), bool, Qos.DEFAULT);
                }
            }
            if (params.resetTopic() != null) {
                episodeReset = new TopicInput(node, params.resetTopic(), node.messageType(params.resetType()), Qos.DEFAULT);
            }
            gate = new SafetyGate(params.actions(), params.periodNanos() / 1e9);
            observation = new float[observations.size()];
            command = new float[params.actions().size()];
            proposal = new float[params.actions().size()];
            action = new float[params.actions().size()];
            tickRecord = new TickRecord(observation.length, action.length, command.length);
            pendingObservation = new float[observations.size()];
            pendingAction = new float[params.actions().size()];
            gate.hold(null, command); // start-up in the safe state
            loop = new ControlLoop("myelin-control", params.periodNanos(), params.idleStrategy(), this::tick, metrics);
            loop.missListener(this::chargeMisses);
            loop.realtimePriority(params.realtimePriority());
            diagnostics = new DiagnosticsPublisher(this, node, params.diagnosticsTopic(), params.diagnosticsPeriodS(),
                    params.hardwareId());
            lifecycle = Lifecycle.INACTIVE;
            loop.start();
            diagnostics.start();
        } catch (RuntimeException e) {
            closeResources();
            lifecycle = Lifecycle.UNCONFIGURED;
            throw e;
        }
    }

    /** INACTIVE -> ACTIVE, effective from the next tick. */
    public synchronized void activate() {
        if (lifecycle != Lifecycle.INACTIVE && lifecycle != Lifecycle.ACTIVE) {
            throw new IllegalStateException("activate() in state " + lifecycle);
        }
        lifecycle = Lifecycle.ACTIVE;
    }

    /** ACTIVE -> INACTIVE, effective from the next tick: outputs go to the safe command, inputs are still read. */
    public synchronized void deactivate() {
        if (lifecycle != Lifecycle.INACTIVE && lifecycle != Lifecycle.ACTIVE) {
            throw new IllegalStateException("deactivate() in state " + lifecycle);
        }
        lifecycle = Lifecycle.INACTIVE;
    }

    public Lifecycle lifecycle() {
        return lifecycle;
    }

    public ControllerParams params() {
        return params;
    }

    public PolicyHost host() {
        return host;
    }

    public LoopMetrics metrics() {
        return metrics;
    }

    /** The safety gate (null before {@link #configure}). */
    public SafetyGate gate() {
        return gate;
    }

    /** The loop (null before {@link #configure}). */
    public ControlLoop loop() {
        return loop;
    }

    /** True while the e-stop is latched. */
    public boolean estopLatched() {
        return estopLatched;
    }

    /**
     * Asks the loop to clear a latched e-stop at its next tick. It stays latched while the e-stop
     * input still reads true.
     */
    public void resetEstop() {
        estopResetRequested = true;
    }

    /** Name of the observation slice that is stale now, or null when every input is fresh. */
    public String staleInput() {
        int s = staleSlice;
        return s < 0 || observations == null ? null : observations.sliceName(s);
    }

    /**
     * Adds key/value pairs to every {@code /diagnostics} status (for example the update agent's refusal
     * counts); called on the diagnostics thread, never the loop's.
     */
    public void addDiagnostics(java.util.function.Supplier<java.util.Map<String, String>> source) {
        diagnosticSources.add(source);
    }

    /** The key/value pairs of every source added with {@link #addDiagnostics}. */
    public java.util.Map<String, String> extraDiagnostics() {
        java.util.Map<String, String> m = new java.util.LinkedHashMap<>();
        diagnosticSources.forEach(s -> m.putAll(s.get()));
        return m;
    }

    /** Recurrent-state resets requested by the episode-reset topic. */
    public long episodeResets() {
        return episodeResets;
    }

    /** The observation and output maps (null before {@link #configure}). */
    public ObservationMap observationMap() {
        return observations;
    }

    public ActionMap actionMap() {
        return actions;
    }

    /**
     * The loop's monotonic counters as the OTA agent judges them: ticks, safety interventions that
     * replaced the command, non-finite actions blocked, missed periods. Any thread.
     */
    public dev.myelin.bridge.ota.HealthCounters healthCounters() {
        if (gate == null) {
            return dev.myelin.bridge.ota.HealthCounters.ZERO;
        }
        return new dev.myelin.bridge.ota.HealthCounters(metrics.ticks(), gate.safeHolds(),
                gate.count(Intervention.NON_FINITE_ACTION), metrics.deadlineMisses());
    }

    private void chargeMisses(long n) {
        PreparedPolicy p = active;
        if (p != null) {
            PolicyHost.countMisses(p, n);
        }
    }

    /** One period: read, decide, gate, write. Loop thread; allocates nothing. */
    private boolean tick(long tick, long release, long wake) {
        long start = System.nanoTime();
        boolean swapped = false;
        PreparedPolicy next = host.takePending();
        if (next != null) {
            // The new engine was warmed up and reset off-thread: installing it is a reference swap.
            active = next;
            host.installed(next, start, metrics.ticks(), gate.safeHolds(),
                    gate.count(Intervention.NON_FINITE_ACTION), metrics.deadlineMisses());
            swapped = true;
            tickEngineReset = true;
        }
        dev.myelin.ros2.param.ParameterStore ps = parameters;
        if (ps != null && ps.adoptPending() instanceof SafetyGate.Limits limits) {
            gate.adopt(limits);
        }
        PreparedPolicy p = active;
        boolean episodeEnded = false;
        if (episodeReset != null) {
            long n = episodeReset.receivedCount();
            if (n != episodeResetsSeen) {
                episodeEnded = true;
                episodeResetsSeen = n;
                episodeResets = episodeResets + 1;
                if (p != null) {
                    p.engine().reset();
                    tickEngineReset = true;
                }
            }
        }
        pollEstop(tick);

        int stale = observations.read(tick, start, observation);
        staleSlice = stale;
        if (stale >= 0 && !wasStale && p != null) {
            p.engine().reset(); // recurrent state must not carry over a gap in the inputs
            tickEngineReset = true;
        }
        wasStale = stale >= 0;

        boolean decided = false;
        Lifecycle state = lifecycle;
        if (state != Lifecycle.ACTIVE) {
            gate.hold(null, command);
        } else if (estopLatched) {
            hold(Intervention.ESTOP, p);
        } else if (stale >= 0) {
            hold(Intervention.STALE_INPUT, p);
        } else if (p == null) {
            gate.hold(Intervention.NO_POLICY, command);
            tickCause = Intervention.NO_POLICY;
        } else if (!gate.admitObservation(observation, observation.length)) {
            gate.hold(null, command);
            tickCause = Intervention.NON_FINITE_OBSERVATION;
            PolicyHost.countSafeHold(p);
        } else {
            decided = decide(p);
        }
        long write = System.nanoTime();
        actions.write(command);
        long done = System.nanoTime();
        ExperienceTap t = tap;
        if (t != tapSeen) {
            tapSeen = t;
            pending = false;
            if (t != null && t.reward() != null) {
                rewardsSeen = t.reward().receivedCount();
            }
        }
        if (t != null) {
            record(t, p, decided, episodeEnded, tick, start);
        }
        TickListener listener = tickListener;
        if (listener != null || listenerSeen != null) {
            notifyTickListener(listener, p, decided, tick, start);
        }
        metrics.recordInputToHandoff(write - start);
        metrics.recordOutputWrite(done - write);
        metrics.recordInputToOutput(done - start);
        return swapped;
    }

    /** Runs the policy; true when its (possibly clamped) command is what goes out. */
    private boolean decide(PreparedPolicy p) {
        InferenceEngine engine = p.engine();
        long t0 = System.nanoTime();
        try {
            engine.act(observation, action);
        } catch (RuntimeException e) {
            PolicyHost.countFault(p);
            hold(Intervention.POLICY_FAULT, p);
            return false;
        }
        long dt = System.nanoTime() - t0;
        tickPolicyRan = true;
        tickInferenceNanos = dt;
        metrics.recordDecision(dt, engine.energy().estimatePicojoules());
        PolicyHost.countDecision(p);
        for (int i = 0; i < proposal.length; i++) {
            proposal[i] = action[p.actionIndex(i)];
        }
        if (!gate.pass(proposal, command)) {
            PolicyHost.countNonFinite(p);
            PolicyHost.countSafeHold(p);
            tickCause = Intervention.NON_FINITE_ACTION;
            return false;
        }
        tickCause = gate.lastAdjustment();
        return true;
    }

    /** Fills the tick record and hands it to the listener. Loop thread; allocation-free. */
    private void notifyTickListener(TickListener listener, PreparedPolicy p, boolean decided, long tick, long start) {
        if (listener != listenerSeen) {
            // the per-tick fields were not kept while no listener was attached: start with the next tick
            listenerSeen = listener;
            clearTickFields();
            return;
        }
        TickRecord r = tickRecord;
        r.tick = tick;
        r.startNanos = start;
        r.decided = decided;
        r.policyRan = tickPolicyRan;
        r.engineReset = tickEngineReset;
        r.cause = tickCause;
        r.inferenceNanos = tickInferenceNanos;
        System.arraycopy(observation, 0, r.observation, 0, observation.length);
        System.arraycopy(command, 0, r.command, 0, command.length);
        if (tickPolicyRan) {
            System.arraycopy(proposal, 0, r.proposal, 0, proposal.length);
            System.arraycopy(action, 0, r.action, 0, action.length);
            var energy = p.engine().energy();
            r.spikes = energy.spikes();
            r.synOps = energy.synOps();
            r.energyPicojoules = energy.estimatePicojoules();
            r.layerCount = Math.min(energy.layerCount(), TickRecord.MAX_LAYERS);
            for (int i = 0; i < r.layerCount; i++) {
                r.layerSpikes[i] = energy.layerSpikes(i);
            }
        } else {
            java.util.Arrays.fill(r.proposal, 0f);
            java.util.Arrays.fill(r.action, 0f);
            r.spikes = 0;
            r.synOps = 0;
            r.energyPicojoules = 0;
            r.layerCount = 0;
        }
        r.policyDigest = p == null ? null : p.bundle().digest();
        clearTickFields();
        try {
            listener.onTick(r);
        } catch (RuntimeException | Error e) {
            tickListenerErrors = tickListenerErrors + 1;
            tickListener = null;
            System.err.println("myelin controller: tick listener threw " + e + "; it is removed");
        }
    }

    /** Ready for the next tick's cause, inference time and resets (kept only while a listener is attached). */
    private void clearTickFields() {
        tickCause = null;
        tickPolicyRan = false;
        tickInferenceNanos = 0;
        tickEngineReset = false;
    }

    /**
     * Completes the previous tick's decision with the reward that followed it and whether its episode ended,
     * then holds this tick's decision until the next. Loop thread; allocation-free.
     */
    private void record(ExperienceTap t, PreparedPolicy p, boolean decided, boolean episodeEnded, long tick, long now) {
        TopicInput reward = t.reward();
        if (pending) {
            float r = Float.NaN;
            if (reward != null) {
                long n = reward.receivedCount();
                if (n != rewardsSeen && reward.poll(tick) != Subscription.NO_SAMPLE) {
                    rewardsSeen = n;
                    r = reward.message().getFloat(t.rewardData());
                }
            }
            if (t.recorder().record(pendingObservation, pendingAction, r, episodeEnded, pendingTime, pendingTag)) {
                recorded = recorded + 1;
            } else {
                recordDrops = recordDrops + 1;
            }
            pending = false;
        } else if (reward != null) {
            rewardsSeen = reward.receivedCount(); // a reward without a recorded decision belongs to no one
        }
        if (decided) {
            System.arraycopy(observation, 0, pendingObservation, 0, observation.length);
            for (int i = 0; i < command.length; i++) {
                pendingAction[p.actionIndex(i)] = command[i];
            }
            pendingTime = now;
            pendingTag = p.tag();
            pending = true;
        }
    }

    private void hold(Intervention cause, PreparedPolicy p) {
        gate.hold(cause, command);
        tickCause = cause;
        if (p != null) {
            PolicyHost.countSafeHold(p);
        }
    }

    private void pollEstop(long tick) {
        if (estop == null) {
            return;
        }
        boolean pressed = estop.poll(tick) != Subscription.NO_SAMPLE && estop.message().getBoolean(estopData);
        if (pressed) {
            estopLatched = true;
        }
        if (estopReset != null) {
            long n = estopReset.receivedCount();
            if (n != estopResetsSeen) {
                estopResetsSeen = n;
                if (estopReset.poll(tick) != Subscription.NO_SAMPLE && estopReset.message().getBoolean(estopData)) {
                    estopResetRequested = true;
                }
            }
        }
        if (estopResetRequested) {
            estopResetRequested = false;
            if (!pressed) {
                estopLatched = false; // an explicit reset with the button released
            }
        }
    }

    /** Stops the loop and diagnostics and closes every topic; the node stays open. Idempotent. */
    @Override
    public synchronized void close() {
        if (lifecycle == Lifecycle.FINALIZED) {
            return;
        }
        closeResources();
        lifecycle = Lifecycle.FINALIZED;
    }

    private void closeResources() {
        if (diagnostics != null) {
            diagnostics.close();
        }
        if (loop != null) {
            loop.close();
        }
        if (observations != null) {
            observations.close();
        }
        if (actions != null) {
            actions.close();
        }
        for (TopicInput in : new TopicInput[] {estop, estopReset, episodeReset, reward}) {
            if (in != null) {
                in.close();
            }
        }
    }
}

package dev.myelin.controller;

import dev.myelin.bridge.experience.TransitionRecorder;
import dev.myelin.controller.config.ControllerParams;
import dev.myelin.controller.diagnostics.DiagnosticsPublisher;
import dev.myelin.controller.hosting.PolicyHealth;
import dev.myelin.controller.hosting.PolicyHost;
import dev.myelin.controller.hosting.PreparedPolicy;
import dev.myelin.controller.loop.ControlLoop;
import dev.myelin.controller.loop.LoopMetrics;
import dev.myelin.controller.mapping.ActionMap;
import dev.myelin.controller.mapping.ObservationMap;
import dev.myelin.controller.mapping.TopicInput;
import dev.myelin.controller.safety.Intervention;
import dev.myelin.controller.safety.SafetyGate;
import dev.myelin.policy.bundle.TrustedKeys;
import dev.myelin.policy.engine.InferenceEngine;
import dev.myelin.ros2.Node;
import dev.myelin.ros2.Qos;
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
    private volatile ControllerInputs inputs;
    private ActionMap actions;
    private SafetyGate gate;
    private ControlLoop loop;
    private DiagnosticsPublisher diagnostics;
    private volatile TickRecorder recorder;
    private TopicInput reward;
    private volatile dev.myelin.ros2.param.ParameterStore parameters;
    private final java.util.List<java.util.function.Supplier<java.util.Map<String, String>>> diagnosticSources =
            new java.util.concurrent.CopyOnWriteArrayList<>();
    private volatile TickListener tickListener;

    // loop-thread state, preallocated
    private float[] observation;
    private float[] proposal;
    private float[] command;
    private float[] action;
    private PreparedPolicy active;

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
        if (lifecycle == Lifecycle.UNCONFIGURED || inputs == null) {
            throw new IllegalStateException("recordExperience() needs a configured controller, state is " + lifecycle);
        }
        if (this.recorder.recording() || reward != null) {
            throw new IllegalStateException("this controller already records experience");
        }
        Field data = null;
        if (rewardTopic != null) {
            MessageType float32 = node.messageType("std_msgs/msg/Float32");
            reward = new TopicInput(node, rewardTopic, float32, Qos.DEFAULT);
            data = float32.field("data");
        }
        this.recorder.tap(new ExperienceTap(recorder, reward, data, observation, command));
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
        TickRecorder r = recorder;
        if (r != null) {
            r.listener(listener);
        }
    }

    /** Exceptions thrown by tick listeners (each drops its listener). */
    public long tickListenerErrors() {
        TickRecorder r = recorder;
        return r == null ? 0 : r.listenerErrors();
    }

    /** Stops recording from the next tick (the recorder may be closed once a tick has passed). */
    public void stopRecording() {
        TickRecorder r = recorder;
        if (r != null) {
            r.tap(null);
        }
    }

    /** Decisions written to the experience recorder, and those it had no room for. Any thread. */
    public long recordedTransitions() {
        TickRecorder r = recorder;
        return r == null ? 0 : r.recorded();
    }

    public long droppedTransitions() {
        TickRecorder r = recorder;
        return r == null ? 0 : r.dropped();
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
            inputs = new ControllerInputs(params, node);
            actions = new ActionMap(node, params.actions());
            gate = new SafetyGate(params.actions(), params.periodNanos() / 1e9);
            observation = new float[inputs.observations().size()];
            command = new float[params.actions().size()];
            proposal = new float[params.actions().size()];
            action = new float[params.actions().size()];
            recorder = new TickRecorder(observation, proposal, action, command);
            recorder.listener(tickListener);
            gate.hold(null, command); // start-up in the safe state
            loop = new ControlLoop("myelin-control", params.periodNanos(), params.idleStrategy(), this::tick, metrics);
            loop.missListener(this::chargeMisses);
            loop.realtimePriority(params.realtimePriority());
            diagnostics = new DiagnosticsPublisher(this::status, node, params.diagnosticsTopic(), params.diagnosticsPeriodS(),
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

    /** The loop's own counters and histograms; everything else reads them through {@link #status()}. */
    LoopMetrics metrics() {
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
        ControllerInputs in = inputs;
        return in != null && in.estop().latched();
    }

    /**
     * Asks the loop to clear a latched e-stop at its next tick. It stays latched while the e-stop
     * input still reads true.
     */
    public void resetEstop() {
        ControllerInputs in = inputs;
        if (in != null) {
            in.estop().requestReset();
        }
    }

    /** Name of the observation slice that is stale now, or null when every input is fresh. */
    public String staleInput() {
        ControllerInputs in = inputs;
        return in == null ? null : in.staleInput();
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
        ControllerInputs in = inputs;
        return in == null ? 0 : in.episodeResets();
    }

    /** The observation and output maps (null before {@link #configure}). */
    public ObservationMap observationMap() {
        ControllerInputs in = inputs;
        return in == null ? null : in.observations();
    }

    public ActionMap actionMap() {
        return actions;
    }

    /**
     * Everything the controller reports, as of now: state, the loop's counters and histograms (harvested
     * here), the safety gate's interventions by cause, the policy host's swaps and the installed policy's
     * health, and the pairs of the added diagnostics sources. Any thread but the loop's; allocates.
     */
    public ControllerStatus status() {
        metrics.harvest();
        SafetyGate g = gate;
        long[] interventions = null;
        long safeHolds = 0;
        if (g != null) {
            Intervention[] causes = Intervention.values();
            interventions = new long[causes.length];
            for (Intervention i : causes) {
                interventions[i.ordinal()] = g.count(i);
            }
            safeHolds = g.safeHolds();
        }
        ControlLoop l = loop;
        PolicyHealth h = host.health();
        return new ControllerStatus(lifecycle, params.rateHz(), params.idleStrategy().configName(),
                params.realtimePriority(), l == null ? null : l.schedulingProblem(), h,
                h == null ? params.engine() : h.engine(), host.swaps(), metrics.ticks(), metrics.decisions(),
                metrics.deadlineMisses(), metrics.missedDuringSwaps(), l == null ? 0 : l.tickErrors(),
                metrics.energyPicojoules(), metrics.lastEnergyPicojoules(), metrics.jitter(), metrics.inputToOutput(),
                metrics.inference(), metrics.inputToHandoff(), metrics.outputWrite(), estopLatched(), staleInput(),
                episodeResets(), interventions, safeHolds, extraDiagnostics());
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
            p.counters().countMisses(n);
        }
    }

    /** One period: swap in, read, decide, gate, write, record. Loop thread; allocates nothing. */
    private boolean tick(long tick, long release, long wake) {
        long start = System.nanoTime();
        boolean swapped = swapIn(start);
        adoptParameters();
        PreparedPolicy p = active;
        int stale = inputs.read(tick, start, observation);
        if ((inputs.episodeEnded() || inputs.gapStarted()) && p != null) {
            p.engine().reset(); // recurrent state carries over neither an episode's end nor a gap in the inputs
            recorder.engineReset();
        }
        boolean decided = decide(p, stale) && gate(p);
        long write = System.nanoTime();
        actions.write(command);
        long done = System.nanoTime();
        recorder.after(p, decided, inputs.episodeEnded(), tick, start);
        metrics.recordInputToHandoff(write - start);
        metrics.recordOutputWrite(done - write);
        metrics.recordInputToOutput(done - start);
        return swapped;
    }

    /** Installs a policy waiting at the tick boundary; true when one was. */
    private boolean swapIn(long now) {
        PreparedPolicy next = host.takePending();
        if (next == null) {
            return false;
        }
        // The new engine was warmed up and reset off-thread: installing it is a reference swap.
        active = next;
        host.installed(next, now, metrics.ticks(), gate.safeHolds(),
                gate.count(Intervention.NON_FINITE_ACTION), metrics.deadlineMisses());
        recorder.engineReset();
        return true;
    }

    /** Takes a parameter set staged through ROS (its safety limits) at the tick boundary. */
    private void adoptParameters() {
        dev.myelin.ros2.param.ParameterStore ps = parameters;
        if (ps != null && ps.adoptPending() instanceof SafetyGate.Limits limits) {
            gate.adopt(limits);
        }
    }

    /**
     * Holds the outputs safe for the first cause that applies, or runs the policy into the proposal;
     * true when the policy proposed a command.
     */
    private boolean decide(PreparedPolicy p, int stale) {
        if (lifecycle != Lifecycle.ACTIVE) {
            gate.hold(null, command);
            return false;
        }
        if (inputs.estop().latched()) {
            hold(Intervention.ESTOP, p);
            return false;
        }
        if (stale >= 0) {
            hold(Intervention.STALE_INPUT, p);
            return false;
        }
        if (p == null) {
            gate.hold(Intervention.NO_POLICY, command);
            recorder.cause(Intervention.NO_POLICY);
            return false;
        }
        if (!gate.admitObservation(observation, observation.length)) {
            gate.hold(null, command);
            recorder.cause(Intervention.NON_FINITE_OBSERVATION);
            p.counters().countSafeHold();
            return false;
        }
        InferenceEngine engine = p.engine();
        long t0 = System.nanoTime();
        try {
            engine.act(observation, action);
        } catch (RuntimeException e) {
            p.counters().countFault();
            hold(Intervention.POLICY_FAULT, p);
            return false;
        }
        long dt = System.nanoTime() - t0;
        recorder.policyRan(dt);
        metrics.recordDecision(dt, engine.energy().estimatePicojoules());
        p.counters().countDecision();
        for (int i = 0; i < proposal.length; i++) {
            proposal[i] = action[p.actionIndex(i)];
        }
        return true;
    }

    /** Passes the proposal through the safety gate into the command; true when it (possibly clamped) goes out. */
    private boolean gate(PreparedPolicy p) {
        if (!gate.pass(proposal, command)) {
            p.counters().countNonFinite();
            p.counters().countSafeHold();
            recorder.cause(Intervention.NON_FINITE_ACTION);
            return false;
        }
        recorder.cause(gate.lastAdjustment());
        return true;
    }

    private void hold(Intervention cause, PreparedPolicy p) {
        gate.hold(cause, command);
        recorder.cause(cause);
        if (p != null) {
            p.counters().countSafeHold();
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
        if (inputs != null) {
            inputs.close();
        }
        if (actions != null) {
            actions.close();
        }
        if (reward != null) {
            reward.close();
        }
    }
}

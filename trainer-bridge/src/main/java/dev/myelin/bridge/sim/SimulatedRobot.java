package dev.myelin.bridge.sim;

import dev.myelin.bridge.experience.TransitionRecorder;
import dev.myelin.bridge.ota.HealthCounters;
import dev.myelin.bridge.ota.ActivationTarget;
import dev.myelin.bridge.ota.ActivationRefusedException;
import dev.myelin.bridge.wire.RobotStatus;
import dev.myelin.policy.bundle.PolicyBundle;
import dev.myelin.policy.engine.InferenceEngine;
import dev.myelin.policy.engine.InferenceEngines;
import dev.myelin.policy.model.Channel;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A light-weight simulated robot that stands in for the controller where none runs: the update agent's
 * tests, the fleet scale benchmark, demos. It is not a mock: every tick it runs the active bundle's policy
 * in a real inference engine ({@code event} by default) on an observation computed from a simulated
 * unicycle base, and applies the action. What the controller's loop will do, in miniature:
 *
 * <ul>
 *   <li>fixed-rate ticks; a decision slower than its budget counts as a deadline miss;</li>
 *   <li>a non-finite action is never applied: the base stops and the tick counts a NaN action;</li>
 *   <li>a safety gate: a command beyond {@code speedLimit} of an action channel's half-range is clamped and
 *       counts a safety intervention;</li>
 *   <li>policy switches happen between ticks (hot swap), with everything allocated in {@link #prepare};</li>
 *   <li>loop timing over the last {@value #TIMING_WINDOW} decisions: period jitter (deviation of the time between
 *       tick starts from the period) and tick start to action, read by {@link #loop()}.</li>
 * </ul>
 *
 * <p>World: pose {@code (x, y, θ)}; actions 0 and 1 (when present), mapped from their channel range onto
 * [-1, 1], are the linear velocity (m/s) and yaw rate (rad/s): {@code x += v cos θ dt, y += v sin θ dt,
 * θ += ω dt}. Observation element {@code i} is its channel's centre plus half its half-range times one of
 * cos θ, sin θ, tanh x, tanh y, v, ω, sin(t + i), so every value stays inside its channel. Reward: minus
 * the distance to a goal at (2, 1). Episodes end every {@code episodeTicks} ticks (pose reset).
 *
 * <p>Threading: ticks run on the given scheduler (one tick at a time per robot); {@link #prepare} and
 * {@link #activate} on any other thread; {@link #health()} anywhere. The tick allocates nothing.
 */
public final class SimulatedRobot implements ActivationTarget, AutoCloseable {

    /** Settings; all optional. */
    public static final class Options {
        Duration period = Duration.ofMillis(10);
        Duration decisionBudget;
        String engine = "event";
        float speedLimit = 0.95f;
        int episodeTicks = 1000;
        TransitionRecorder recorder;

        public Options period(Duration p) {
            this.period = p;
            return this;
        }

        /** Longest acceptable decision (default: the period). */
        public Options decisionBudget(Duration d) {
            this.decisionBudget = d;
            return this;
        }

        public Options engine(String name) {
            this.engine = name;
            return this;
        }

        /** Fraction of each action channel's half-range the safety gate allows (default 0.95). */
        public Options speedLimit(float f) {
            this.speedLimit = f;
            return this;
        }

        public Options episodeTicks(int n) {
            this.episodeTicks = n;
            return this;
        }

        /** Records every tick's transition (for experience upload). */
        public Options recorder(TransitionRecorder r) {
            this.recorder = r;
            return this;
        }
    }

    /** A bundle with its engine and buffers. */
    private static final class Loaded implements Prepared {
        final PolicyBundle bundle;
        final InferenceEngine engine;
        final float[] observation;
        final float[] action;
        final float[] obsCenter;
        final float[] obsHalf;
        final float[] actCenter;
        final float[] actHalf;
        final long tag;

        Loaded(PolicyBundle bundle, InferenceEngine engine) {
            this.bundle = bundle;
            this.engine = engine;
            List<Channel> obs = bundle.policy().observations();
            List<Channel> act = bundle.policy().actions();
            this.observation = new float[obs.size()];
            this.action = new float[act.size()];
            this.obsCenter = new float[obs.size()];
            this.obsHalf = new float[obs.size()];
            for (int i = 0; i < obs.size(); i++) {
                obsCenter[i] = obs.get(i).center();
                obsHalf[i] = obs.get(i).halfRange();
            }
            this.actCenter = new float[act.size()];
            this.actHalf = new float[act.size()];
            for (int i = 0; i < act.size(); i++) {
                actCenter[i] = act.get(i).center();
                actHalf[i] = act.get(i).halfRange();
            }
            this.tag = TransitionRecorder.policyTag(bundle.digest());
        }

        @Override
        public PolicyBundle bundle() {
            return bundle;
        }
    }

    private record Switch(Loaded next, CompletableFuture<HealthCounters> done) {
    }

    private final String name;
    private final Options options;
    private final ScheduledExecutorService ticker;
    private final boolean ownsTicker;
    private final long budgetNanos;
    private final AtomicReference<Switch> pending = new AtomicReference<>();
    private final Object startLock = new Object();
    private ScheduledFuture<?> ticking;
    private volatile Loaded active;
    // Dekker-style hand-shake between close() and a tick in progress (both volatile: sequentially consistent).
    private volatile boolean stopped;
    private volatile boolean inTick;

    // Written by the tick only (single writer), read anywhere.
    private volatile long ticks;
    private volatile long interventions;
    private volatile long nanActions;
    private volatile long deadlineMisses;

    /** Decisions whose timing {@link #loop()} summarises. */
    public static final int TIMING_WINDOW = 1024;
    // Written by the tick only; read racily by loop() (a telemetry figure, not a counter anything depends on).
    private final long[] jitterNanos = new long[TIMING_WINDOW];
    private final long[] actNanos = new long[TIMING_WINDOW];
    private volatile long timed;
    private long lastStart;

    // Tick state.
    private double x;
    private double y;
    private double heading;
    private double v;
    private double w;
    private int episodeTick;

    /**
     * @param ticker scheduler for the ticks (shared by many robots in one process), or null for a thread of
     *               its own
     */
    public SimulatedRobot(String name, Options options, ScheduledExecutorService ticker) {
        if (options.period == null || options.period.isNegative() || options.period.isZero()) {
            throw new IllegalArgumentException("tick period must be positive");
        }
        if (!(options.speedLimit > 0f && options.speedLimit <= 1f)) {
            throw new IllegalArgumentException("speed limit must be in (0, 1], got " + options.speedLimit);
        }
        if (options.episodeTicks < 1) {
            throw new IllegalArgumentException("episode length must be >= 1 tick");
        }
        this.name = name;
        this.options = options;
        this.ownsTicker = ticker == null;
        this.ticker = ticker != null ? ticker : Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "sim-robot-" + name);
            t.setDaemon(true);
            return t;
        });
        this.budgetNanos = (options.decisionBudget != null ? options.decisionBudget : options.period).toNanos();
    }

    /** Starts ticking at the configured period. */
    public void start() {
        synchronized (startLock) {
            if (ticking == null) {
                long p = options.period.toNanos();
                ticking = ticker.scheduleAtFixedRate(this::tickSafely, p, p, TimeUnit.NANOSECONDS);
            }
        }
    }

    @Override
    public Prepared prepare(PolicyBundle bundle) throws ActivationRefusedException {
        if (bundle.policy().actions().isEmpty()) {
            throw new ActivationRefusedException(bundle.name() + " has no action channels to drive the base with");
        }
        Loaded l;
        try {
            l = new Loaded(bundle, InferenceEngines.create(options.engine, bundle.policy()));
        } catch (IllegalArgumentException e) {
            throw new ActivationRefusedException("engine " + options.engine + " cannot run " + bundle.name() + ": "
                    + e.getMessage(), e);
        }
        warmUp(l);
        return l;
    }

    /**
     * Runs decisions on channel-centre observations here, off the control thread, so the first ticks after the
     * switch do not run cold code and miss their deadline; then forgets the state they left.
     */
    private static void warmUp(Loaded l) {
        System.arraycopy(l.obsCenter, 0, l.observation, 0, l.observation.length);
        long until = System.nanoTime() + 20_000_000L;
        for (int i = 0; i < 200 && System.nanoTime() < until; i++) {
            l.engine.act(l.observation, l.action);
        }
        l.engine.reset();
    }

    @Override
    public CompletableFuture<HealthCounters> activate(Prepared next) {
        if (!(next instanceof Loaded l)) {
            return CompletableFuture.failedFuture(new ActivationRefusedException("not prepared by this robot"));
        }
        CompletableFuture<HealthCounters> done = new CompletableFuture<>();
        synchronized (startLock) {
            if (ticking == null || active == null) {
                // Not ticking yet: there is no tick to wait for.
                l.engine.reset();
                active = l;
                done.complete(health());
                return done;
            }
        }
        Switch previous = pending.getAndSet(new Switch(l, done));
        if (previous != null) {
            previous.done.completeExceptionally(new ActivationRefusedException("superseded by a later switch"));
        }
        return done;
    }

    @Override
    public HealthCounters health() {
        return new HealthCounters(ticks, interventions, nanActions, deadlineMisses);
    }

    /**
     * The 99th percentiles of period jitter and of tick start to action (microseconds) over the last
     * {@value #TIMING_WINDOW} decisions, and the deadline misses so far; null before two decisions ran. Any
     * thread (copies the window).
     */
    public RobotStatus.Loop loop() {
        int n = (int) Math.min(timed, TIMING_WINDOW);
        if (n == 0) {
            return null;
        }
        return new RobotStatus.Loop(p99Micros(jitterNanos, n), p99Micros(actNanos, n),
                Math.min(deadlineMisses, RobotStatus.MAX_COUNT));
    }

    private static long p99Micros(long[] window, int n) {
        long[] v = java.util.Arrays.copyOf(window, n);
        java.util.Arrays.sort(v);
        long p99 = v[Math.min(n - 1, (int) Math.ceil(0.99 * n) - 1)];
        return Math.min(RobotStatus.MAX_MICROS, Math.max(0, p99) / 1000);
    }

    /** The bundle running now (null before the first activation). */
    public PolicyBundle activeBundle() {
        Loaded l = active;
        return l == null ? null : l.bundle;
    }

    public String name() {
        return name;
    }

    private void tickSafely() {
        inTick = true;
        try {
            if (!stopped) {
                tick();
            }
        } catch (RuntimeException e) {
            // A tick must never kill the schedule; count it as a miss and go on.
            deadlineMisses++;
        } finally {
            inTick = false;
        }
    }

    /** One control period: switch if asked (tick boundary), observe, decide, gate, act, record. */
    void tick() {
        Switch s = pending.getAndSet(null);
        if (s != null) {
            s.next.engine.reset();
            active = s.next;
            s.done.complete(health());
        }
        long start = System.nanoTime();
        long sincePrevious = lastStart == 0 ? -1 : start - lastStart;
        lastStart = start;
        Loaded p = active;
        if (p == null) {
            return;
        }
        double t = ticks * (options.period.toNanos() / 1e9);
        float[] obs = p.observation;
        for (int i = 0; i < obs.length; i++) {
            double f = switch (i % 7) {
                case 0 -> Math.cos(heading);
                case 1 -> Math.sin(heading);
                case 2 -> Math.tanh(x);
                case 3 -> Math.tanh(y);
                case 4 -> v;
                case 5 -> w;
                default -> Math.sin(t + i);
            };
            obs[i] = (float) (p.obsCenter[i] + 0.5 * p.obsHalf[i] * f);
        }
        float[] act = p.action;
        long t0 = System.nanoTime();
        p.engine.act(obs, act);
        long acted = System.nanoTime();
        long spent = acted - t0;
        if (sincePrevious >= 0) {
            int slot = (int) (timed % TIMING_WINDOW);
            jitterNanos[slot] = Math.abs(sincePrevious - options.period.toNanos());
            actNanos[slot] = acted - start;
            timed++;
        }
        long missed = spent > budgetNanos ? 1 : 0;
        boolean finite = true;
        for (float a : act) {
            finite &= Float.isFinite(a);
        }
        double cmdV = 0;
        double cmdW = 0;
        long intervened = 0;
        if (finite) {
            double limit = options.speedLimit;
            double u0 = (act[0] - p.actCenter[0]) / p.actHalf[0];
            double u1 = act.length > 1 ? (act[1] - p.actCenter[1]) / p.actHalf[1] : 0;
            if (Math.abs(u0) > limit || Math.abs(u1) > limit) {
                intervened = 1;
                u0 = Math.max(-limit, Math.min(limit, u0));
                u1 = Math.max(-limit, Math.min(limit, u1));
            }
            cmdV = u0;
            cmdW = u1;
        }
        double dt = options.period.toNanos() / 1e9;
        v = cmdV;
        w = cmdW;
        x += v * Math.cos(heading) * dt;
        y += v * Math.sin(heading) * dt;
        heading += w * dt;
        boolean done = ++episodeTick >= options.episodeTicks;
        float reward = (float) -Math.hypot(x - 2.0, y - 1.0);
        TransitionRecorder rec = options.recorder;
        if (rec != null) {
            rec.record(obs, act, reward, done, t0, p.tag);
        }
        if (done) {
            x = 0;
            y = 0;
            heading = 0;
            episodeTick = 0;
            p.engine.reset();
        }
        deadlineMisses += missed;
        interventions += intervened;
        if (!finite) {
            nanActions++;
        }
        ticks++;
    }

    /**
     * Stops ticking (and the tick thread, when it owns one) and returns once no tick runs any more, so
     * nothing is recorded after it returns. The active policy stays set.
     */
    @Override
    public void close() {
        stopped = true;
        synchronized (startLock) {
            if (ticking != null) {
                ticking.cancel(false);
            }
        }
        while (inTick) {
            Thread.onSpinWait();
        }
        if (ownsTicker) {
            ticker.shutdownNow();
        }
    }
}

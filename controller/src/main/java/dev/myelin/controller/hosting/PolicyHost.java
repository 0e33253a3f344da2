package dev.myelin.controller.hosting;

import dev.myelin.controller.config.ControllerParams;
import dev.myelin.controller.config.MappingCheck;
import dev.myelin.controller.config.MappingMismatchException;
import dev.myelin.policy.bundle.BundleFormatException;
import dev.myelin.policy.bundle.BundleReader;
import dev.myelin.policy.bundle.PolicyBundle;
import dev.myelin.policy.bundle.TrustedKeys;
import dev.myelin.policy.engine.InferenceEngine;
import dev.myelin.policy.engine.InferenceEngines;
import dev.myelin.policy.model.Channel;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Hosts the controller's policy and swaps it while the loop runs. The OTA agent and the command
 * line use the same three steps:
 * <ol>
 *   <li>{@link #prepare}: off the loop thread, read and verify the bundle (digest, signature
 *       against the trusted keys), check the mapping against its spec, build the engine, warm it up
 *       and reset it; a rejected bundle changes nothing;</li>
 *   <li>{@link #swap}: hand it to the loop, which installs it at the start of its next tick (a
 *       reference swap, no allocation, recurrent state fresh) and returns once installed;</li>
 *   <li>{@link #health}: counters of the installed policy since the swap, for commit or rollback.</li>
 * </ol>
 * {@link #prepare}, {@link #swap} and {@link #health} may be called from any thread except the
 * loop's; {@link #takePending} and {@link #installed} are the loop thread's side.
 */
public final class PolicyHost {
    /** Decisions run during warm-up and timed for the median: the JIT has compiled most inner loops by then. */
    public static final int WARMUP_DECISIONS = 2000;
    /**
     * Decisions per batch once {@link #WARMUP_DECISIONS} are done and the engine still allocates: the
     * warm-up ends after the first batch that allocates nothing.
     */
    static final int SETTLE_BATCH = 100;
    /** At most this many decisions in all, however long the engine keeps allocating. */
    public static final int MAX_WARMUP_DECISIONS = 4 * WARMUP_DECISIONS;
    /** ... and at most this long after the first {@link #WARMUP_DECISIONS}. */
    static final long MAX_SETTLE_NANOS = 5_000_000_000L;

    private final ControllerParams params;
    private final BundleReader reader;
    private final TrustedKeys trusted;
    private final AtomicReference<PreparedPolicy> pending = new AtomicReference<>();
    private volatile PreparedPolicy current;
    private volatile long swaps;

    /**
     * Also compiles the engines' vector kernels ({@link InferenceEngines#warmKernels()}, once per
     * process): the controller builds its host at start-up, so later preparations, which may run
     * while the loop does, find them compiled and do not flood the heap.
     */
    public PolicyHost(ControllerParams params, TrustedKeys trusted) {
        InferenceEngines.warmKernels();
        this.params = params;
        this.trusted = trusted;
        this.reader = BundleReader.of(trusted);
    }

    /** The keys bundles must be signed with (empty: unsigned bundles accepted). */
    public TrustedKeys trustedKeys() {
        return trusted;
    }

    /** Reads, verifies and prepares a bundle file. Any thread but the loop's; takes milliseconds to seconds. */
    public PreparedPolicy prepare(Path bundleFile) throws PolicyRejectedException {
        PolicyBundle b;
        try {
            b = reader.read(bundleFile);
        } catch (IOException e) {
            throw new PolicyRejectedException("cannot read bundle " + bundleFile + ": " + e.getMessage(), e);
        } catch (BundleFormatException e) {
            throw new PolicyRejectedException("bundle " + bundleFile + " refused: " + e.getMessage(), e);
        }
        return prepare(b);
    }

    /** Verifies and prepares a bundle held in memory (as received over the release channel). */
    public PreparedPolicy prepare(byte[] bundleBytes) throws PolicyRejectedException {
        try {
            return prepare(reader.read(bundleBytes));
        } catch (BundleFormatException e) {
            throw new PolicyRejectedException("bundle refused: " + e.getMessage(), e);
        }
    }

    /**
     * Prepares an already verified bundle: checks the mapping, builds the configured engine, warms
     * it up on observations spread over the spec's ranges and refuses a policy that emits NaN/Inf
     * there or cannot decide within one control period.
     */
    public PreparedPolicy prepare(PolicyBundle bundle) throws PolicyRejectedException {
        if (!trusted.isEmpty() && !bundle.signatureVerified()) {
            throw new PolicyRejectedException(PreparedPolicy.label(bundle) + " is not signed by a trusted key "
                    + trusted.keyIds());
        }
        String label = PreparedPolicy.label(bundle);
        int[] outputToAction;
        try {
            outputToAction = MappingCheck.check(params, bundle.policy(), label);
        } catch (MappingMismatchException e) {
            throw new PolicyRejectedException(e.getMessage(), e);
        }
        InferenceEngine engine;
        try {
            engine = InferenceEngines.create(params.engine(), bundle.policy());
        } catch (RuntimeException e) {
            throw new PolicyRejectedException(label + ": cannot build engine '" + params.engine() + "': " + e.getMessage(), e);
        }
        WarmUp warm = warmUp(engine, label);
        long median = warm.medianNanos();
        if (median > params.periodNanos()) {
            throw new PolicyRejectedException(String.format(java.util.Locale.ROOT,
                    "%s on %s takes %.1f us per decision (median of the warm-up), more than the %.1f us control period",
                    label, engine.name(), median / 1e3, params.periodNanos() / 1e3));
        }
        return new PreparedPolicy(bundle, engine, outputToAction, median, warm.decisions(), warm.allocationFree());
    }

    /** Outcome of a warm-up: the median decision time and how many decisions it took to settle. */
    record WarmUp(long medianNanos, int decisions, boolean allocationFree) {
    }

    /**
     * Runs the engine on observations spread over the channel ranges: {@link #WARMUP_DECISIONS}
     * timed ones, then batches of {@link #SETTLE_BATCH} until a batch allocates nothing on this thread.
     *
     * <p>A kernel of the Vector API allocates its vectors (about a megabyte per decision for a
     * 64-64 PopSAN) until C2 has compiled and inlined it; C1 and the interpreter box every vector. The
     * compiler works in the background, so on a busy robot (the sim or the drivers, DDS, the loop
     * itself on the same cores) it can still be behind after the fixed count. Handed over in that
     * state, the engine would allocate on the loop thread at every decision until the compilation
     * lands, and at 100 Hz the invocation counts that trigger it grow ten times slower than at 1 kHz.
     * Settling on the allocation the loop would see makes the hand-over independent of the
     * compiler's speed and of the control rate.
     */
    private static WarmUp warmUp(InferenceEngine engine, String label) throws PolicyRejectedException {
        List<Channel> obs = engine.policy().observations();
        float[] o = new float[engine.observationSize()];
        float[] a = new float[engine.actionSize()];
        long[] times = new long[WARMUP_DECISIONS];
        SplittableRandom rnd = new SplittableRandom(42);
        AllocationMeter meter = AllocationMeter.forCurrentThread();
        int d = 0;
        boolean allocationFree = false;
        try {
            for (; d < WARMUP_DECISIONS; d++) {
                times[d] = decide(engine, label, obs, o, a, d, rnd);
            }
            if (meter != null) {
                long settleEnd = System.nanoTime() + MAX_SETTLE_NANOS;
                while (!allocationFree && d < MAX_WARMUP_DECISIONS && System.nanoTime() < settleEnd) {
                    long before = meter.allocatedBytes();
                    for (int b = 0; b < SETTLE_BATCH; b++, d++) {
                        decide(engine, label, obs, o, a, d, rnd);
                    }
                    allocationFree = meter.allocatedBytes() == before;
                }
            }
        } catch (RuntimeException e) {
            throw new PolicyRejectedException(label + ": engine " + engine.name() + " failed during warm-up: " + e, e);
        } finally {
            engine.reset();
        }
        Arrays.sort(times);
        return new WarmUp(times[times.length / 2], d, allocationFree);
    }

    /**
     * Warm-up decision {@code d}, every other one at the centre of each range, the rest uniformly over
     * the range; returns the time {@code act} took.
     */
    private static long decide(InferenceEngine engine, String label, List<Channel> obs, float[] o, float[] a, int d,
                               SplittableRandom rnd) throws PolicyRejectedException {
        for (int i = 0; i < o.length; i++) {
            Channel c = obs.get(i);
            o[i] = d % 2 == 0 ? c.center() : (float) (c.low() + rnd.nextDouble() * (c.high() - c.low()));
        }
        long t0 = System.nanoTime();
        engine.act(o, a);
        long t = System.nanoTime() - t0;
        for (int j = 0; j < a.length; j++) {
            if (!Float.isFinite(a[j])) {
                throw new PolicyRejectedException(label + ": action '" + engine.policy().actions().get(j).name()
                        + "' is " + a[j] + " for a warm-up observation within the spec's ranges");
            }
        }
        return t;
    }

    /** Bytes allocated by one thread, where the JVM counts them (HotSpot does). */
    private record AllocationMeter(com.sun.management.ThreadMXBean threads) {
        static AllocationMeter forCurrentThread() {
            if (java.lang.management.ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean t
                    && t.isThreadAllocatedMemorySupported() && t.isThreadAllocatedMemoryEnabled()) {
                return new AllocationMeter(t);
            }
            return null;
        }

        long allocatedBytes() {
            return threads.getCurrentThreadAllocatedBytes();
        }
    }

    /**
     * Hands {@code policy} to the loop and waits until it is installed at a tick boundary.
     *
     * A policy that ran before (retired by a later swap) may be swapped in again; swapping in the
     * running one returns at once.
     *
     * @throws IllegalStateException when {@code policy} is being swapped in already or another swap is pending
     * @throws TimeoutException      when the loop did not take it in time (it is then withdrawn, nothing changed)
     */
    public void swap(PreparedPolicy policy, Duration timeout) throws TimeoutException, InterruptedException {
        if (policy == current) {
            return; // already running: nothing to switch
        }
        if (!policy.makePending()) {
            throw new IllegalStateException(policy + " is already being swapped in");
        }
        if (!pending.compareAndSet(null, policy)) {
            policy.transition(PreparedPolicy.State.PENDING, PreparedPolicy.State.WITHDRAWN);
            throw new IllegalStateException("another swap is pending: " + pending.get());
        }
        if (!policy.installedLatch().await(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
            if (pending.compareAndSet(policy, null)) {
                policy.transition(PreparedPolicy.State.PENDING, PreparedPolicy.State.WITHDRAWN);
                throw new TimeoutException("the control loop did not take " + policy.label() + " within " + timeout
                        + " (is it running?); the previous policy stays");
            }
            policy.installedLatch().await(); // the loop took it just now: installation is a few field writes away
        }
    }

    /** The installed policy, or null before the first swap. Any thread. */
    public PreparedPolicy current() {
        return current;
    }

    /** Health of the installed policy, or null when none. Any thread. */
    public PolicyHealth health() {
        PreparedPolicy p = current;
        return p == null ? null : p.health();
    }

    /** Swaps completed. Any thread. */
    public long swaps() {
        return swaps;
    }

    /** A policy waiting to be installed, taken off the hand-over slot, or null. Loop thread; allocation-free. */
    public PreparedPolicy takePending() {
        return pending.get() == null ? null : pending.getAndSet(null);
    }

    /**
     * Records that the loop now runs {@code p}, with the loop-wide counters as they stand at the
     * switch (every later count belongs to {@code p}); resets its recurrent state. Loop thread.
     */
    public void installed(PreparedPolicy p, long nowNanos, long ticks, long safeHolds, long nonFinite, long misses) {
        p.engine().reset();
        p.switchTicks = ticks;
        p.switchSafeHolds = safeHolds;
        p.switchNonFinite = nonFinite;
        p.switchMisses = misses;
        PreparedPolicy old = current;
        if (old != null) {
            old.markRetired();
        }
        current = p;
        swaps = swaps + 1;
        p.markInstalled(nowNanos); // opens the swapper's latch: everything above is visible to it
    }
}

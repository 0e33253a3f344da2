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
    /** Decisions run during warm-up: enough for the JIT to compile the engine's inner loops. */
    public static final int WARMUP_DECISIONS = 2000;

    private final ControllerParams params;
    private final BundleReader reader;
    private final TrustedKeys trusted;
    private final AtomicReference<PreparedPolicy> pending = new AtomicReference<>();
    private volatile PreparedPolicy current;
    private volatile long swaps;

    public PolicyHost(ControllerParams params, TrustedKeys trusted) {
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
        long median = warmUp(engine, label);
        if (median > params.periodNanos()) {
            throw new PolicyRejectedException(String.format(java.util.Locale.ROOT,
                    "%s on %s takes %.1f us per decision (median of the warm-up), more than the %.1f us control period",
                    label, engine.name(), median / 1e3, params.periodNanos() / 1e3));
        }
        return new PreparedPolicy(bundle, engine, outputToAction, median);
    }

    /** Runs the engine on observations spread over the channel ranges; returns the median decision time. */
    private static long warmUp(InferenceEngine engine, String label) throws PolicyRejectedException {
        List<Channel> obs = engine.policy().observations();
        float[] o = new float[engine.observationSize()];
        float[] a = new float[engine.actionSize()];
        long[] times = new long[WARMUP_DECISIONS];
        SplittableRandom rnd = new SplittableRandom(42);
        try {
            for (int d = 0; d < WARMUP_DECISIONS; d++) {
                for (int i = 0; i < o.length; i++) {
                    Channel c = obs.get(i);
                    // Every other decision at the centre of each range, the rest uniformly over the range.
                    o[i] = d % 2 == 0 ? c.center() : (float) (c.low() + rnd.nextDouble() * (c.high() - c.low()));
                }
                long t0 = System.nanoTime();
                engine.act(o, a);
                times[d] = System.nanoTime() - t0;
                for (int j = 0; j < a.length; j++) {
                    if (!Float.isFinite(a[j])) {
                        throw new PolicyRejectedException(label + ": action '" + engine.policy().actions().get(j).name()
                                + "' is " + a[j] + " for a warm-up observation within the spec's ranges");
                    }
                }
            }
        } catch (RuntimeException e) {
            throw new PolicyRejectedException(label + ": engine " + engine.name() + " failed during warm-up: " + e, e);
        } finally {
            engine.reset();
        }
        Arrays.sort(times);
        return times[times.length / 2];
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

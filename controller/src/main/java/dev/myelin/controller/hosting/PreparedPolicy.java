package dev.myelin.controller.hosting;

import dev.myelin.policy.bundle.PolicyBundle;
import dev.myelin.policy.engine.InferenceEngine;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A verified bundle with its engine built, warmed up and reset, its mapping checked: eligible to be
 * swapped in. After a later swap it is retired but kept intact, so it can be swapped in again (a
 * rollback then needs no allocation); its recurrent state is reset whenever it is installed.
 */
public final class PreparedPolicy implements dev.myelin.bridge.ota.ActivationTarget.Prepared {
    /** Lifecycle of a prepared policy. */
    public enum State { PREPARED, PENDING, INSTALLED, RETIRED, WITHDRAWN }

    private final PolicyBundle bundle;
    private final InferenceEngine engine;
    private final int[] outputToAction;
    private final long warmupDecisionNanos;
    private final int warmupDecisions;
    private final boolean warmupAllocationFree;
    private final long tag;
    private final AtomicInteger state = new AtomicInteger(State.PREPARED.ordinal());
    private volatile CountDownLatch installed = new CountDownLatch(1);
    private final PolicyCounters counters = new PolicyCounters();
    private volatile long installedAtNanos;
    // Loop-wide counters as they stood at the last switch to this policy (written by the loop before the latch opens).
    long switchTicks;
    long switchSafeHolds;
    long switchNonFinite;
    long switchMisses;

    PreparedPolicy(PolicyBundle bundle, InferenceEngine engine, int[] outputToAction, long warmupDecisionNanos,
                   int warmupDecisions, boolean warmupAllocationFree) {
        this.bundle = bundle;
        this.engine = engine;
        this.outputToAction = outputToAction;
        this.warmupDecisionNanos = warmupDecisionNanos;
        this.warmupDecisions = warmupDecisions;
        this.warmupAllocationFree = warmupAllocationFree;
        String digest = bundle.digest();
        this.tag = digest != null && digest.length() >= 16
                ? dev.myelin.bridge.experience.TransitionRecorder.policyTag(digest) : 0L;
    }

    /** The bundle's tag in recorded experience: the first 8 bytes of its digest. */
    public long tag() {
        return tag;
    }

    @Override
    public PolicyBundle bundle() {
        return bundle;
    }

    /** The engine. Loop thread only once installed. */
    public InferenceEngine engine() {
        return engine;
    }

    /** For output {@code i} of the parameter file, the index of its channel in this policy's action vector. */
    public int actionIndex(int output) {
        return outputToAction[output];
    }

    /** Median decision time measured during warm-up, ns. */
    public long warmupDecisionNanos() {
        return warmupDecisionNanos;
    }

    /** Decisions the warm-up ran: {@link PolicyHost#WARMUP_DECISIONS} or more, until they allocated nothing. */
    public int warmupDecisions() {
        return warmupDecisions;
    }

    /**
     * Whether the warm-up ended on a batch of decisions that allocated nothing (false: it gave up at
     * {@link PolicyHost#MAX_WARMUP_DECISIONS} or its time limit, or the JVM does not count allocation).
     */
    public boolean warmupAllocationFree() {
        return warmupAllocationFree;
    }

    public State state() {
        return State.values()[state.get()];
    }

    /** e.g. {@code bundle 'nav' 1.2.0 (3fa2c1d0)}. */
    public String label() {
        return label(bundle);
    }

    static String label(PolicyBundle b) {
        return "bundle '" + b.name() + "' " + b.version() + " (" + b.digest().substring(0, Math.min(8, b.digest().length())) + ")";
    }

    boolean transition(State from, State to) {
        return state.compareAndSet(from.ordinal(), to.ordinal());
    }

    /** PREPARED, RETIRED or WITHDRAWN -> PENDING (with a fresh installation latch); false from any other state. */
    boolean makePending() {
        if (transition(State.PREPARED, State.PENDING)) {
            return true;
        }
        if (transition(State.RETIRED, State.PENDING) || transition(State.WITHDRAWN, State.PENDING)) {
            // Published to the loop only through the pending slot, after this write.
            installed = new CountDownLatch(1);
            return true;
        }
        return false;
    }

    CountDownLatch installedLatch() {
        return installed;
    }

    /** Loop thread: the policy runs from this tick; its counters restart. */
    void markInstalled(long nowNanos) {
        counters.reset();
        installedAtNanos = nowNanos;
        state.set(State.INSTALLED.ordinal());
        installed.countDown();
    }

    void markRetired() {
        state.set(State.RETIRED.ordinal());
    }

    /** What this policy did since it was last installed; the loop counts into it while the policy is installed. */
    public PolicyCounters counters() {
        return counters;
    }

    /**
     * The loop's monotonic counters as they stood when this policy was last switched in (valid once
     * a swap to it has returned). Any thread.
     */
    public dev.myelin.bridge.ota.HealthCounters countersAtSwitch() {
        CountDownLatch l = installed;
        if (l.getCount() != 0) {
            throw new IllegalStateException(label() + " has not been switched in");
        }
        return new dev.myelin.bridge.ota.HealthCounters(switchTicks, switchSafeHolds, switchNonFinite, switchMisses);
    }

    /** Health since installation. Any thread. */
    public PolicyHealth health() {
        long at = installedAtNanos;
        double secs = state() == State.INSTALLED || state() == State.RETIRED ? (System.nanoTime() - at) / 1e9 : 0;
        return new PolicyHealth(bundle.name(), bundle.version().toString(), bundle.digest(), engine.name(), secs,
                counters.decisions(), counters.nonFinite(), counters.faults(), counters.safeHolds(), counters.misses());
    }

    @Override
    public String toString() {
        return label() + " on " + engine.name() + " [" + state() + "]";
    }
}

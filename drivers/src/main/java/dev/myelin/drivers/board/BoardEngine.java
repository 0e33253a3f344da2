package dev.myelin.drivers.board;

import dev.myelin.policy.engine.EnergyMeter;
import dev.myelin.policy.engine.InferenceEngine;
import dev.myelin.policy.engine.Int8Core;
import dev.myelin.policy.engine.PopulationCodec;
import dev.myelin.policy.model.Policy;
import dev.myelin.policy.model.PopSan;
import org.HdrHistogram.Histogram;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * The {@code board} inference engine: a PopSAN whose spiking core runs on a neuromorphic board
 * (or the emulator) while the population encoder and decoder run here, exactly as in the {@code int8}
 * engine. Every decision has a deadline: when the board does not answer in time, is disconnected or
 * refuses the model, this decision's core is computed on the CPU with the same {@link Int8Core}
 * arithmetic (so the action is the same bits), the cause is counted, and a background thread
 * reconnects and reloads the model. The control thread never waits for a connection.
 *
 * <p>{@link #act} is called on the control thread only and allocates nothing in steady state
 * (board or CPU path); {@link #diagnostics()} may be called from any thread, its RTT percentiles are
 * exact only when read on the control thread or after it stopped.
 */
public final class BoardEngine implements InferenceEngine, AutoCloseable {
    private static final long MAX_BACKOFF_NANOS = TimeUnit.SECONDS.toNanos(2);

    private final Policy policy;
    private final BoardEngineOptions options;
    private final PopulationCodec codec;
    private final Int8Core cpuCore;
    private final List<Int8Core.Layer> layers;
    private final int inputs;
    private final int timesteps;
    private final int[] spikes;
    private final int[] row;
    private final int[] counts;
    private final EnergyMeter energy;
    private final int deadlineMillis;
    private final long deadlineNanos;
    private final Histogram rttNanos = new Histogram(60_000_000_000L, 3);

    private final AtomicReference<BoardLink> ready = new AtomicReference<>();
    private final Thread reconnector;
    private final CountDownLatch firstAttempt = new CountDownLatch(1);
    private volatile boolean wantLink = true;
    private volatile boolean closed;
    /** Owned by the control thread. */
    private BoardLink link;
    private long lastSpikes;
    private long lastSynOps;

    private volatile long boardDecisions;
    private volatile long cpuFallbacks;
    private volatile long timeouts;
    private volatile long disconnects;
    private final java.util.concurrent.atomic.AtomicLong refusals = new java.util.concurrent.atomic.AtomicLong();
    private volatile long connects;
    private volatile long late;
    private volatile String lastFault;

    /** Starts connecting in the background and waits up to the connect timeout for the first attempt. */
    public BoardEngine(Policy policy, BoardEngineOptions options) {
        if (!(policy.network() instanceof PopSan net)) {
            throw new IllegalArgumentException("board offload runs popsan policies, this one is "
                    + policy.network().family());
        }
        this.policy = policy;
        this.options = options;
        codec = new PopulationCodec(policy, options.seed());
        cpuCore = Int8Core.of(net);
        layers = cpuCore.layers();
        inputs = codec.inputSize();
        timesteps = codec.timesteps();
        if (timesteps > 0xFFFF) {
            throw new IllegalArgumentException("board STEP carries at most 65535 timesteps, the policy uses " + timesteps);
        }
        spikes = new int[timesteps * inputs];
        row = new int[inputs];
        counts = new int[codec.outputSize()];
        energy = new EnergyMeter(net.annEquivalentMacs());
        deadlineMillis = (int) Math.max(1, options.deadline().toMillis());
        deadlineNanos = options.deadline().toNanos();
        reconnector = Thread.ofPlatform().daemon().name("board-reconnect").start(this::reconnectLoop);
        try {
            firstAttempt.await(options.connect().toMillis() + 100, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String name() {
        return "board";
    }

    @Override
    public Policy policy() {
        return policy;
    }

    public BoardEngineOptions options() {
        return options;
    }

    @Override
    public void act(float[] observation, float[] action) {
        codec.begin(observation);
        long encoderSpikes = 0;
        for (int t = 0; t < timesteps; t++) {
            encoderSpikes += codec.step(row);
            System.arraycopy(row, 0, spikes, t * inputs, inputs);
        }
        if (link == null) {
            link = ready.getAndSet(null);
        }
        boolean done = false;
        if (link != null) {
            long t0 = System.nanoTime();
            try {
                link.step(spikes, timesteps, true, counts, deadlineMillis);
                long rtt = System.nanoTime() - t0;
                rttNanos.recordValue(Math.max(1, Math.min(rtt, rttNanos.getHighestTrackableValue())));
                if (rtt > deadlineNanos) {
                    late++;
                }
                lastSpikes = link.lastSpikes();
                lastSynOps = link.lastSynOps();
                boardDecisions++;
                done = true;
            } catch (BoardProtocolException e) {
                refusals.incrementAndGet();
                drop(e);
            } catch (InterruptedIOException e) {
                timeouts++;
                drop(e);
            } catch (IOException e) {
                disconnects++;
                drop(e);
            }
        }
        if (!done) {
            runOnCpu();
            cpuFallbacks++;
        }
        codec.decode(counts, action);
        energy.record(encoderSpikes + lastSpikes, lastSynOps, codec.macs());
    }

    /** The int8 engine's core loop over this decision's spikes. */
    private void runOnCpu() {
        cpuCore.reset();
        java.util.Arrays.fill(counts, 0);
        for (int t = 0; t < timesteps; t++) {
            System.arraycopy(spikes, t * inputs, row, 0, inputs);
            int[] out = cpuCore.step(row);
            for (int i = 0; i < counts.length; i++) {
                counts[i] += out[i];
            }
        }
        lastSpikes = cpuCore.spikes();
        lastSynOps = cpuCore.synOps();
    }

    /** Failure path (may allocate): give the link up and wake the reconnector. */
    private void drop(IOException cause) {
        lastFault = cause.toString();
        try {
            link.close();
        } catch (IOException ignored) {
            // the link is being discarded either way
        }
        link = null;
        wantLink = true;
        LockSupport.unpark(reconnector);
    }

    private void reconnectLoop() {
        long backoff = TimeUnit.MILLISECONDS.toNanos(20);
        while (!closed) {
            if (!wantLink) {
                LockSupport.park(this);
                continue;
            }
            BoardLink l = null;
            try {
                l = BoardLink.connect(options.address(), options.connect());
                l.load(layers);
                if (l.inputs() != inputs || l.outputs() != counts.length) {
                    throw new BoardProtocolException(BoardProtocol.E_INVALID_MODEL, "board reports " + l.inputs()
                            + " inputs and " + l.outputs() + " outputs for a model of " + inputs + " and " + counts.length);
                }
                wantLink = false;
                connects++;
                BoardLink stale = ready.getAndSet(l);
                closeQuietly(stale);
                backoff = TimeUnit.MILLISECONDS.toNanos(20);
                if (closed) {
                    closeQuietly(ready.getAndSet(null));
                }
            } catch (IOException | RuntimeException e) {
                if (e instanceof BoardProtocolException) {
                    refusals.incrementAndGet();
                }
                lastFault = e.getMessage();
                closeQuietly(l);
                firstAttempt.countDown();
                LockSupport.parkNanos(this, backoff);
                backoff = Math.min(MAX_BACKOFF_NANOS, backoff * 2);
            }
            firstAttempt.countDown();
        }
    }

    private static void closeQuietly(BoardLink l) {
        if (l != null) {
            try {
                l.close();
            } catch (IOException ignored) {
                // closing a link that is no longer used
            }
        }
    }

    /** True when a board link is ready or in use (as last seen by the control thread). */
    public boolean connected() {
        return link != null || ready.get() != null;
    }

    public BoardDiagnostics diagnostics() {
        return new BoardDiagnostics(boardDecisions, cpuFallbacks, timeouts, disconnects, refusals.get(), connects, late,
                lastFault, BoardLink.Rtt.of(rttNanos.copy()));
    }

    /** Forgets the recorded round trips (e.g. after a warm-up). Control thread only. */
    public void clearRtt() {
        rttNanos.reset();
    }

    @Override
    public void reset() {
        codec.reset();
    }

    /** Counts of the last decision (encoder spikes, core spikes and SynOps from the board or the CPU fallback). */
    @Override
    public EnergyMeter energy() {
        return energy;
    }

    /** Spikes of the core's neurons in the last decision, as the board (or the CPU core) counted them. */
    public long lastCoreSpikes() {
        return lastSpikes;
    }

    /** Stops reconnecting and closes the link. */
    @Override
    public void close() {
        closed = true;
        LockSupport.unpark(reconnector);
        closeQuietly(ready.getAndSet(null));
        closeQuietly(link);
        link = null;
    }
}

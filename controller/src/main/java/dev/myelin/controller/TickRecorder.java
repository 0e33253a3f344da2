package dev.myelin.controller;

import dev.myelin.controller.hosting.PreparedPolicy;
import dev.myelin.controller.safety.Intervention;

/**
 * What happens after a tick's outputs are written: the tick is handed to the {@link TickListener}
 * (decision recording) as a {@link TickRecord}, and a policy decision to the {@link ExperienceTap}.
 * The tick's cause, inference time and engine resets are noted during the tick and kept only while a
 * listener is attached. Loop thread (allocation-free) except where a method says otherwise.
 */
final class TickRecorder {
    private final float[] observation;
    private final float[] proposal;
    private final float[] action;
    private final float[] command;
    private final TickRecord record;
    private volatile TickListener listener;
    private volatile long listenerErrors;
    private TickListener listenerSeen;
    private volatile ExperienceTap tap;
    private volatile long recorded;
    private volatile long dropped;
    private Intervention cause;
    private long inferenceNanos;
    private boolean policyRan;
    private boolean engineReset;

    /** Reads the controller's per-tick arrays after each tick. */
    TickRecorder(float[] observation, float[] proposal, float[] action, float[] command) {
        this.observation = observation;
        this.proposal = proposal;
        this.action = action;
        this.command = command;
        this.record = new TickRecord(observation.length, action.length, command.length);
    }

    /** The listener called from the next tick on (null: none). Any thread. */
    void listener(TickListener l) {
        listener = l;
    }

    /** Exceptions thrown by listeners (each drops its listener). Any thread. */
    long listenerErrors() {
        return listenerErrors;
    }

    /** Records experience through {@code t} from the next tick on (null: stop). Any thread. */
    void tap(ExperienceTap t) {
        tap = t;
    }

    /** True while a tap records. Any thread. */
    boolean recording() {
        return tap != null;
    }

    /** Decisions written to a tap's recorder, and those it had no room for. Any thread. */
    long recorded() {
        return recorded;
    }

    long dropped() {
        return dropped;
    }

    /** The policy's recurrent state was reset this tick. */
    void engineReset() {
        engineReset = true;
    }

    /** The outputs were held safe (or a non-finite command blocked, or adjusted) for {@code c} this tick. */
    void cause(Intervention c) {
        cause = c;
    }

    /** The policy ran this tick, taking {@code nanos}. */
    void policyRan(long nanos) {
        policyRan = true;
        inferenceNanos = nanos;
    }

    /** After the outputs were written: experience, then the tick listener. */
    void after(PreparedPolicy p, boolean decided, boolean episodeEnded, long tick, long start) {
        ExperienceTap t = tap;
        if (t != null) {
            int written = t.after(p, decided, episodeEnded, tick, start);
            if (written > 0) {
                recorded = recorded + 1;
            } else if (written < 0) {
                dropped = dropped + 1;
            }
        }
        TickListener l = listener;
        if (l != null || listenerSeen != null) {
            notifyListener(l, p, decided, tick, start);
        }
    }

    /** Fills the tick record and hands it to the listener. */
    private void notifyListener(TickListener l, PreparedPolicy p, boolean decided, long tick, long start) {
        if (l != listenerSeen) {
            // the per-tick fields were not kept while no listener was attached: start with the next tick
            listenerSeen = l;
            clear();
            return;
        }
        TickRecord r = record;
        r.tick = tick;
        r.startNanos = start;
        r.decided = decided;
        r.policyRan = policyRan;
        r.engineReset = engineReset;
        r.cause = cause;
        r.inferenceNanos = inferenceNanos;
        System.arraycopy(observation, 0, r.observation, 0, observation.length);
        System.arraycopy(command, 0, r.command, 0, command.length);
        if (policyRan) {
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
        clear();
        try {
            l.onTick(r);
        } catch (RuntimeException | Error e) {
            listenerErrors = listenerErrors + 1;
            listener = null;
            System.err.println("myelin controller: tick listener threw " + e + "; it is removed");
        }
    }

    /** Ready for the next tick's cause, inference time and resets. */
    private void clear() {
        cause = null;
        policyRan = false;
        inferenceNanos = 0;
        engineReset = false;
    }
}

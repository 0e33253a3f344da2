package dev.myelin.controller;

import dev.myelin.controller.config.ControllerParams;
import dev.myelin.controller.mapping.ObservationMap;
import dev.myelin.controller.mapping.TopicInput;
import dev.myelin.controller.safety.EstopLatch;
import dev.myelin.ros2.Node;
import dev.myelin.ros2.Qos;

/**
 * Everything the controller reads at the start of a tick: the episode-reset topic, the e-stop latch
 * and the observation vector with its staleness. {@link #read} on the loop thread (allocation-free);
 * the queries from any thread.
 */
final class ControllerInputs implements AutoCloseable {
    private final ObservationMap observations;
    private final EstopLatch estop;
    private final TopicInput episodeReset;
    private long episodeResetsSeen;
    private boolean wasStale = true;
    private boolean episodeEnded;
    private boolean gapStarted;
    private volatile int staleSlice = -1;
    private volatile long episodeResets;

    /** Opens every input named by {@code params}; nothing is left open if one fails. */
    ControllerInputs(ControllerParams params, Node node) {
        ObservationMap o = null;
        EstopLatch e = null;
        try {
            o = new ObservationMap(node, params.observations());
            e = new EstopLatch(node, params.estopTopic(), params.estopResetTopic());
            episodeReset = params.resetTopic() == null ? null
                    : new TopicInput(node, params.resetTopic(), node.messageType(params.resetType()), Qos.DEFAULT);
        } catch (RuntimeException ex) {
            if (e != null) {
                e.close();
            }
            if (o != null) {
                o.close();
            }
            throw ex;
        }
        observations = o;
        estop = e;
    }

    /**
     * This tick's inputs: an episode reset, the e-stop, then the observation vector into {@code observation}.
     * Returns the index of a stale observation slice, or -1 when all are fresh. Loop thread; allocation-free.
     */
    int read(long tick, long now, float[] observation) {
        episodeEnded = false;
        if (episodeReset != null) {
            long n = episodeReset.receivedCount();
            if (n != episodeResetsSeen) {
                episodeEnded = true;
                episodeResetsSeen = n;
                episodeResets = episodeResets + 1;
            }
        }
        estop.poll(tick);
        int stale = observations.read(tick, now, observation);
        staleSlice = stale;
        gapStarted = stale >= 0 && !wasStale;
        wasStale = stale >= 0;
        return stale;
    }

    /** The last {@link #read} saw the episode-reset topic fire. Loop thread. */
    boolean episodeEnded() {
        return episodeEnded;
    }

    /** The last {@link #read} found an input stale that was fresh before. Loop thread. */
    boolean gapStarted() {
        return gapStarted;
    }

    ObservationMap observations() {
        return observations;
    }

    EstopLatch estop() {
        return estop;
    }

    /** Name of the observation slice that is stale now, or null when every input is fresh. Any thread. */
    String staleInput() {
        int s = staleSlice;
        return s < 0 ? null : observations.sliceName(s);
    }

    /** Episode resets seen. Any thread. */
    long episodeResets() {
        return episodeResets;
    }

    @Override
    public void close() {
        observations.close();
        estop.close();
        if (episodeReset != null) {
            episodeReset.close();
        }
    }
}

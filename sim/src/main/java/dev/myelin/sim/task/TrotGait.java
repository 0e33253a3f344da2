package dev.myelin.sim.task;

import dev.myelin.sim.Actor;

/**
 * A hand-written, open-loop trot for {@code quadruped-walk}, the scripted reference of velocity tracking:
 * diagonal leg pairs (front-left with hind-right, front-right with hind-left) swing in antiphase at
 * 3 Hz; each thigh swings around the standing pose by a stride amplitude, and each calf folds by up to
 * 0.5 rad while its leg swings forward, lifting the foot. The stride grows with the commanded forward
 * speed ({@code 0.07 + c_v / 2.6} rad, measured on the shipped model: 0.15 rad walks at about
 * 0.2 m/s), and the right legs stride longer than the left ones by {@code 0.2 c_w} rad to turn left.
 * It reads only the command channels of the observation (full 33-channel layout); it does not balance.
 * One agent; allocation-free. {@link #targets} is also the reference of {@link QuadrupedWalk}'s gait-prior
 * reward term.
 */
public final class TrotGait implements Actor {
    private static final double FREQUENCY = 3.0;
    private static final double LIFT = 0.5;
    private static final double STRIDE_AT_REST = 0.07;
    private static final double STRIDE_PER_SPEED = 1 / 2.6;
    private static final double STRIDE_PER_TURN = 0.1;
    private static final double MAX_STRIDE = 0.3;

    private final double period;
    private long step;

    /** @param controlPeriod the task's seconds per step */
    public TrotGait(double controlPeriod) {
        this.period = controlPeriod;
    }

    @Override
    public void startEpisode() {
        step = 0;
    }

    @Override
    public void act(float[] observation, float[] action) {
        int n = observation.length;
        if (n != 33 || action.length != 12) {
            throw new IllegalArgumentException("the scripted trot drives one quadruped-walk robot with the full observation, "
                    + "got " + n + " observations and " + action.length + " actions");
        }
        targets(step, period, observation[n - 2], observation[n - 1], action);
        step++;
    }

    /**
     * The trot's 12 joint targets (rad, {@link QuadrupedWalk#JOINTS} order) at step {@code step} of an
     * episode of {@code period} seconds per step, for the command {@code speed} (m/s) and {@code turn} (rad/s), written into {@code out}.
     * Allocation-free.
     */
    public static void targets(long step, double period, double speed, double turn, float[] out) {
        double hip = (float) QuadrupedWalk.STAND[0];
        double thigh = (float) QuadrupedWalk.STAND[1];
        double calf = (float) QuadrupedWalk.STAND[2];
        double phase = 2 * Math.PI * FREQUENCY * step * period;
        double stride = STRIDE_AT_REST + STRIDE_PER_SPEED * speed;
        for (int leg = 0; leg < 4; leg++) {
            boolean right = leg == 1 || leg == 3;
            double amplitude = Math.clamp(stride + (right ? STRIDE_PER_TURN : -STRIDE_PER_TURN) * turn, 0, MAX_STRIDE);
            double p = phase + (leg == 0 || leg == 3 ? 0 : Math.PI);
            out[3 * leg] = (float) hip;
            out[3 * leg + 1] = (float) (thigh - amplitude * Math.sin(p));
            out[3 * leg + 2] = (float) (calf - LIFT * Math.max(0, Math.cos(p)));
        }
    }
}

package dev.myelin.sim.task;

/**
 * A hand-written baseline for the navigation tasks that reads only the observation: steer along the
 * sum of a unit pull toward the goal and a push away from every lidar return nearer than an
 * influence radius (a potential field), slowing down when something is close ahead. Good enough to
 * render meaningful episodes and to check that the tasks are solvable; a learned policy should beat
 * it. Holds no state between calls; one instance per thread.
 */
public final class ScriptedNavigator {
    private final int beams;
    private final double[] cosBeam;
    private final double[] sinBeam;
    private final double maxLinear;
    private final double maxAngular;
    private final double influence;

    public ScriptedNavigator(Lidar lidar, double maxLinear, double maxAngular) {
        this.beams = lidar.beams();
        this.cosBeam = new double[beams];
        this.sinBeam = new double[beams];
        for (int k = 0; k < beams; k++) {
            cosBeam[k] = Math.cos(lidar.beamAngle(k));
            sinBeam[k] = Math.sin(lidar.beamAngle(k));
        }
        this.maxLinear = maxLinear;
        this.maxAngular = maxAngular;
        this.influence = 0.6;
    }

    /** This baseline driving every robot of an env whose observation is {@code observationSize} floats per robot. */
    public dev.myelin.sim.Actor actor(int robots, int observationSize) {
        if (observationSize != beams + 4) {
            throw new IllegalArgumentException("the scripted navigator needs the full observation (" + (beams + 4)
                    + " floats per robot), got " + observationSize);
        }
        return (observation, action) -> {
            for (int r = 0; r < robots; r++) {
                act(observation, r * observationSize, action, 2 * r);
            }
        };
    }

    /** The baseline for {@code task}'s robots. */
    public static ScriptedNavigator of(DiffDriveNav task) {
        return new ScriptedNavigator(task.lidar(), task.config().maxLinear(), task.config().maxAngular());
    }

    /**
     * Writes (linear, angular) velocity for the observation at {@code obs[off..]} into
     * {@code action[actOff..actOff+2)}.
     */
    public void act(float[] obs, int off, float[] action, int actOff) {
        double goalDistance = obs[off + beams];
        double bearing = obs[off + beams + 1];
        double fx = Math.cos(bearing);
        double fy = Math.sin(bearing);
        double nearestAhead = Double.POSITIVE_INFINITY;
        for (int k = 0; k < beams; k++) {
            double r = obs[off + k];
            if (cosBeam[k] > 0.7) {
                nearestAhead = Math.min(nearestAhead, r);
            }
            if (r < influence) {
                double push = (1.0 / Math.max(r, 0.05) - 1.0 / influence) * 0.35;
                fx -= push * cosBeam[k] / beams * 8;
                fy -= push * sinBeam[k] / beams * 8;
            }
        }
        double heading = Math.atan2(fy, fx);
        double w = Math.max(-maxAngular, Math.min(maxAngular, 2.5 * heading));
        double v = maxLinear * Math.max(0.0, Math.cos(heading));
        v *= Math.min(1.0, Math.max(0.0, (nearestAhead - 0.2) / 0.4));
        v = Math.min(v, 0.8 * goalDistance + 0.02);
        action[actOff] = (float) v;
        action[actOff + 1] = (float) w;
    }
}

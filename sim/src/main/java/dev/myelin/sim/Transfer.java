package dev.myelin.sim;

import dev.myelin.sim.task.NavigationWorld;

import java.util.ArrayList;
import java.util.List;

/**
 * One policy on two worlds over the same episode seeds, to measure what it loses when the plant
 * changes (the kinematic {@code diffdrive-nav} against the MuJoCo base, {@code mujoco-nav}). Every
 * episode records its seed and scene (start and goal), so a report shows the worlds were given the
 * same problems; the rates are computed from those records. One thread.
 */
public final class Transfer {

    /** One episode: its seed, the robot's start and goal, and how it ended. */
    public record Episode(long seed, double startX, double startY, double goalX, double goalY, Outcome outcome,
                          double episodeReturn, int length) {
    }

    /** A world's episodes, in seed order. */
    public record World(String task, List<Episode> episodes) {
        public World {
            episodes = List.copyOf(episodes);
        }

        private double fraction(Outcome o) {
            return episodes.stream().filter(e -> e.outcome() == o).count() / (double) episodes.size();
        }

        public double successRate() {
            return fraction(Outcome.SUCCESS);
        }

        public double collisionRate() {
            return fraction(Outcome.COLLISION);
        }

        public double timeoutRate() {
            return fraction(Outcome.TIMEOUT);
        }

        public double meanReturn() {
            return episodes.stream().mapToDouble(Episode::episodeReturn).average().orElse(Double.NaN);
        }

        public double meanLength() {
            return episodes.stream().mapToInt(Episode::length).average().orElse(Double.NaN);
        }
    }

    private Transfer() {
    }

    /**
     * Runs {@code episodes} episodes of a one-robot navigation env on seeds {@code seed, seed + 1, ...}.
     *
     * @throws IllegalArgumentException when the env is not a one-robot navigation task
     */
    public static World run(SimEnv env, Actor actor, int episodes, long seed) {
        if (episodes < 1) {
            throw new IllegalArgumentException("episodes must be >= 1, got " + episodes);
        }
        if (!(env.simulator() instanceof NavigationWorld nav) || env.agents() != 1) {
            throw new IllegalArgumentException("transfer compares one-robot navigation tasks, not " + env.task());
        }
        List<Episode> out = new ArrayList<>(episodes);
        float[] action = new float[env.actionSpace().size()];
        for (int e = 0; e < episodes; e++) {
            long s = seed + e;
            float[] obs = env.reset(s);
            double sx = nav.robotX(0);
            double sy = nav.robotY(0);
            double gx = nav.goalX(0);
            double gy = nav.goalY(0);
            Transition t = Evaluation.episode(env, actor, obs, action, step -> { });
            out.add(new Episode(s, sx, sy, gx, gy, t.outcome(0), t.episodeReturn(), t.episodeLength()));
        }
        return new World(env.task(), out);
    }
}

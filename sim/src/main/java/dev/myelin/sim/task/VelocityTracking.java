package dev.myelin.sim.task;

import dev.myelin.sim.Actor;
import dev.myelin.sim.Env;
import dev.myelin.sim.Evaluation;
import dev.myelin.sim.Outcome;
import dev.myelin.sim.Transition;

/**
 * How well an actor tracks {@code quadruped-walk}'s commanded velocity: per control step, the trunk's
 * forward speed v (body frame) against the command c_v and its yaw rate w against c_w, over every step
 * the robot is driven, and how often it falls.
 *
 * @param episodes      episodes driven
 * @param steps         control steps driven (all episodes)
 * @param seconds       simulated time driven (s)
 * @param falls         episodes that ended in a fall
 * @param linearRms     root mean square of {@code v - c_v} over all steps (m/s)
 * @param angularRms    root mean square of {@code w - c_w} over all steps (rad/s)
 * @param linearMeanAbs mean of {@code |v - c_v|} over all steps (m/s)
 * @param meanSpeed     mean forward speed (m/s)
 * @param meanCommand   mean commanded forward speed (m/s)
 * @param meanReturn    mean episode return
 */
public record VelocityTracking(int episodes, long steps, double seconds, int falls, double linearRms, double angularRms,
                               double linearMeanAbs, double meanSpeed, double meanCommand, double meanReturn) {

    /** Falls per minute of simulated driving. */
    public double fallsPerMinute() {
        return seconds > 0 ? 60.0 * falls / seconds : 0;
    }

    /**
     * Drives {@code episodes} episodes of {@code env} (seeds {@code seed, seed + 1, ...}) with {@code actor}
     * and measures the tracking of {@code task}, the one-world quadruped behind {@code env}.
     */
    public static VelocityTracking measure(Env env, QuadrupedWalk task, Actor actor, int episodes, long seed) {
        if (episodes < 1) {
            throw new IllegalArgumentException("episodes must be >= 1, got " + episodes);
        }
        if (env.agents() != 1) {
            throw new IllegalArgumentException("velocity tracking is measured on one robot, the env has " + env.agents());
        }
        float[] action = new float[env.actionSpace().size()];
        Tally tally = new Tally(task);
        for (int e = 0; e < episodes; e++) {
            Transition t = Evaluation.episode(env, actor, env.reset(seed + e), action, step -> tally.step());
            tally.episodeEnd(t.outcome(0), t.episodeReturn());
        }
        return tally.summary();
    }

    /**
     * Running sums of the tracking figures of one quadruped (agent 0 of its task), fed step by step by
     * whoever steps it (an evaluation loop, a sim node's tick). Allocates only in {@link #summary}; its
     * methods are synchronized, so another thread may read or restart it while one thread feeds it.
     */
    public static final class Tally {
        private final QuadrupedWalk task;
        private long steps;
        private int episodes;
        private int falls;
        private double linear2;
        private double angular2;
        private double linearAbs;
        private double speed;
        private double command;
        private double returns;

        public Tally(QuadrupedWalk task) {
            this.task = task;
        }

        /** Adds the state after a step: the trunk's forward speed and yaw rate against the command. */
        public synchronized void step() {
            double v = task.forwardSpeed(0);
            double c = task.commandLinear(0);
            double ev = v - c;
            double ew = task.yawRate(0) - task.commandAngular(0);
            linear2 += ev * ev;
            angular2 += ew * ew;
            linearAbs += Math.abs(ev);
            speed += v;
            command += c;
            steps++;
        }

        /** Adds an episode that ended with {@code outcome} (a {@link Outcome#FAILURE} is a fall). */
        public synchronized void episodeEnd(Outcome outcome, double episodeReturn) {
            episodes++;
            if (outcome == Outcome.FAILURE) {
                falls++;
            }
            returns += episodeReturn;
        }

        /** Forgets everything added so far. */
        public synchronized void restart() {
            steps = 0;
            episodes = 0;
            falls = 0;
            linear2 = 0;
            angular2 = 0;
            linearAbs = 0;
            speed = 0;
            command = 0;
            returns = 0;
        }

        /** The figures of what was added (NaN errors before the first step; mean return 0 before an episode ends). */
        public synchronized VelocityTracking summary() {
            double n = steps;
            return new VelocityTracking(episodes, steps, steps * task.controlPeriod(), falls, Math.sqrt(linear2 / n),
                    Math.sqrt(angular2 / n), linearAbs / n, speed / n, command / n, episodes > 0 ? returns / episodes : 0);
        }
    }

    /** The reference that ignores the command by not walking: the standing pose, always. */
    public static Actor standing() {
        float[] stand = QuadrupedWalk.standingTargets();
        return (observation, action) -> System.arraycopy(stand, 0, action, 0, stand.length);
    }

    /**
     * {@code actor} with the command it sees held at the middle of the commanded ranges (0.25 m/s, no turn):
     * the same gait, blind to the episode's command. Against it, a policy's lower error is what it gains
     * from reading the command. {@code observationSize} is the full task observation (33 channels).
     */
    public static Actor commandBlind(Actor actor, int observationSize) {
        if (observationSize != QuadrupedWalk.observationLayout().size()) {
            throw new IllegalArgumentException("the command-blind reference needs quadruped-walk's full observation ("
                    + QuadrupedWalk.observationLayout().size() + " channels), got " + observationSize);
        }
        float[] seen = new float[observationSize];
        return new Actor() {
            @Override
            public void act(float[] observation, float[] action) {
                System.arraycopy(observation, 0, seen, 0, observationSize);
                seen[observationSize - 2] = (float) (QuadrupedWalk.MAX_SPEED / 2);
                seen[observationSize - 1] = 0f;
                actor.act(seen, action);
            }

            @Override
            public void startEpisode() {
                actor.startEpisode();
            }

            @Override
            public void observe(Transition transition) {
                actor.observe(transition);
            }
        };
    }
}

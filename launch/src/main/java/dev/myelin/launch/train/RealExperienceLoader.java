package dev.myelin.launch.train;

import dev.myelin.bridge.experience.ExperienceTransition;
import dev.myelin.trainer.run.RealExperience;

import java.util.Iterator;

/**
 * Turns the transitions robots uploaded (one record per control step, in robot, outbox, segment and index
 * order) into training transitions {@code (o, a, r, o', terminal)}: the next observation is the robot's
 * next recorded step. A step is used only when it has a reward, finite vectors, and either ended its
 * episode or has its successor (the next index in the same segment, or index 0 of the next segment less
 * than {@link #MAX_GAP_NANOS} later); the rest are counted, not guessed. A robot whose vectors do not fit
 * the task is an error naming the robot, and nothing is returned.
 */
final class RealExperienceLoader {

    /** Longest pause between a segment's last step and the next segment's first that still joins them. */
    static final long MAX_GAP_NANOS = 1_000_000_000L;

    /** What was used and why the rest was not. */
    record Counts(long read, long used, long noReward, long nonFinite, long noSuccessor) {
        String describe() {
            return read + " recorded steps: " + used + " used, " + noReward + " without a reward, " + nonFinite
                    + " with non-finite values, " + noSuccessor + " without a recorded next step";
        }
    }

    private RealExperienceLoader() {
    }

    static Counts load(Iterable<ExperienceTransition> ordered, RealExperience into) {
        int obs = into.observationSize();
        int act = into.actionSize();
        long read = 0;
        long used = 0;
        long noReward = 0;
        long nonFinite = 0;
        long noSuccessor = 0;
        Iterator<ExperienceTransition> it = ordered.iterator();
        ExperienceTransition t = it.hasNext() ? it.next() : null;
        while (t != null) {
            read++;
            ExperienceTransition n = it.hasNext() ? it.next() : null;
            if (t.observation().length != obs || t.action().length != act) {
                throw new IllegalArgumentException("robot " + t.robot() + " recorded " + t.observation().length
                        + " observations and " + t.action().length + " actions per step; the task has " + obs + " and " + act);
            }
            if (Float.isNaN(t.reward())) {
                noReward++;
            } else if (!finite(t.observation()) || !finite(t.action()) || !Float.isFinite(t.reward())) {
                nonFinite++;
            } else if (t.done()) {
                into.add(t.observation(), t.action(), t.reward(), t.observation(), true);
                used++;
            } else if (n != null && successor(t, n) && n.observation().length == obs && finite(n.observation())) {
                into.add(t.observation(), t.action(), t.reward(), n.observation(), false);
                used++;
            } else {
                noSuccessor++;
            }
            t = n;
        }
        return new Counts(read, used, noReward, nonFinite, noSuccessor);
    }

    static boolean successor(ExperienceTransition t, ExperienceTransition n) {
        if (!t.robot().equals(n.robot()) || t.outboxId() != n.outboxId()) {
            return false;
        }
        if (n.segment() == t.segment()) {
            return n.index() == t.index() + 1;
        }
        long gap = n.timeNanos() - t.timeNanos();
        return n.segment() == t.segment() + 1 && n.index() == 0 && gap > 0 && gap < MAX_GAP_NANOS;
    }

    private static boolean finite(float[] v) {
        for (float x : v) {
            if (!Float.isFinite(x)) {
                return false;
            }
        }
        return true;
    }
}

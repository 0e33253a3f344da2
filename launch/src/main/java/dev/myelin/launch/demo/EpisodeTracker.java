package dev.myelin.launch.demo;

import dev.myelin.launch.file.SimRobotNode;
import dev.myelin.sim.EpisodeStats;
import dev.myelin.sim.Outcome;
import dev.myelin.sim.node.SimNode;
import dev.myelin.sim.task.DiffDriveNav;
import dev.myelin.sim.task.MujocoNav;
import dev.myelin.sim.task.NavigationWorld;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * Watches the simulated robot from the sim thread: each episode's path, scene (start, goal, obstacles),
 * outcome and return, and which policy drove it from start to end. Traces come from a pool made at
 * construction, so ticking allocates nothing; episodes past the pool's size are counted but not drawn.
 */
final class EpisodeTracker implements SimRobotNode.TickObserver {
    static final int MAX_OBSTACLES = 64;

    /** One episode as recorded. Written by the sim thread until {@link #finished}, then read-only. */
    static final class Trace {
        final float[] xs;
        final float[] ys;
        final float[] obstacleX = new float[MAX_OBSTACLES];
        final float[] obstacleY = new float[MAX_OBSTACLES];
        final float[] obstacleR = new float[MAX_OBSTACLES];
        int points;
        int obstacles;
        float goalX;
        float goalY;
        Object policy;
        boolean samePolicyThroughout;
        Outcome outcome;
        double episodeReturn;
        int index;
        volatile boolean finished;

        Trace(int capacity) {
            xs = new float[capacity];
            ys = new float[capacity];
        }
    }

    private final Supplier<Object> activePolicy;
    private final Trace[] pool;
    private final List<Trace> done;
    private Trace current;
    private int used;
    private long seenEpisodes = -1;
    private long seenSuccess;
    private long seenCollision;
    private long seenTimeout;
    private double seenReturnSum;
    private volatile long episodesEnded;

    /**
     * @param activePolicy the policy object the controller runs now (compared by identity)
     * @param maxEpisodes  traces kept
     * @param maxSteps     points per trace
     */
    EpisodeTracker(Supplier<Object> activePolicy, int maxEpisodes, int maxSteps) {
        this.activePolicy = activePolicy;
        this.pool = new Trace[maxEpisodes];
        this.done = new ArrayList<>(maxEpisodes);
        for (int i = 0; i < maxEpisodes; i++) {
            pool[i] = new Trace(maxSteps + 2);
        }
    }

    @Override
    public void beforeTick(SimNode sim) {
        // The MuJoCo base draws its scenes with a diffdrive-nav of the same settings: its obstacles are that one's.
        NavigationWorld nav = (NavigationWorld) sim.env().simulator();
        EpisodeStats s = sim.stats();
        long episodes = s.episodes();
        if (episodes != seenEpisodes) {
            if (seenEpisodes >= 0 && current != null) {
                finish(s);
            }
            remember(s);
            seenEpisodes = episodes;
            begin(nav);
        }
        Trace t = current;
        if (t != null && t.points < t.xs.length) {
            t.xs[t.points] = (float) nav.robotX(0);
            t.ys[t.points] = (float) nav.robotY(0);
            t.points++;
        }
    }

    private void remember(EpisodeStats s) {
        seenSuccess = s.successes();
        seenCollision = s.collisions();
        seenTimeout = s.timeouts();
        seenReturnSum = returnSum(s);
    }

    private static double returnSum(EpisodeStats s) {
        return s.episodes() == 0 ? 0 : s.meanReturn() * s.episodes();
    }

    private void finish(EpisodeStats s) {
        Trace t = current;
        if (s.successes() > seenSuccess) {
            t.outcome = Outcome.SUCCESS;
        } else if (s.collisions() > seenCollision) {
            t.outcome = Outcome.COLLISION;
        } else if (s.timeouts() > seenTimeout) {
            t.outcome = Outcome.TIMEOUT;
        } else {
            t.outcome = Outcome.FAILURE;
        }
        t.episodeReturn = returnSum(s) - seenReturnSum;
        t.samePolicyThroughout = t.policy != null && t.policy == activePolicy.get();
        t.finished = true;
        synchronized (done) {
            done.add(t);
        }
        episodesEnded = episodesEnded + 1;
        current = null;
    }

    private void begin(NavigationWorld nav) {
        DiffDriveNav scene = nav instanceof MujocoNav m ? m.scene() : (DiffDriveNav) nav;
        if (used >= pool.length) {
            current = null;
            return;
        }
        Trace t = pool[used];
        t.index = used++;
        t.points = 0;
        t.policy = activePolicy.get();
        t.goalX = (float) nav.goalX(0);
        t.goalY = (float) nav.goalY(0);
        int n = Math.min(MAX_OBSTACLES, scene.obstacleCount(0));
        for (int k = 0; k < n; k++) {
            t.obstacleX[k] = (float) scene.obstacleX(0, k);
            t.obstacleY[k] = (float) scene.obstacleY(0, k);
            t.obstacleR[k] = (float) scene.obstacleRadius(0, k);
        }
        t.obstacles = n;
        current = t;
    }

    /**
     * Forgets the episode in progress and starts counting afresh: the simulation was replaced. Call it while
     * the sim thread is stopped.
     */
    void restart() {
        current = null;
        seenEpisodes = -1;
    }

    /** Episodes ended so far (any thread). */
    long episodesEnded() {
        return episodesEnded;
    }

    /** Finished episodes driven from start to end by {@code policy}. Any thread. */
    List<Trace> episodesOf(Object policy) {
        List<Trace> out = new ArrayList<>();
        synchronized (done) {
            for (Trace t : done) {
                if (t.samePolicyThroughout && t.policy == policy) {
                    out.add(t);
                }
            }
        }
        return out;
    }
}

package dev.myelin.sim;

/**
 * Episode counters of an env: how many agent-episodes ended and how, their returns and lengths, and
 * how many action components had to be clipped. Keeps the last {@value #WINDOW} returns for a
 * rolling mean. Recording allocates nothing. Single writer; read it on the thread that drives the env.
 */
public final class EpisodeStats {
    /** Episodes in the rolling window. */
    public static final int WINDOW = 100;

    private long episodes;
    private long successes;
    private long collisions;
    private long failures;
    private long timeouts;
    private long steps;
    private long clipped;
    private double returnSum;
    private long lengthSum;
    private final double[] recent = new double[WINDOW];
    private int recentCount;
    private int recentHead;

    /** Records one agent-episode that ended with {@code outcome} after {@code length} steps. */
    public void recordEpisode(Outcome outcome, double episodeReturn, int length) {
        if (outcome == Outcome.RUNNING) {
            throw new IllegalArgumentException("an ended episode cannot be RUNNING");
        }
        episodes++;
        switch (outcome) {
            case SUCCESS -> successes++;
            case COLLISION -> collisions++;
            case FAILURE -> failures++;
            case TIMEOUT -> timeouts++;
            default -> {
            }
        }
        returnSum += episodeReturn;
        lengthSum += length;
        recent[recentHead] = episodeReturn;
        recentHead = recentHead + 1 == WINDOW ? 0 : recentHead + 1;
        if (recentCount < WINDOW) {
            recentCount++;
        }
    }

    /** Counts {@code n} agent-steps. */
    public void recordSteps(long n) {
        steps += n;
    }

    /** Counts {@code n} clipped action components. */
    public void recordClipped(long n) {
        clipped += n;
    }

    /** Agent-episodes ended. */
    public long episodes() {
        return episodes;
    }

    /** Agent-episodes that reached the goal. */
    public long successes() {
        return successes;
    }

    /** Agent-episodes ended by a collision. */
    public long collisions() {
        return collisions;
    }

    /** Agent-episodes ended by leaving the safe region. */
    public long failures() {
        return failures;
    }

    /** Agent-episodes cut by the step limit. */
    public long timeouts() {
        return timeouts;
    }

    /** Agent-steps taken. */
    public long steps() {
        return steps;
    }

    /** Action components clipped into the action space. */
    public long clippedComponents() {
        return clipped;
    }

    /** Mean return over all ended episodes (NaN before the first). */
    public double meanReturn() {
        return episodes == 0 ? Double.NaN : returnSum / episodes;
    }

    /** Mean return over the last {@value #WINDOW} ended episodes (NaN before the first). */
    public double recentMeanReturn() {
        if (recentCount == 0) {
            return Double.NaN;
        }
        double s = 0;
        for (int i = 0; i < recentCount; i++) {
            s += recent[i];
        }
        return s / recentCount;
    }

    /** Mean episode length in steps (NaN before the first). */
    public double meanLength() {
        return episodes == 0 ? Double.NaN : (double) lengthSum / episodes;
    }

    /** Fraction of ended episodes that succeeded (NaN before the first). */
    public double successRate() {
        return episodes == 0 ? Double.NaN : (double) successes / episodes;
    }

    /** Resets every counter. */
    public void clear() {
        episodes = successes = collisions = failures = timeouts = steps = clipped = lengthSum = 0;
        returnSum = 0;
        recentCount = recentHead = 0;
    }

    /** Replaces this with the sum of {@code parts} (the rolling window takes the parts' windows in turn). */
    public void sumOf(EpisodeStats[] parts) {
        clear();
        for (EpisodeStats p : parts) {
            episodes += p.episodes;
            successes += p.successes;
            collisions += p.collisions;
            failures += p.failures;
            timeouts += p.timeouts;
            steps += p.steps;
            clipped += p.clipped;
            returnSum += p.returnSum;
            lengthSum += p.lengthSum;
        }
        // Interleave the newest returns of each part until the window is full.
        int[] taken = new int[parts.length];
        boolean progress = true;
        while (recentCount < WINDOW && progress) {
            progress = false;
            for (int k = 0; k < parts.length && recentCount < WINDOW; k++) {
                EpisodeStats p = parts[k];
                if (taken[k] < p.recentCount) {
                    int idx = Math.floorMod(p.recentHead - 1 - taken[k], WINDOW);
                    recent[recentCount++] = p.recent[idx];
                    taken[k]++;
                    progress = true;
                }
            }
        }
        recentHead = recentCount % WINDOW;
    }

    @Override
    public String toString() {
        return String.format("episodes=%d success=%d collision=%d failure=%d timeout=%d steps=%d clipped=%d "
                        + "meanReturn=%.3f recentMeanReturn=%.3f meanLength=%.1f",
                episodes, successes, collisions, failures, timeouts, steps, clipped, meanReturn(),
                recentMeanReturn(), meanLength());
    }
}

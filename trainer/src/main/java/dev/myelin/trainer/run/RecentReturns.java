package dev.myelin.trainer.run;

/**
 * The training return shown beside each evaluation: the mean of the last ten finished episodes' returns, and
 * how many episodes have finished. Both kinds of run keep theirs here; a resumed run rebuilds it by replaying
 * its action log. Allocation-free; the training thread.
 */
public final class RecentReturns {
    private final double[] returns = new double[10];
    private int count;
    private long episodes;

    /** Records a finished episode's return. */
    public void add(double episodeReturn) {
        returns[(int) (episodes % returns.length)] = episodeReturn;
        count = Math.min(count + 1, returns.length);
        episodes++;
    }

    /** The mean of the last (up to ten) returns; NaN before the first episode ends. */
    public double mean() {
        if (count == 0) {
            return Double.NaN;
        }
        double s = 0;
        for (int i = 0; i < count; i++) {
            s += returns[i];
        }
        return s / count;
    }

    /** Episodes finished so far. */
    public long episodes() {
        return episodes;
    }
}

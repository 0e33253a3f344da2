package dev.myelin.trainer.seq;

import dev.myelin.trainer.nn.RandomStream;
import dev.myelin.trainer.rl.RunningNormalizer;

import java.util.Arrays;

/**
 * Replay of whole episodes for sequence training. Each lane (one world of a vector env, holding
 * {@code agents} robots that share its episodes) keeps its own ring of steps in time order, so a window
 * is a run of consecutive positions. A step stores, per agent, the raw observation, the previous action
 * and reward (zero at an episode start), the action, the reward and the next observation (the final one
 * when the episode ended), plus the world's terminal and ended flags.
 *
 * <p>Sampling ({@link #sample}) draws an anchor step uniformly over everything stored; the window is
 * {@code burnIn} steps before the anchor and {@code length} steps from it. A window never crosses an
 * episode start: when fewer than {@code burnIn} steps of the anchor's episode precede it, the window
 * begins at the episode start (the burn-in is shorter), and steps after the episode's end are zero
 * padding with no loss. One extra step follows the last valid step: the next observation with the last
 * action and reward as its inputs, from which the target actor's next action is read. Observations are
 * normalised at sampling time with the current statistics. Loss rows are the valid steps from the anchor
 * on; for each, the critic's histories (the last {@code history} normalised observations and previous
 * actions of every agent up to the step, and up to the next step; zero before the episode start) are
 * written too.
 *
 * <p>Sampling fills a preallocated {@link Batch} and allocates nothing. The training thread only.
 */
public final class SequenceReplay {
    private final int lanes;
    private final int agents;
    private final int obs;
    private final int act;
    private final int capacity;
    private final float[] observation;
    private final float[] previousAction;
    private final float[] previousReward;
    private final float[] action;
    private final float[] reward;
    private final float[] next;
    private final boolean[] terminal;
    private final boolean[] ended;
    private final int[] episodeStep;
    private final long[] episodeId;
    /** Per lane: steps written so far, the current episode's step and id. */
    private final long[] written;
    private final int[] laneStep;
    private final long[] laneEpisode;

    /**
     * @param lanes     streams written together (worlds of the vector env)
     * @param agents    agents per lane (robots per world; 1 for single-agent tasks)
     * @param capacity  steps kept per lane (older steps are overwritten)
     */
    public SequenceReplay(int lanes, int agents, int obs, int act, int capacity) {
        if (lanes < 1 || agents < 1 || obs < 1 || act < 1 || capacity < 2) {
            throw new IllegalArgumentException("sequence replay needs lanes, agents, sizes >= 1 and capacity >= 2, got lanes "
                    + lanes + ", agents " + agents + ", obs " + obs + ", act " + act + ", capacity " + capacity);
        }
        long slots = (long) lanes * capacity;
        if (slots * agents * Math.max(obs, act) > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException("sequence replay of " + slots + " steps is too large for one array");
        }
        this.lanes = lanes;
        this.agents = agents;
        this.obs = obs;
        this.act = act;
        this.capacity = capacity;
        int n = (int) slots;
        observation = new float[n * agents * obs];
        next = new float[n * agents * obs];
        previousAction = new float[n * agents * act];
        action = new float[n * agents * act];
        previousReward = new float[n * agents];
        reward = new float[n * agents];
        terminal = new boolean[n];
        ended = new boolean[n];
        episodeStep = new int[n];
        episodeId = new long[n];
        written = new long[lanes];
        laneStep = new int[lanes];
        laneEpisode = new long[lanes];
    }

    public int lanes() {
        return lanes;
    }

    public int agents() {
        return agents;
    }

    /** Steps kept per lane. */
    public int capacity() {
        return capacity;
    }

    /** Steps stored (over all lanes). */
    public long size() {
        long s = 0;
        for (long w : written) {
            s += Math.min(w, capacity);
        }
        return s;
    }

    /**
     * Stores one step of every lane. Arrays are agent-major over {@code lanes * agents} agents:
     * observations, previous actions and rewards (the step's inputs), actions, rewards and the next
     * observations (final observations where the episode ended); {@code terminated} and {@code ended} are
     * read at each lane's first agent.
     */
    public void add(float[] observations, float[] previousActions, float[] previousRewards, float[] actions,
                    float[] rewards, float[] nextObservations, boolean[] terminated, boolean[] episodeEnded) {
        int wo = agents * obs;
        int wa = agents * act;
        for (int l = 0; l < lanes; l++) {
            int slot = l * capacity + (int) (written[l] % capacity);
            System.arraycopy(observations, l * wo, observation, slot * wo, wo);
            System.arraycopy(nextObservations, l * wo, next, slot * wo, wo);
            System.arraycopy(previousActions, l * wa, previousAction, slot * wa, wa);
            System.arraycopy(actions, l * wa, action, slot * wa, wa);
            System.arraycopy(previousRewards, l * agents, previousReward, slot * agents, agents);
            System.arraycopy(rewards, l * agents, reward, slot * agents, agents);
            boolean end = episodeEnded[l * agents];
            terminal[slot] = terminated[l * agents];
            ended[slot] = end;
            episodeStep[slot] = laneStep[l];
            episodeId[slot] = laneEpisode[l];
            written[l]++;
            if (end) {
                laneStep[l] = 0;
                laneEpisode[l]++;
            } else {
                laneStep[l]++;
            }
        }
    }

    private int slot(int lane, long position) {
        return lane * capacity + (int) (position % capacity);
    }

    /** Draws {@code batch.batch} windows into {@code batch}; needs at least one stored step. */
    public void sample(Batch batch, RandomStream rnd, RunningNormalizer normalizer) {
        if (batch.agents != agents || batch.obs != obs || batch.act != act) {
            throw new IllegalArgumentException("batch shaped for " + batch.agents + " agents, " + batch.obs + " obs, "
                    + batch.act + " act; replay holds " + agents + ", " + obs + ", " + act);
        }
        if (written[0] == 0) {
            throw new IllegalStateException("sequence replay is empty");
        }
        batch.clear();
        int rows = 0;
        int seqs = batch.batch * agents;
        for (int b = 0; b < batch.batch; b++) {
            int lane = rnd.nextInt(lanes);
            long w = written[lane];
            long oldest = Math.max(0, w - capacity);
            long anchor = oldest + rnd.nextInt((int) (w - oldest));
            int as = slot(lane, anchor);
            long start = Math.max(Math.max(anchor - batch.burnIn, anchor - episodeStep[as]), oldest);
            int firstLoss = (int) (anchor - start);
            batch.firstLoss[b] = firstLoss;
            int i = 0;
            for (; i < batch.window; i++) {
                long p = start + i;
                if (p >= w || (i > 0 && ended[slot(lane, p - 1)])) {
                    break;
                }
                int s = slot(lane, p);
                batch.episode[i * batch.batch + b] = episodeId[s];
                batch.position[i * batch.batch + b] = p;
                for (int r = 0; r < agents; r++) {
                    int q = (i * seqs + b * agents + r);
                    normalizer.normalize(observation, (s * agents + r) * obs, batch.observations, q * obs);
                    System.arraycopy(previousAction, (s * agents + r) * act, batch.previousActions, q * act, act);
                    batch.previousRewards[q] = previousReward[s * agents + r];
                }
                if (i >= firstLoss && i < firstLoss + batch.length) {
                    rows = lossRow(batch, rows, b, i, lane, p, s, oldest, normalizer);
                }
            }
            batch.validSteps[b] = i;
            // the step after the last valid one: next observation, last action and reward as inputs
            int ls = slot(lane, start + i - 1);
            for (int r = 0; r < agents; r++) {
                int q = (i * seqs + b * agents + r);
                normalizer.normalize(next, (ls * agents + r) * obs, batch.observations, q * obs);
                System.arraycopy(action, (ls * agents + r) * act, batch.previousActions, q * act, act);
                batch.previousRewards[q] = reward[ls * agents + r];
            }
        }
        batch.rows = rows;
    }

    /** Writes loss row {@code k} for step {@code i} (position {@code p}, slot {@code s}) of sequence {@code b}. */
    private int lossRow(Batch batch, int k, int b, int i, int lane, long p, int s, long oldest,
                        RunningNormalizer normalizer) {
        batch.rowSequence[k] = b;
        batch.rowStep[k] = i;
        float team = 0f;
        for (int r = 0; r < agents; r++) {
            team += reward[s * agents + r];
        }
        batch.reward[k] = team / agents;
        batch.terminal[k] = terminal[s] ? 1f : 0f;
        System.arraycopy(action, s * agents * act, batch.action, k * agents * act, agents * act);
        int h = batch.history;
        int entry = obs + act;
        int per = h * entry;
        int epStep = episodeStep[s];
        for (int r = 0; r < agents; r++) {
            int cur = k * batch.historyWidth + r * per;
            for (int j = 0; j < h; j++) {
                // current history: positions p-h+1 .. p ; next history: p-h+2 .. p+1 (p+1 from this step's outputs)
                long back = h - 1 - j;
                int off = cur + j * entry;
                if (back <= epStep && p - back >= oldest) {
                    int q = slot(lane, p - back);
                    normalizer.normalize(observation, (q * agents + r) * obs, batch.historyNow, off);
                    System.arraycopy(previousAction, (q * agents + r) * act, batch.historyNow, off + obs, act);
                } else {
                    Arrays.fill(batch.historyNow, off, off + entry, 0f);
                }
                long backNext = back - 1;
                if (backNext < 0) {
                    normalizer.normalize(next, (s * agents + r) * obs, batch.historyNext, off);
                    System.arraycopy(action, (s * agents + r) * act, batch.historyNext, off + obs, act);
                } else if (backNext <= epStep && p - backNext >= oldest) {
                    int q = slot(lane, p - backNext);
                    normalizer.normalize(observation, (q * agents + r) * obs, batch.historyNext, off);
                    System.arraycopy(previousAction, (q * agents + r) * act, batch.historyNext, off + obs, act);
                } else {
                    Arrays.fill(batch.historyNext, off, off + entry, 0f);
                }
            }
        }
        return k + 1;
    }

    /**
     * A sampled batch of windows, step-major over {@code batch * agents} sequences (sequence
     * {@code b * agents + r} is agent r of window b): inputs for {@link #window} + 1 steps, and up to
     * {@code batch * length} loss rows with the critic's histories. Preallocated; reused by every sample.
     */
    public static final class Batch {
        public final int batch;
        public final int agents;
        public final int obs;
        public final int act;
        public final int burnIn;
        public final int length;
        public final int history;
        /** burnIn + length: the steps a training forward pass runs. */
        public final int window;
        /** Width of one row's critic history over all agents: agents * history * (obs + act). */
        public final int historyWidth;
        /** [(window + 1) * batch * agents * obs] normalised observations (zero padding after the valid steps). */
        public final float[] observations;
        public final float[] previousActions;
        public final float[] previousRewards;
        /** Per window: the step where its loss starts (its burn-in length) and how many steps are valid. */
        public final int[] firstLoss;
        public final int[] validSteps;
        /** Per step and window ([window * batch]): the episode id and lane position (-1 for padding), for checks. */
        public final long[] episode;
        public final long[] position;
        /** Loss rows: window index, step index, team reward, terminal flag, actions taken, histories. */
        public int rows;
        public final int[] rowSequence;
        public final int[] rowStep;
        public final float[] reward;
        public final float[] terminal;
        public final float[] action;
        public final float[] historyNow;
        public final float[] historyNext;

        public Batch(int batch, int agents, int obs, int act, int burnIn, int length, int history) {
            if (batch < 1 || agents < 1 || obs < 1 || act < 1 || burnIn < 0 || length < 1 || history < 1) {
                throw new IllegalArgumentException("sequence batch needs batch, agents, sizes, length, history >= 1 and "
                        + "burn_in >= 0, got batch " + batch + ", agents " + agents + ", burn_in " + burnIn + ", length "
                        + length + ", history " + history);
            }
            this.batch = batch;
            this.agents = agents;
            this.obs = obs;
            this.act = act;
            this.burnIn = burnIn;
            this.length = length;
            this.history = history;
            window = burnIn + length;
            historyWidth = agents * history * (obs + act);
            int seqs = batch * agents;
            observations = new float[(window + 1) * seqs * obs];
            previousActions = new float[(window + 1) * seqs * act];
            previousRewards = new float[(window + 1) * seqs];
            firstLoss = new int[batch];
            validSteps = new int[batch];
            episode = new long[window * batch];
            position = new long[window * batch];
            int maxRows = batch * length;
            rowSequence = new int[maxRows];
            rowStep = new int[maxRows];
            reward = new float[maxRows];
            terminal = new float[maxRows];
            action = new float[maxRows * agents * act];
            historyNow = new float[maxRows * historyWidth];
            historyNext = new float[maxRows * historyWidth];
        }

        void clear() {
            Arrays.fill(observations, 0f);
            Arrays.fill(previousActions, 0f);
            Arrays.fill(previousRewards, 0f);
            Arrays.fill(episode, -1L);
            Arrays.fill(position, -1L);
            rows = 0;
        }
    }
}

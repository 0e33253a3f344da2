package dev.myelin.trainer.run;

import dev.myelin.sim.Actor;
import dev.myelin.sim.BoxSpace;
import dev.myelin.sim.Env;
import dev.myelin.sim.Evaluation;
import dev.myelin.sim.Tasks;
import dev.myelin.sim.VectorEnv;
import dev.myelin.trainer.mpi.Communicator;
import dev.myelin.trainer.rl.Learner;
import dev.myelin.trainer.rl.RunningNormalizer;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;

/**
 * The one loop of every off-policy training run, feed-forward ({@link TrainingRun}) or sequence
 * ({@code seq.SequenceTrainingRun}), on one rank: the vectorised worlds, the action ranges, the observation
 * statistics, the action log that makes a run resumable exactly, the training returns, and the schedule
 *
 * <pre>
 *   every vector step:         choose actions (uniform random for start_steps), log them, step the worlds, store
 *   every update_every steps:  merge the observation statistics over ranks
 *                              after update_after: the kind's update phase
 *                              every eval_every steps (and at the end, rank 0): evaluate, metrics.csv, curve.png
 *                              when the kind says so: checkpoint
 * </pre>
 *
 * A kind of run adds how it acts (a stateless actor, or a stepper whose lanes keep their state), what it stores
 * (transitions, or windows), its update phase, its checkpoint format and its metrics columns. Throughput is timed
 * from a quarter into the update period (the first quarter warms up: JIT compilation competes with the ranks for
 * the cores). Driven by one thread per rank.
 *
 * @param <C> the kind's configuration
 */
public abstract class OffPolicyRun<C extends RunConfig> implements AutoCloseable {
    /** The checkpoint's file in a run folder. */
    public static final String CHECKPOINT = "checkpoint.bin";

    protected final C config;
    /** The run folder; null for a run that writes no files. */
    protected final Path dir;
    protected final Communicator comm;
    protected final VectorEnv venv;
    protected final int worlds;
    protected final int perWorld;
    /** Agents over all worlds of this rank (worlds x agents per world). */
    protected final int agents;
    protected final int obs;
    protected final int act;
    /** Each action channel's centre and half range: an action {@code u} in [-1, 1] is sent as {@code center + half u}. */
    protected final float[] center;
    protected final float[] half;
    protected final RunningNormalizer normalizer;
    protected final ActionLog actionLog;
    /** The observations the next actions are chosen for, raw ({@code agents x obs}). */
    protected final float[] obsRaw;
    /** Scratch for normalised observations ({@code agents x obs}). */
    protected final float[] obsNorm;
    /** The actions of the step in progress, in [-1, 1] ({@code agents x act}). */
    protected final float[] u;
    private final float[] envAction;
    private final boolean[] ended;
    private final double[] episodeReturn;
    /** The group whose mean return is one training return: one agent, or a world's team. */
    private final int returnGroup;
    protected final RecentReturns recent = new RecentReturns();
    protected long step;
    protected double lastEval = Double.NaN;
    protected double lastEvalStd = Double.NaN;
    protected double lastEvalSuccess = Double.NaN;
    /** The step this process started from: 0, or the checkpoint's when it continues one (never 0). */
    protected long resumedAt;
    private PrintStream progressOut;
    private boolean progressTerminal;
    private final long startNanos = System.nanoTime();
    private long phaseStartNanos;
    private long phaseStartStep;
    private long phaseEndNanos;
    private long phaseEndStep;

    /**
     * Creates the worlds and the state every kind shares. A subclass builds its own parts after this and closes
     * {@link #venv} if that fails.
     *
     * @param teamReturns whether a training return is a world's team mean (sequence runs) or each agent's own
     */
    protected OffPolicyRun(C config, Path dir, Communicator comm, boolean teamReturns) {
        this.config = config;
        this.dir = dir;
        this.comm = comm;
        venv = Tasks.vector(config.taskSpec(), config.envs, config.envThreads);
        try {
            worlds = venv.worlds();
            perWorld = venv.agentsPerWorld();
            agents = venv.agents();
            obs = venv.observationSpace().size();
            act = venv.actionSpace().size();
            center = new float[act];
            half = new float[act];
            try {
                TrainedPolicy.actionRanges(venv.actionSpace(), center, half);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("task " + config.task + ": " + e.getMessage(), e);
            }
            normalizer = new RunningNormalizer(obs, config.observationClip, config.normalizeObservations);
            actionLog = new ActionLog(agents * act, ActionLog.capacity((config.steps + worlds - 1) / worlds, agents * act));
            obsRaw = new float[agents * obs];
            obsNorm = new float[agents * obs];
            u = new float[agents * act];
            envAction = new float[agents * act];
            ended = new boolean[agents];
            episodeReturn = new double[agents];
            returnGroup = teamReturns ? perWorld : 1;
        } catch (RuntimeException e) {
            venv.close();
            throw e;
        }
    }

    /** The seed this rank's worlds are reset with (at the start, and again when a resume replays the action log). */
    protected abstract long environmentSeed();

    /** Fills {@link #u} with the actions of the next vector step (uniform random before {@code start_steps}). */
    protected abstract void chooseActions();

    /**
     * Stores the vector step just taken: {@link #obsRaw} and {@link #u} are the observations and actions it started
     * from, {@code next} the observations after it (a new episode's first where one ended), {@code fin} the
     * finished episodes' last observations, {@code ended} whether each agent's episode ended (terminated or
     * truncated), {@code terminated} whether it terminated.
     */
    protected abstract void store(float[] next, float[] fin, float[] rewards, boolean[] terminated, boolean[] ended);

    /** The updates of one period (after {@code update_after}). */
    protected abstract void updatePhase();

    /** Whether to checkpoint at the end of this period; {@code evaluated} says whether it evaluated, {@code last} whether it is the run's last. */
    protected abstract boolean checkpointDue(boolean evaluated, boolean last);

    /** Writes the kind's checkpoint (a collective where the kind has several ranks). */
    public abstract void checkpoint() throws IOException;

    /** The current policy as the simulator's actor for {@code env} (deterministic). */
    protected abstract Actor evaluationActor(Env env);

    /** The names of {@code metrics.csv}'s columns, the step first. */
    protected abstract List<String> metricsColumns();

    /** One {@code metrics.csv} row, in {@link #metricsColumns()}'s order. */
    protected abstract Object[] metricsRow();

    /** The learning curve's title. */
    protected abstract String curveTitle();

    /** The run's learner. */
    public abstract Learner<?> learner();

    /** Resets the worlds with {@link #environmentSeed()} and reads their first observations. */
    protected final void resetWorlds() {
        venv.reset(environmentSeed());
        System.arraycopy(venv.observations(), 0, obsRaw, 0, obsRaw.length);
    }

    /**
     * Rebuilds the worlds and everything {@link #store} keeps by replaying a checkpoint's action log from the run's
     * seed (the simulator is deterministic); refuses a log that does not end at {@code savedStep}.
     */
    protected final void replayActionLog(float[] log, long savedStep) throws IOException {
        int per = agents * act;
        if (log.length != savedStep / worlds * per) {
            throw new IOException("checkpoint action log holds " + log.length + " values, expected "
                    + savedStep / worlds * per + " for step " + savedStep);
        }
        resetWorlds();
        actionLog.replay(log, u, this::advance);
        if (step != savedStep) {
            throw new IOException("replaying the action log reached step " + step + ", the checkpoint says " + savedStep);
        }
        resumedAt = step;
    }

    /** Restores the evaluation figures a checkpoint's header recorded. */
    protected final void restoreEvaluation(CheckpointFile ck) {
        Object ev = ck.header().get("eval_return");
        lastEval = ev instanceof Number x ? x.doubleValue() : Double.NaN;
        Object sd = ck.header().get("eval_return_std");
        lastEvalStd = sd instanceof Number x ? x.doubleValue() : Double.NaN;
    }

    /**
     * Where the progress line goes (rank 0 only; null for none): the {@code progressbar} library's bar with steps/s,
     * ETA and the latest returns; {@code terminal} redraws it in place, otherwise a line is printed every 10 s.
     */
    public final OffPolicyRun<C> progress(PrintStream out, boolean terminal) {
        this.progressOut = out;
        this.progressTerminal = terminal;
        return this;
    }

    /** Trains until {@code steps}; returns the final evaluation (rank 0; NaN elsewhere). */
    public final Result run() throws IOException {
        TrainingProgress bar = comm.isRoot() && progressOut != null
                ? new TrainingProgress(progressOut, config.steps, step, progressTerminal, 10) : null;
        try (MetricsLog metrics = comm.isRoot() && dir != null
                ? new MetricsLog(dir.resolve("metrics.csv"), metricsColumns(), resumedAt > 0 ? step : -1) : null) {
            while (step < config.steps) {
                collect();
                if (step % config.updateEvery == 0 || step >= config.steps) {
                    normalizer.sync(comm);
                    if (step >= config.updateAfter) {
                        if (phaseStartNanos == 0 && step >= config.updateAfter + (config.steps - config.updateAfter) / 4) {
                            phaseStartNanos = System.nanoTime();
                            phaseStartStep = step;
                        }
                        updatePhase();
                        phaseEndNanos = System.nanoTime();
                        phaseEndStep = step;
                    }
                    boolean last = step >= config.steps;
                    boolean evaluated = comm.isRoot() && (step % config.evalEvery == 0 || last);
                    if (evaluated) {
                        Evaluation.Summary s = evaluate(config.evalEpisodes);
                        lastEval = s.meanReturn();
                        lastEvalStd = s.stdReturn();
                        lastEvalSuccess = s.successRate();
                        if (metrics != null) {
                            metrics.row(metricsRow());
                            writeCurve();
                        }
                    }
                    if (checkpointDue(evaluated, last)) {
                        checkpoint();
                    }
                    if (bar != null) {
                        bar.update(step, recent.mean(), lastEval);
                    }
                }
            }
        } finally {
            if (bar != null) {
                bar.close();
            }
        }
        double rate = phaseEndNanos > phaseStartNanos
                ? (phaseEndStep - phaseStartStep) / ((phaseEndNanos - phaseStartNanos) * 1e-9) : Double.NaN;
        return new Result(step, learner().updates(), lastEval, lastEvalStd, lastEvalSuccess, seconds(), rate);
    }

    /**
     * The outcome of a run; {@code stepsPerSecondWithUpdates} is this rank's environment steps per wall
     * second over the last three quarters of the update period (collection and updates, without evaluations).
     */
    public record Result(long steps, long updates, double evalReturn, double evalReturnStd, double evalSuccess,
                         double seconds, double stepsPerSecondWithUpdates) {
    }

    /** One vector step: choose, log, send, store. */
    private void collect() {
        chooseActions();
        actionLog.append(u);
        advance();
    }

    /** Sends {@link #u} to the worlds and stores the step (also how a resume replays the action log). */
    private void advance() {
        for (int a = 0; a < agents; a++) {
            for (int j = 0; j < act; j++) {
                int i = a * act + j;
                envAction[i] = center[j] + half[j] * u[i];
            }
        }
        venv.step(envAction);
        float[] next = venv.observations();
        float[] fin = venv.finalObservations();
        float[] rewards = venv.rewards();
        boolean[] term = venv.terminated();
        boolean[] trunc = venv.truncated();
        for (int a = 0; a < agents; a++) {
            ended[a] = term[a] || trunc[a];
        }
        store(next, fin, rewards, term, ended);
        for (int g = 0; g < agents; g += returnGroup) {
            double groupReturn = 0;
            for (int a = g; a < g + returnGroup; a++) {
                episodeReturn[a] += rewards[a];
                groupReturn += episodeReturn[a];
            }
            if (ended[g]) {
                recent.add(groupReturn / returnGroup);
            }
        }
        for (int a = 0; a < agents; a++) {
            if (ended[a]) {
                episodeReturn[a] = 0;
            }
        }
        System.arraycopy(next, 0, obsRaw, 0, obsRaw.length);
        step += worlds;
    }

    /** Deterministic episodes of the current policy on the run's fixed evaluation seeds (the same episodes every time). */
    public final Evaluation.Summary evaluate(int episodes) {
        return config.evaluate(this::evaluationActor, episodes);
    }

    private void writeCurve() {
        try {
            LearningCurve.write(dir.resolve("curve.png"), curveTitle(), List.of(LearningCurve.fromRun(dir, "eval return")));
        } catch (IOException | RuntimeException e) {
            // the curve is a convenience; training goes on without it
            if (progressOut != null) {
                progressOut.println("could not draw curve.png: " + e.getMessage());
            }
        }
    }

    /** Wall seconds since this process started the run. */
    protected final double seconds() {
        return (System.nanoTime() - startNanos) * 1e-9;
    }

    public final C config() {
        return config;
    }

    public final RunningNormalizer normalizer() {
        return normalizer;
    }

    public final long step() {
        return step;
    }

    public final Path directory() {
        return dir;
    }

    /** Robots per world of the task. */
    public final int agentsPerWorld() {
        return perWorld;
    }

    /** Channel names, units and ranges of the task's observation space. */
    public final BoxSpace observationSpace() {
        return venv.observationSpace();
    }

    public final BoxSpace actionSpace() {
        return venv.actionSpace();
    }

    @Override
    public void close() {
        learner().close();
        venv.close();
    }
}

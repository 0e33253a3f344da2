package dev.myelin.sim.task;

import dev.myelin.sim.BoxSpace;
import dev.myelin.sim.Outcome;
import dev.myelin.sim.random.Parameter;
import dev.myelin.sim.random.ParameterSet;
import dev.myelin.sim.random.RandomizationSpec;
import dev.myelin.sim.random.SplitMix;

import java.util.ArrayList;
import java.util.List;

/**
 * A batch of independent worlds of one task, simulated struct-of-arrays: every state variable is an
 * array indexed by world (or by agent), and one call steps a contiguous range of worlds so the inner
 * loop has no virtual dispatch. {@code dev.myelin.sim.SimEnv} and {@code SimVectorEnv} drive it.
 *
 * <p>I/O buffers are owned here and agent-major: the driver writes validated, clipped actions into
 * {@link #actions()} and calls {@link #step(int, int)}; the task writes {@link #observations()},
 * {@link #rewards()}, {@link #terminated()}, {@link #truncated()} and {@link #outcomes()} of the
 * stepped worlds. {@link #reset(int)} only writes the world's state and observations, so the flags of
 * the step that ended an episode survive an auto-reset.
 *
 * <p>Every task also honours two generic randomizable parameters: {@code action_latency} (whole
 * control periods between a command and the plant acting on it; commands before the episode start
 * count as zero) and {@code control_period_jitter} (each step lasts {@code dt (1 + j u)}, u uniform
 * in [-1, 1)).
 *
 * <p>Threading: distinct worlds may be stepped and reset concurrently from different threads; one
 * world is only touched by one thread at a time.
 */
public abstract class Task {
    /** Generic parameter: control periods of command latency. */
    public static final String ACTION_LATENCY = "action_latency";
    /** Generic parameter: relative amplitude of control-period jitter. */
    public static final String CONTROL_PERIOD_JITTER = "control_period_jitter";

    private final String name;
    protected final int worlds;
    protected final int agentsPerWorld;
    protected final int agents;
    protected final int observationSize;
    protected final int actionSize;
    protected final BoxSpace observationSpace;
    protected final BoxSpace actionSpace;
    protected final double controlPeriod;
    protected final int maxEpisodeSteps;

    protected final float[] actions;
    protected final float[] observations;
    protected final float[] rewards;
    protected final boolean[] terminated;
    protected final boolean[] truncated;
    protected final byte[] outcomes;

    /** One SplitMix64 state per world. */
    protected final long[] random;
    /** Steps taken in the current episode, per world. */
    protected final int[] elapsedSteps;
    protected final ParameterSet parameters;

    private final float[] latency;
    private final float[] jitter;
    private final int historyDepth;
    private final float[] actionHistory;
    private final float[] plantActions;
    private final int[] historyHead;
    private final boolean jitterEnabled;

    /**
     * @param name            registered task name
     * @param worlds          number of independent worlds (>= 1)
     * @param agentsPerWorld  agents acting in each world (>= 1)
     * @param observation     one agent's observation space
     * @param action          one agent's action space
     * @param controlPeriod   nominal seconds per step
     * @param maxEpisodeSteps truncation limit
     * @param taskParameters  the task's own randomizable parameters
     * @param randomization   per-episode distributions, validated against all parameters
     */
    protected Task(String name, int worlds, int agentsPerWorld, BoxSpace observation, BoxSpace action,
                   double controlPeriod, int maxEpisodeSteps, List<Parameter> taskParameters,
                   RandomizationSpec randomization) {
        if (worlds < 1) {
            throw new IllegalArgumentException(name + ": worlds must be >= 1, got " + worlds);
        }
        if (agentsPerWorld < 1) {
            throw new IllegalArgumentException(name + ": agents per world must be >= 1, got " + agentsPerWorld);
        }
        if (maxEpisodeSteps < 1) {
            throw new IllegalArgumentException(name + ": max episode steps must be >= 1, got " + maxEpisodeSteps);
        }
        if (!(controlPeriod > 0)) {
            throw new IllegalArgumentException(name + ": control period must be > 0 s, got " + controlPeriod);
        }
        this.name = name;
        this.worlds = worlds;
        this.agentsPerWorld = agentsPerWorld;
        this.agents = Math.multiplyExact(worlds, agentsPerWorld);
        this.observationSpace = observation;
        this.actionSpace = action;
        this.observationSize = observation.size();
        this.actionSize = action.size();
        this.controlPeriod = controlPeriod;
        this.maxEpisodeSteps = maxEpisodeSteps;

        actions = new float[Math.multiplyExact(agents, actionSize)];
        observations = new float[Math.multiplyExact(agents, observationSize)];
        rewards = new float[agents];
        terminated = new boolean[agents];
        truncated = new boolean[agents];
        outcomes = new byte[agents];
        random = new long[worlds];
        elapsedSteps = new int[worlds];

        List<Parameter> all = new ArrayList<>(taskParameters);
        all.add(Parameter.integral(ACTION_LATENCY, "control periods", 0, 0, 32,
                "delay between a command and the plant acting on it"));
        all.add(Parameter.of(CONTROL_PERIOD_JITTER, "1", 0, 0, 0.5,
                "each step lasts dt (1 + j u), u uniform in [-1, 1)"));
        parameters = new ParameterSet(name, all, randomization, worlds);
        latency = parameters.values(ACTION_LATENCY);
        jitter = parameters.values(CONTROL_PERIOD_JITTER);
        int maxLatency = (int) parameters.highest(ACTION_LATENCY);
        historyDepth = maxLatency > 0 ? maxLatency + 1 : 0;
        int stride = agentsPerWorld * actionSize;
        actionHistory = historyDepth > 0 ? new float[worlds * historyDepth * stride] : null;
        plantActions = historyDepth > 0 ? new float[actions.length] : actions;
        historyHead = new int[worlds];
        jitterEnabled = parameters.highest(CONTROL_PERIOD_JITTER) > 0;
    }

    /** Registered task name. */
    public final String name() {
        return name;
    }

    public final int worlds() {
        return worlds;
    }

    public final int agentsPerWorld() {
        return agentsPerWorld;
    }

    public final int agents() {
        return agents;
    }

    public final BoxSpace observationSpace() {
        return observationSpace;
    }

    public final BoxSpace actionSpace() {
        return actionSpace;
    }

    /** Nominal seconds per step. */
    public final double controlPeriod() {
        return controlPeriod;
    }

    public final int maxEpisodeSteps() {
        return maxEpisodeSteps;
    }

    /** Whether agents have goals to reach, so that success and collision rates mean something. */
    public boolean hasGoals() {
        return false;
    }

    /** Driver-written actions, agent-major, already clipped. */
    public final float[] actions() {
        return actions;
    }

    public final float[] observations() {
        return observations;
    }

    public final float[] rewards() {
        return rewards;
    }

    public final boolean[] terminated() {
        return terminated;
    }

    public final boolean[] truncated() {
        return truncated;
    }

    /** {@link Outcome} ordinals per agent, written by every step. */
    public final byte[] outcomes() {
        return outcomes;
    }

    /** Parameters and their live per-world values. */
    public final ParameterSet parameters() {
        return parameters;
    }

    /** Steps taken in {@code world}'s current episode. */
    public final int elapsedSteps(int world) {
        return elapsedSteps[world];
    }

    /** Reseeds the random stream of {@code world}. */
    public final void seed(int world, long seed) {
        random[world] = SplitMix.stream(seed, world);
    }

    /** Starts a new episode in {@code world}: draws parameters, clears latency history, resets the state. */
    public final void reset(int world) {
        parameters.sample(world, random);
        elapsedSteps[world] = 0;
        if (historyDepth > 0) {
            int stride = agentsPerWorld * actionSize;
            java.util.Arrays.fill(actionHistory, world * historyDepth * stride, (world + 1) * historyDepth * stride, 0f);
            historyHead[world] = 0;
        }
        resetWorld(world);
    }

    /** Advances worlds {@code [from, to)} one control period. */
    public final void step(int from, int to) {
        float[] plant = plantActions(from, to);
        stepWorlds(from, to, plant);
    }

    /** Releases native resources (physics engines); the task cannot be stepped afterwards. Idempotent. */
    public void close() {
    }

    /** Task-specific reset of {@code world}'s state and observations (parameters are already drawn). */
    protected abstract void resetWorld(int world);

    /**
     * Task-specific step of worlds {@code [from, to)}; must write observations, rewards, flags and
     * outcomes of every agent in the range and increment {@link #elapsedSteps}.
     *
     * @param plant the actions the plant acts on this step (after latency); the agents' own commands
     *              are in {@link #actions}
     */
    protected abstract void stepWorlds(int from, int to, float[] plant);

    /** Duration of this step of {@code world}: the control period, jittered when randomized. */
    protected final double stepDuration(int world) {
        if (!jitterEnabled) {
            return controlPeriod;
        }
        float j = jitter[world];
        if (j == 0f) {
            return controlPeriod;
        }
        double u = 2.0 * SplitMix.nextDouble(random, world) - 1.0;
        return controlPeriod * (1.0 + j * u);
    }

    /** Writes the flags for an agent; {@code outcome} RUNNING clears both flags. */
    protected final void finish(int agent, Outcome outcome) {
        outcomes[agent] = (byte) outcome.ordinal();
        terminated[agent] = outcome == Outcome.SUCCESS || outcome == Outcome.COLLISION || outcome == Outcome.FAILURE;
        truncated[agent] = outcome == Outcome.TIMEOUT;
    }

    private float[] plantActions(int from, int to) {
        if (historyDepth == 0) {
            return actions;
        }
        int stride = agentsPerWorld * actionSize;
        for (int w = from; w < to; w++) {
            int head = historyHead[w];
            int base = w * historyDepth;
            System.arraycopy(actions, w * stride, actionHistory, (base + head) * stride, stride);
            int src = head - (int) latency[w];
            if (src < 0) {
                src += historyDepth;
            }
            System.arraycopy(actionHistory, (base + src) * stride, plantActions, w * stride, stride);
            historyHead[w] = head + 1 == historyDepth ? 0 : head + 1;
        }
        return plantActions;
    }
}

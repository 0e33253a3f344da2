package dev.myelin.sim.mujoco;

import dev.myelin.sim.BoxSpace;
import dev.myelin.sim.Outcome;
import dev.myelin.sim.random.NormalTable;
import dev.myelin.sim.random.Parameter;
import dev.myelin.sim.random.RandomizationSpec;
import dev.myelin.sim.random.SplitMix;
import dev.myelin.sim.task.Task;

import java.util.ArrayList;
import java.util.List;

/**
 * A {@link Task} simulated by MuJoCo: one {@link MjData} per world, stepped {@code frameSkip} times
 * per control period, so distinct worlds run on distinct threads and results do not depend on the
 * thread count. Worlds share the compiled model unless a model parameter is randomized, in which
 * case each world owns a copy whose parameters are rewritten at every reset.
 *
 * <p>Randomizable parameters, all relative to the MJCF's values (1 = nominal): {@code mass_scale}
 * (every body mass and inertia), {@code friction_scale} (every geom friction), {@code damping_scale}
 * (every dof damping), {@code gear_scale} (every actuator gear), and {@code observation_noise}
 * (standard deviation of Gaussian noise added to every observation component, in its units), plus
 * the generic latency and period jitter of {@link Task} (a jittered period steps
 * {@code round(frameSkip (1 + j u))} frames).
 *
 * <p>Actions: the action space maps linearly onto each actuator's {@code ctrlrange} (identically when
 * they are equal). Observations that are not finite end the episode as a failure with the
 * observation zeroed, so a diverged simulation never reaches a policy as NaN.
 *
 * <p>Subclasses say how a state is observed and scored. Nothing is allocated per step.
 */
public abstract class MujocoTask extends Task implements AutoCloseable {
    public static final String MASS_SCALE = "mass_scale";
    public static final String FRICTION_SCALE = "friction_scale";
    public static final String DAMPING_SCALE = "damping_scale";
    public static final String GEAR_SCALE = "gear_scale";
    public static final String OBSERVATION_NOISE = "observation_noise";

    protected final MjModel model;
    protected final int frameSkip;
    protected final double timestep;
    private final MjModel[] models;
    private final MjData[] data;
    private final boolean ownModels;
    private final int[] actuators;
    private final double[] ctrlScale;
    private final double[] ctrlOffset;
    private final boolean identityControl;
    private final float[] massScale;
    private final float[] frictionScale;
    private final float[] dampingScale;
    private final float[] gearScale;
    private final float[] observationNoise;
    private final double[] nominalMass;
    private final double[] nominalInertia;
    private final double[] nominalFriction;
    private final double[] nominalDamping;
    private final double[] nominalGear;
    private boolean closed;

    /**
     * @param model     the compiled model; this task owns and closes it
     * @param actuators the actuator driven by each action component (the others keep control 0)
     * @param frameSkip physics steps per control period
     */
    protected MujocoTask(String name, MjModel model, int[] actuators, int worlds, BoxSpace observation,
                         BoxSpace action, int frameSkip, int maxEpisodeSteps, List<Parameter> taskParameters,
                         RandomizationSpec randomization) {
        super(name, worlds, 1, observation, action, model.timestep() * frameSkip, maxEpisodeSteps,
                withModelParameters(taskParameters), randomization);
        if (action.size() != actuators.length) {
            throw new IllegalArgumentException(name + ": action space has " + action.size() + " components for "
                    + actuators.length + " actuators");
        }
        if (frameSkip < 1) {
            throw new IllegalArgumentException(name + ": frame skip must be >= 1, got " + frameSkip);
        }
        this.actuators = actuators.clone();
        this.model = model;
        this.frameSkip = frameSkip;
        this.timestep = model.timestep();
        massScale = parameters.values(MASS_SCALE);
        frictionScale = parameters.values(FRICTION_SCALE);
        dampingScale = parameters.values(DAMPING_SCALE);
        gearScale = parameters.values(GEAR_SCALE);
        observationNoise = parameters.values(OBSERVATION_NOISE);
        ownModels = parameters.randomized(MASS_SCALE) || parameters.randomized(FRICTION_SCALE)
                || parameters.randomized(DAMPING_SCALE) || parameters.randomized(GEAR_SCALE);
        nominalMass = snapshot(model.array("body_mass"));
        nominalInertia = snapshot(model.array("body_inertia"));
        nominalFriction = snapshot(model.array("geom_friction"));
        nominalDamping = snapshot(model.array("dof_damping"));
        nominalGear = snapshot(model.array("actuator_gear"));

        int nu = actuators.length;
        ctrlScale = new double[nu];
        ctrlOffset = new double[nu];
        MjArray range = model.array("actuator_ctrlrange");
        MjArray limited = model.array("actuator_ctrllimited");
        boolean identity = nu == model.nu();
        for (int i = 0; i < nu; i++) {
            int act = actuators[i];
            identity &= act == i;
            double lo = limited.bits(act) != 0 ? range.get(act, 0) : action.low(i);
            double hi = limited.bits(act) != 0 ? range.get(act, 1) : action.high(i);
            ctrlScale[i] = (hi - lo) / (action.high(i) - action.low(i));
            ctrlOffset[i] = lo - action.low(i) * ctrlScale[i];
            identity &= lo == action.low(i) && hi == action.high(i);
        }
        identityControl = identity;

        models = new MjModel[worlds];
        data = new MjData[worlds];
        try {
            for (int w = 0; w < worlds; w++) {
                models[w] = ownModels ? model.copy() : model;
                data[w] = models[w].makeData();
            }
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    private static List<Parameter> withModelParameters(List<Parameter> own) {
        List<Parameter> all = new ArrayList<>(own);
        all.add(Parameter.of(MASS_SCALE, "1", 1, 0.1, 10, "every body mass and inertia times this"));
        all.add(Parameter.of(FRICTION_SCALE, "1", 1, 0.05, 10, "every geom friction coefficient times this"));
        all.add(Parameter.of(DAMPING_SCALE, "1", 1, 0, 10, "every joint damping times this"));
        all.add(Parameter.of(GEAR_SCALE, "1", 1, 0.1, 10, "every actuator gear times this"));
        all.add(Parameter.of(OBSERVATION_NOISE, "observation units", 0, 0, 10,
                "standard deviation of Gaussian noise on every observation component"));
        return all;
    }

    private static double[] snapshot(MjArray a) {
        double[] v = new double[a.size()];
        if (v.length > 0) {
            a.copyTo(0, v, 0, v.length);
        }
        return v;
    }

    /** The MuJoCo state of {@code world} (read it; write it only between steps, from the driving thread). */
    public final MjData data(int world) {
        return data[world];
    }

    /** The model {@code world} steps with (the shared one unless model parameters are randomized). */
    public final MjModel model(int world) {
        return models[world];
    }

    /** The actuator each action component drives. */
    public final int actuator(int component) {
        return actuators[component];
    }

    /** Physics steps per control period. */
    public final int frameSkip() {
        return frameSkip;
    }

    /** Sets the world's initial state after {@code mj_resetData} (reset noise); {@code mj_forward} follows. */
    protected abstract void initialState(int world, MjData d);

    /** Called before the physics steps of a control period (record what the reward differentiates). */
    protected abstract void beforeStep(int world, MjData d);

    /**
     * Scores the step that just ended: writes {@code rewards[world]} and returns the outcome
     * ({@link Outcome#RUNNING} while the episode goes on; the step limit is applied afterwards).
     *
     * @param action the agent's own command this step ({@code actions}, offset {@code world * actionSize})
     * @param dt     simulated seconds this step lasted
     */
    protected abstract Outcome score(int world, MjData d, float[] action, int offset, double dt);

    /** Writes the observation of {@code world} into {@code out[offset ...]}. */
    protected abstract void observe(int world, MjData d, float[] out, int offset);

    /** Whether {@code cfrc_ext} must be computed after each step. */
    protected boolean needsContactForces() {
        return false;
    }

    @Override
    protected final void resetWorld(int world) {
        checkOpen();
        if (ownModels) {
            applyParameters(world);
        }
        MjData d = data[world];
        d.reset();
        initialState(world, d);
        d.forward();
        writeObservation(world, d);
    }

    @Override
    protected final void stepWorlds(int from, int to, float[] plant) {
        checkOpen();
        for (int w = from; w < to; w++) {
            MjData d = data[w];
            int a = w * actionSize;
            MjArray ctrl = d.ctrl();
            for (int i = 0; i < actionSize; i++) {
                float u = plant[a + i];
                if (identityControl) {
                    ctrl.set(i, u);
                } else {
                    ctrl.set(actuators[i], ctrlOffset[i] + ctrlScale[i] * u);
                }
            }
            beforeStep(w, d);
            double duration = stepDuration(w);
            int frames = duration == controlPeriod ? frameSkip
                    : Math.max(1, (int) Math.round(frameSkip * duration / controlPeriod));
            d.step(frames);
            if (needsContactForces()) {
                d.rnePostConstraint();
            }
            elapsedSteps[w]++;
            Outcome outcome = score(w, d, actions, a, frames * timestep);
            if (!writeObservation(w, d)) {
                outcome = Outcome.FAILURE;
            }
            if (outcome == Outcome.RUNNING && elapsedSteps[w] >= maxEpisodeSteps) {
                outcome = Outcome.TIMEOUT;
            }
            finish(w, outcome);
        }
    }

    /** Observes, adds noise, and zeroes a non-finite observation; false when it was not finite. */
    private boolean writeObservation(int world, MjData d) {
        int off = world * observationSize;
        observe(world, d, observations, off);
        float sigma = observationNoise[world];
        boolean finite = true;
        for (int i = off; i < off + observationSize; i++) {
            if (sigma > 0) {
                observations[i] += sigma * NormalTable.sample(SplitMix.next(random, world));
            }
            finite &= Float.isFinite(observations[i]);
        }
        if (!finite) {
            java.util.Arrays.fill(observations, off, off + observationSize, 0f);
            rewards[world] = Float.isFinite(rewards[world]) ? rewards[world] : 0f;
        }
        return finite;
    }

    private void applyParameters(int world) {
        MjModel m = models[world];
        scale(m.array("body_mass"), nominalMass, massScale[world]);
        scale(m.array("body_inertia"), nominalInertia, massScale[world]);
        scale(m.array("geom_friction"), nominalFriction, frictionScale[world]);
        scale(m.array("dof_damping"), nominalDamping, dampingScale[world]);
        scale(m.array("actuator_gear"), nominalGear, gearScale[world]);
    }

    private static void scale(MjArray target, double[] nominal, double factor) {
        for (int i = 0; i < nominal.length; i++) {
            target.set(i, nominal[i] * factor);
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException(name() + ": MuJoCo task is closed");
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (int w = 0; w < worlds; w++) {
            if (data[w] != null) {
                data[w].close();
            }
            if (ownModels && models[w] != null) {
                models[w].close();
            }
        }
        model.close();
    }
}

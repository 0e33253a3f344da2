package dev.myelin.sim.task;

import dev.myelin.sim.BoxSpace;
import dev.myelin.sim.BoxSpace.Kind;
import dev.myelin.sim.Outcome;
import dev.myelin.sim.random.Parameter;
import dev.myelin.sim.random.RandomizationSpec;
import dev.myelin.sim.random.SplitMix;

import java.util.List;

/**
 * {@code pendulum}: torque-limited swing-up of a rod hinged at one end, Gymnasium's Pendulum-v1.
 *
 * <p>Dynamics (theta = 0 upright), semi-implicit Euler with dt = 0.05 s:
 * <pre>
 *   I thetaddot = m g (l/2) sin(theta) + tau - b thetadot,     I = s m l^2 / 3
 *   thetadot'   = clip(thetadot + thetaddot dt, -8, 8)
 *   theta'      = theta + thetadot' dt
 * </pre>
 * With the nominal m = 1 kg, l = 1 m, g = 10 m/s^2, s = 1, b = 0 this is exactly Pendulum-v1's
 * {@code thetadot + (3g/(2l) sin(theta) + 3/(m l^2) u) dt}. The motor delivers
 * {@code tau = K u} through a first-order lag with time constant {@code motor_time_constant}
 * (zero: instantaneous, as in Gymnasium).
 *
 * <p>Reward: {@code -(angle^2 + 0.1 thetadot^2 + 0.001 u^2)} with the pre-step state and the agent's
 * commanded torque u in [-2, 2] N m; never terminates, truncated after 200 steps. Start:
 * theta ~ U(-pi, pi), thetadot ~ U(-1, 1). Observation: cos(theta), sin(theta), thetadot.
 */
public final class Pendulum extends Task {
    public static final String NAME = "pendulum";
    /** Pendulum-v1's speed limit, rad/s. */
    public static final float MAX_SPEED = 8f;
    /** Pendulum-v1's torque limit, N m. */
    public static final float MAX_TORQUE = 2f;
    public static final double DT = 0.05;
    public static final int MAX_STEPS = 200;

    private final double[] theta;
    private final double[] thetaDot;
    private final double[] torque;
    private final float[] mass;
    private final float[] length;
    private final float[] inertiaScale;
    private final float[] gravity;
    private final float[] friction;
    private final float[] motorGain;
    private final float[] motorTimeConstant;

    public Pendulum(int worlds, RandomizationSpec randomization) {
        super(NAME, worlds, 1, observationLayout(), actionLayout(), DT, MAX_STEPS, parameterList(), randomization);
        theta = new double[worlds];
        thetaDot = new double[worlds];
        torque = new double[worlds];
        mass = parameters.values("mass");
        length = parameters.values("length");
        inertiaScale = parameters.values("inertia_scale");
        gravity = parameters.values("gravity");
        friction = parameters.values("friction");
        motorGain = parameters.values("motor_gain");
        motorTimeConstant = parameters.values("motor_time_constant");
    }

    static BoxSpace observationLayout() {
        return BoxSpace.builder()
                .add("cos_angle", "1", -1f, 1f, Kind.POSITION)
                .add("sin_angle", "1", -1f, 1f, Kind.POSITION)
                .add("angular_velocity", "rad/s", -MAX_SPEED, MAX_SPEED, Kind.VELOCITY)
                .build();
    }

    static BoxSpace actionLayout() {
        return BoxSpace.builder().add("torque", "N m", -MAX_TORQUE, MAX_TORQUE, Kind.COMMAND).build();
    }

    /** The task's own randomizable parameters with their nominal values. */
    public static List<Parameter> parameterList() {
        return List.of(
                Parameter.of("mass", "kg", 1.0, 1e-3, 100, "rod mass"),
                Parameter.of("length", "m", 1.0, 1e-2, 10, "rod length"),
                Parameter.of("inertia_scale", "1", 1.0, 0.1, 10, "moment of inertia relative to a uniform rod, m l^2 / 3"),
                Parameter.of("gravity", "m/s^2", 10.0, 0, 30, "gravitational acceleration"),
                Parameter.of("friction", "N m s/rad", 0.0, 0, 10, "viscous friction at the hinge"),
                Parameter.of("motor_gain", "1", 1.0, 0, 5, "delivered torque per commanded torque"),
                Parameter.of("motor_time_constant", "s", 0.0, 0, 1, "first-order lag of the motor torque"));
    }

    /** Current angle of {@code world} (rad, 0 upright, wrapped to [-pi, pi)). */
    public double angle(int world) {
        return theta[world];
    }

    /** Current angular velocity of {@code world} (rad/s). */
    public double angularVelocity(int world) {
        return thetaDot[world];
    }

    /** Places {@code world} in a chosen state (tests, rendering); writes its observation. */
    public void setState(int world, double angle, double angularVelocity) {
        theta[world] = angle - 2.0 * Math.PI * Math.floor((angle + Math.PI) / (2.0 * Math.PI));
        thetaDot[world] = angularVelocity;
        torque[world] = 0;
        writeObservation(world, Math.cos(theta[world]), Math.sin(theta[world]));
    }

    @Override
    protected void resetWorld(int w) {
        theta[w] = Math.PI * (2.0 * SplitMix.nextDouble(random, w) - 1.0);
        thetaDot[w] = 2.0 * SplitMix.nextDouble(random, w) - 1.0;
        torque[w] = 0;
        writeObservation(w, Math.cos(theta[w]), Math.sin(theta[w]));
    }

    @Override
    protected void stepWorlds(int from, int to, float[] plant) {
        final float[] obs = observations;
        for (int w = from; w < to; w++) {
            double dt = stepDuration(w);
            double u = actions[w];
            double th = theta[w];
            double thd = thetaDot[w];
            // Cost on the state before the step (Pendulum-v1); th is kept wrapped, so it is the normalized angle.
            rewards[w] = (float) -(th * th + 0.1 * thd * thd + 0.001 * u * u);

            double target = motorGain[w] * plant[w];
            double tau = motorTimeConstant[w];
            double applied = tau > 0 ? torque[w] + (target - torque[w]) * (1.0 - Math.exp(-dt / tau)) : target;
            torque[w] = applied;

            double m = mass[w];
            double l = length[w];
            double inertia = inertiaScale[w] * m * l * l / 3.0;
            double acc = (m * gravity[w] * 0.5 * l * Math.sin(th) + applied - friction[w] * thd) / inertia;
            thd += acc * dt;
            if (thd > MAX_SPEED) {
                thd = MAX_SPEED;
            } else if (thd < -MAX_SPEED) {
                thd = -MAX_SPEED;
            }
            th = wrap(th + thd * dt);
            theta[w] = th;
            thetaDot[w] = thd;
            int o = w * 3;
            obs[o] = (float) Math.cos(th);
            obs[o + 1] = (float) Math.sin(th);
            obs[o + 2] = (float) thd;
            int n = ++elapsedSteps[w];
            if (n >= maxEpisodeSteps) {
                outcomes[w] = (byte) Outcome.TIMEOUT.ordinal();
                truncated[w] = true;
            } else {
                outcomes[w] = 0;
                truncated[w] = false;
            }
            terminated[w] = false;
        }
    }

    private void writeObservation(int w, double c, double s) {
        int o = w * 3;
        observations[o] = (float) c;
        observations[o + 1] = (float) s;
        observations[o + 2] = (float) thetaDot[w];
    }

    /** Wraps an angle to [-pi, pi); steps move at most 8 * dt rad, so a loop of subtractions is exact and cheap. */
    static double wrap(double a) {
        while (a >= Math.PI) {
            a -= 2.0 * Math.PI;
        }
        while (a < -Math.PI) {
            a += 2.0 * Math.PI;
        }
        return a;
    }
}

package dev.myelin.sim.task;

import dev.myelin.sim.BoxSpace;
import dev.myelin.sim.BoxSpace.Kind;
import dev.myelin.sim.Outcome;
import dev.myelin.sim.random.Parameter;
import dev.myelin.sim.random.RandomizationSpec;
import dev.myelin.sim.random.SplitMix;

import java.util.List;

/**
 * {@code cartpole-swingup}: a pole hinged on a cart that a continuous force moves along a 4.8 m track;
 * swing the pole up from hanging and balance it, the continuous swing-up of the PILCO line of work
 * (Deisenroth and Rasmussen 2011) in its common Gym form (cart 0.5 kg, pole 0.5 kg and 0.6 m,
 * g = 9.82, cart friction b = 0.1, force 10 N, dt = 0.01 s, 1000 steps).
 *
 * <p>Dynamics (theta = 0 upright, M = m_c + m_p, F = K f_max a), explicit Euler:
 * <pre>
 *   xddot     = (-2 m_p l thetadot^2 s + 3 m_p g s c + 4 F - 4 b xdot) / (4 M - 3 m_p c^2)
 *   thetaddot = (-3 m_p l thetadot^2 s c + 6 M g s + 6 (F - b xdot) c) / (4 l M - 3 m_p l c^2)
 * </pre>
 * with s = sin(theta), c = cos(theta). The force passes a first-order lag
 * ({@code motor_time_constant}, zero by default).
 *
 * <p>Reward after the step: {@code (cos(theta) + 1)/2 * cos(x / 2.4 * pi/2)}, in [0, 1]. Terminates
 * (FAILURE) when |x| > 2.4 m, truncated after 1000 steps. Start: (x, xdot, theta, thetadot) ~
 * N((0, 0, pi, 0), 0.2^2). Observation: x, cos(theta), sin(theta), xdot, thetadot. Action: a in
 * [-1, 1], the fraction of the 10 N force limit.
 */
public final class CartPoleSwingUp extends Task {
    public static final String NAME = "cartpole-swingup";
    public static final double DT = 0.01;
    public static final int MAX_STEPS = 1000;
    public static final double TRACK_LIMIT = 2.4;
    public static final double FORCE_LIMIT = 10.0;

    private final double[] x;
    private final double[] xDot;
    private final double[] theta;
    private final double[] thetaDot;
    private final double[] force;
    private final float[] cartMass;
    private final float[] poleMass;
    private final float[] poleLength;
    private final float[] gravity;
    private final float[] friction;
    private final float[] motorGain;
    private final float[] motorTimeConstant;

    public CartPoleSwingUp(int worlds, RandomizationSpec randomization) {
        super(NAME, worlds, 1, observationLayout(), actionLayout(), DT, MAX_STEPS, parameterList(), randomization);
        x = new double[worlds];
        xDot = new double[worlds];
        theta = new double[worlds];
        thetaDot = new double[worlds];
        force = new double[worlds];
        cartMass = parameters.values("cart_mass");
        poleMass = parameters.values("pole_mass");
        poleLength = parameters.values("pole_length");
        gravity = parameters.values("gravity");
        friction = parameters.values("friction");
        motorGain = parameters.values("motor_gain");
        motorTimeConstant = parameters.values("motor_time_constant");
    }

    static BoxSpace observationLayout() {
        float inf = Float.POSITIVE_INFINITY;
        return BoxSpace.builder()
                .add("cart_position", "m", -inf, inf, Kind.POSITION)
                .add("cos_pole_angle", "1", -1f, 1f, Kind.POSITION)
                .add("sin_pole_angle", "1", -1f, 1f, Kind.POSITION)
                .add("cart_velocity", "m/s", -inf, inf, Kind.VELOCITY)
                .add("pole_angular_velocity", "rad/s", -inf, inf, Kind.VELOCITY)
                .build();
    }

    static BoxSpace actionLayout() {
        return BoxSpace.builder().add("cart_force", "1 (x 10 N)", -1f, 1f, Kind.COMMAND).build();
    }

    /** The task's own randomizable parameters with their nominal values. */
    public static List<Parameter> parameterList() {
        return List.of(
                Parameter.of("cart_mass", "kg", 0.5, 1e-3, 100, "cart mass"),
                Parameter.of("pole_mass", "kg", 0.5, 1e-3, 100, "pole mass (uniform rod)"),
                Parameter.of("pole_length", "m", 0.6, 1e-2, 10, "pole length"),
                Parameter.of("gravity", "m/s^2", 9.82, 0, 30, "gravitational acceleration"),
                Parameter.of("friction", "N s/m", 0.1, 0, 10, "viscous friction of the cart"),
                Parameter.of("motor_gain", "1", 1.0, 0, 5, "delivered force per commanded force"),
                Parameter.of("motor_time_constant", "s", 0.0, 0, 1, "first-order lag of the force"));
    }

    public double cartPosition(int world) {
        return x[world];
    }

    /** Pole angle of {@code world} (rad, 0 upright, not wrapped). */
    public double poleAngle(int world) {
        return theta[world];
    }

    /** Places {@code world} in a chosen state (tests, rendering); writes its observation. */
    public void setState(int world, double cartPosition, double cartVelocity, double poleAngle, double poleRate) {
        x[world] = cartPosition;
        xDot[world] = cartVelocity;
        theta[world] = poleAngle;
        thetaDot[world] = poleRate;
        force[world] = 0;
        writeObservation(world);
    }

    @Override
    protected void resetWorld(int w) {
        x[w] = 0.2 * gaussian(w);
        xDot[w] = 0.2 * gaussian(w);
        theta[w] = Math.PI + 0.2 * gaussian(w);
        thetaDot[w] = 0.2 * gaussian(w);
        force[w] = 0;
        writeObservation(w);
    }

    private double gaussian(int w) {
        return SplitMix.nextGaussian(random, w);
    }

    @Override
    protected void stepWorlds(int from, int to, float[] plant) {
        for (int w = from; w < to; w++) {
            double dt = stepDuration(w);
            double target = motorGain[w] * FORCE_LIMIT * plant[w];
            double tau = motorTimeConstant[w];
            double f = tau > 0 ? force[w] + (target - force[w]) * (1.0 - Math.exp(-dt / tau)) : target;
            force[w] = f;

            double mc = cartMass[w];
            double mp = poleMass[w];
            double l = poleLength[w];
            double g = gravity[w];
            double b = friction[w];
            double total = mc + mp;
            double th = theta[w];
            double thd = thetaDot[w];
            double xd = xDot[w];
            double s = Math.sin(th);
            double c = Math.cos(th);
            double xdd = (-2 * mp * l * thd * thd * s + 3 * mp * g * s * c + 4 * f - 4 * b * xd)
                    / (4 * total - 3 * mp * c * c);
            double thdd = (-3 * mp * l * thd * thd * s * c + 6 * total * g * s + 6 * (f - b * xd) * c)
                    / (4 * l * total - 3 * mp * l * c * c);
            double nx = x[w] + xd * dt;
            th += thd * dt;
            x[w] = nx;
            theta[w] = th;
            xDot[w] = xd + xdd * dt;
            thetaDot[w] = thd + thdd * dt;

            double cn = Math.cos(th);
            double sn = Math.sin(th);
            rewards[w] = (float) ((cn + 1.0) * 0.5 * Math.cos(nx / TRACK_LIMIT * (Math.PI / 2)));
            int o = w * 5;
            observations[o] = (float) nx;
            observations[o + 1] = (float) cn;
            observations[o + 2] = (float) sn;
            observations[o + 3] = (float) xDot[w];
            observations[o + 4] = (float) thetaDot[w];

            int n = ++elapsedSteps[w];
            if (nx < -TRACK_LIMIT || nx > TRACK_LIMIT) {
                finish(w, Outcome.FAILURE);
            } else if (n >= maxEpisodeSteps) {
                finish(w, Outcome.TIMEOUT);
            } else {
                finish(w, Outcome.RUNNING);
            }
        }
    }

    private void writeObservation(int w) {
        int o = w * 5;
        observations[o] = (float) x[w];
        observations[o + 1] = (float) Math.cos(theta[w]);
        observations[o + 2] = (float) Math.sin(theta[w]);
        observations[o + 3] = (float) xDot[w];
        observations[o + 4] = (float) thetaDot[w];
    }
}

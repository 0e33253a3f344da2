package dev.myelin.sim.task;

import dev.myelin.sim.Actor;

/**
 * A hand-written baseline for {@code pendulum} that reads only the observation: energy pumping far
 * from upright, a PD balance near it (Astrom and Furuta, "Swinging up a pendulum by energy control",
 * Automatica 2000). With the nominal rod, E = 1/2 I thetadot^2 + m g (l/2)(cos theta - 1) is zero
 * upright at rest and dE/dt = u thetadot, so {@code u = k (0 - E) thetadot} adds energy until the
 * rod arrives; then {@code u = -(k_p theta + k_d thetadot)} holds it (linearised:
 * thetaddot = 15 theta + 3 u, so k_p = 10, k_d = 2 give a damped pole pair). Stateless.
 */
public final class PendulumSwingUp implements Actor {
    private static final double INERTIA = 1.0 / 3.0;
    private static final double GRAVITY_TORQUE = 5.0; // m g l / 2 with the nominal rod

    @Override
    public void act(float[] observation, float[] action) {
        double c = observation[0];
        double s = observation[1];
        double w = observation[2];
        double theta = Math.atan2(s, c);
        double energy = 0.5 * INERTIA * w * w + GRAVITY_TORQUE * (c - 1.0);
        double u;
        if (Math.abs(theta) < 0.35 && Math.abs(w) < 2.5) {
            u = -(10.0 * theta + 2.0 * w);
        } else {
            u = 4.0 * (0.0 - energy) * w;
        }
        action[0] = (float) Math.max(-Pendulum.MAX_TORQUE, Math.min(Pendulum.MAX_TORQUE, u));
    }
}

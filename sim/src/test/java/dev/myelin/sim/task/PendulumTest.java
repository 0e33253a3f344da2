package dev.myelin.sim.task;

import dev.myelin.sim.Outcome;
import dev.myelin.sim.SimEnv;
import dev.myelin.sim.Transition;
import dev.myelin.sim.random.RandomizationSpec;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PendulumTest {

    private static RandomizationSpec constants(String yamlBody) {
        return RandomizationSpec.parse("parameters:\n" + yamlBody, "test");
    }

    @Test
    void oneStepMatchesPendulumV1() {
        SimEnv env = new SimEnv(new Pendulum(1, RandomizationSpec.none()));
        Pendulum p = (Pendulum) env.simulator();
        env.reset(1);
        // Horizontal, at rest, full torque: thetadot' = (3 g / (2 l) sin(pi/2) + 3 / (m l^2) u) dt = (15 + 6) * 0.05.
        p.setState(0, Math.PI / 2, 0.0);
        Transition t = env.step(new float[]{2f});
        assertEquals(1.05, p.angularVelocity(0), 1e-9);
        assertEquals(Math.PI / 2 + 1.05 * 0.05, p.angle(0), 1e-9);
        // Cost uses the state before the step: (pi/2)^2 + 0.1 * 0^2 + 0.001 * 2^2.
        assertEquals(-(Math.PI * Math.PI / 4 + 0.004), t.reward(), 1e-6);
        float[] obs = t.observation();
        assertEquals(Math.cos(Math.PI / 2 + 0.0525), obs[0], 1e-6);
        assertEquals(Math.sin(Math.PI / 2 + 0.0525), obs[1], 1e-6);
        assertEquals(1.05, obs[2], 1e-6);
    }

    @Test
    void speedIsClippedAndAngleWrapped() {
        SimEnv env = new SimEnv(new Pendulum(1, RandomizationSpec.none()));
        Pendulum p = (Pendulum) env.simulator();
        env.reset(1);
        p.setState(0, 3.1, 7.9);
        env.step(new float[]{2f});
        assertEquals(8.0, p.angularVelocity(0), 1e-12);
        assertEquals(3.1 + 0.4 - 2 * Math.PI, p.angle(0), 1e-9);
    }

    @Test
    void upsideDownAtRestIsAnEquilibriumWithZeroCost() {
        SimEnv env = new SimEnv(new Pendulum(1, RandomizationSpec.none()));
        Pendulum p = (Pendulum) env.simulator();
        env.reset(1);
        p.setState(0, 0.0, 0.0);
        for (int i = 0; i < 50; i++) {
            Transition t = env.step(new float[]{0f});
            assertEquals(0f, t.reward(), 1e-12);
        }
        assertEquals(0.0, p.angle(0), 0.0);
    }

    @Test
    void truncatesAfter200StepsAndNeverTerminates() {
        SimEnv env = new SimEnv(new Pendulum(1, RandomizationSpec.none()));
        env.reset(3);
        Transition t = null;
        for (int i = 0; i < 200; i++) {
            t = env.step(new float[]{0.5f});
            assertFalse(t.terminated());
            assertEquals(i == 199, t.truncated(), "step " + i);
        }
        assertEquals(Outcome.TIMEOUT, t.outcome(0));
        assertEquals(200, t.episodeLength());
        assertEquals(1, env.stats().timeouts());
    }

    @Test
    void frictionlessSwingConservesEnergyAndFrictionDissipatesIt() {
        double[] drift = energyAfterSwing(RandomizationSpec.none());
        assertEquals(drift[0], drift[1], 0.1 * drift[0], "semi-implicit Euler keeps the energy bounded");
        double[] damped = energyAfterSwing(constants("  friction: { dist: constant, value: 0.3 }"));
        assertTrue(damped[1] < damped[0] - 1.0, "friction removes energy: " + damped[0] + " -> " + damped[1]);
    }

    /** Energy before and after: E = 1/2 I thetadot^2 + m g (l/2)(1 + cos theta), zero when hanging at rest. */
    private static double[] energyAfterSwing(RandomizationSpec spec) {
        SimEnv env = new SimEnv(new Pendulum(1, spec));
        Pendulum p = (Pendulum) env.simulator();
        env.reset(1);
        p.setState(0, Math.PI / 2, 0.0);
        double before = energy(p);
        for (int i = 0; i < 150; i++) {
            env.step(new float[]{0f});
        }
        return new double[]{before, energy(p)};
    }

    private static double energy(Pendulum p) {
        double inertia = 1.0 / 3.0;
        double w = p.angularVelocity(0);
        return 0.5 * inertia * w * w + 10 * 0.5 * (Math.cos(p.angle(0)) + 1);
    }

    @Test
    void motorGainScalesTheTorque() {
        SimEnv weak = new SimEnv(new Pendulum(1, constants("  motor_gain: { dist: constant, value: 0.5 }")));
        Pendulum p = (Pendulum) weak.simulator();
        weak.reset(1);
        p.setState(0, Math.PI, 0.0); // hanging: gravity torque sin(pi) = 0
        weak.step(new float[]{2f});
        assertEquals(3.0 * 1.0 * 0.05, p.angularVelocity(0), 1e-9);
        assertEquals(0.5, weak.parameter("motor_gain"), 1e-7);
    }

    @Test
    void actionLatencyDelaysTheCommandByWholeSteps() {
        SimEnv late = new SimEnv(new Pendulum(1, constants("  action_latency: { dist: constant, value: 2 }")));
        Pendulum p = (Pendulum) late.simulator();
        late.reset(1);
        p.setState(0, Math.PI, 0.0);
        late.step(new float[]{2f});
        late.step(new float[]{2f});
        assertEquals(0.0, p.angularVelocity(0), 1e-12, "the first two commands have not arrived");
        late.step(new float[]{2f});
        assertEquals(0.3, p.angularVelocity(0), 1e-9);
    }

    @Test
    void jitterVariesTheStepDuration() {
        SimEnv jittery = new SimEnv(new Pendulum(1, constants("  control_period_jitter: { dist: constant, value: 0.5 }")));
        Pendulum p = (Pendulum) jittery.simulator();
        jittery.reset(1);
        double min = Double.POSITIVE_INFINITY;
        double max = 0;
        for (int i = 0; i < 100; i++) {
            p.setState(0, Math.PI, 0.0);
            jittery.step(new float[]{2f});
            double dt = p.angularVelocity(0) / 6.0; // thetaddot = 3 u / (m l^2) = 6 rad/s^2 when hanging
            min = Math.min(min, dt);
            max = Math.max(max, dt);
        }
        assertTrue(min >= 0.025 - 1e-9 && min < 0.03, "shortest step " + min);
        assertTrue(max <= 0.075 + 1e-9 && max > 0.07, "longest step " + max);
    }

    @Test
    void swingUpBaselineAndRandomActionsScoreAsOnPendulumV1() {
        // Published Pendulum-v1 reference points: random play about -1200, a good controller about -150.
        dev.myelin.sim.Env env = dev.myelin.sim.Tasks.env(dev.myelin.sim.TaskSpec.of("pendulum"));
        double scripted = dev.myelin.sim.Evaluation.run(env, new PendulumSwingUp(), 50, 0).meanReturn();
        double random = dev.myelin.sim.Evaluation.run(env, dev.myelin.sim.Actor.uniform(env.actionSpace(), 1), 50, 0).meanReturn();
        assertTrue(scripted > -250, "energy pumping plus PD: " + scripted);
        assertTrue(random < -900 && random > -1600, "random torques: " + random);
        // The reality gap costs the same controller return.
        dev.myelin.sim.Env real = dev.myelin.sim.Tasks.env(dev.myelin.sim.TaskSpec.of("pendulum").withVariant(dev.myelin.sim.Variant.REAL));
        double gap = dev.myelin.sim.Evaluation.run(real, new PendulumSwingUp(), 50, 0).meanReturn();
        assertTrue(gap < scripted - 20, "real " + gap + " vs nominal " + scripted);
    }
}

package dev.myelin.launch.sim;

import dev.myelin.policy.bundle.BundleReader;
import dev.myelin.policy.bundle.TrustedKeys;
import dev.myelin.sim.Actor;
import dev.myelin.sim.Env;
import dev.myelin.sim.task.DiffDriveNav;
import dev.myelin.sim.task.MujocoNav;
import dev.myelin.sim.task.Pendulum;
import dev.myelin.sim.task.QuadrupedWalk;
import dev.myelin.sim.task.ScriptedNavigator;
import dev.myelin.sim.task.Task;
import dev.myelin.sim.task.TrotGait;
import dev.myelin.trainer.engine.EngineActor;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Chooses what drives a simulated env on the command line: a policy bundle (its engines, one per agent:
 * {@link EngineActor}) or a built-in actor.
 */
public final class SimActors {
    private SimActors() {
    }

    /**
     * @param bundle    a policy bundle, or null
     * @param actor     {@code scripted}, {@code random} or {@code zero} when no bundle is given
     * @param engine    inference engine for the bundle
     * @param simulator the one-world task behind {@code env} (for the scripted baselines)
     */
    public static Actor choose(Path bundle, String actor, String engine, Env env, Task simulator, long seed) throws Exception {
        if (bundle != null) {
            if (!Files.isRegularFile(bundle)) {
                throw new IllegalArgumentException("--bundle: no such file " + bundle);
            }
            // unsigned bundles accepted: this drives a simulator, not a robot
            return EngineActor.forEnv(engine, BundleReader.read(bundle, TrustedKeys.none()).policy(), env, bundle);
        }
        return switch (actor) {
            case "zero" -> Actor.zero();
            case "random" -> Actor.uniform(env.actionSpace(), seed);
            case "scripted" -> switch (simulator) {
                case DiffDriveNav nav -> ScriptedNavigator.of(nav).actor(env.agents(), env.observationSpace().size());
                case MujocoNav nav -> new ScriptedNavigator(nav.lidar(), nav.config().maxLinear(), nav.config().maxAngular())
                        .actor(env.agents(), env.observationSpace().size());
                case QuadrupedWalk q -> new TrotGait(q.controlPeriod());
                case Pendulum p -> {
                    if (env.observationSpace().size() != 3) {
                        throw new IllegalArgumentException("the scripted swing-up needs the full pendulum observation");
                    }
                    yield new dev.myelin.sim.task.PendulumSwingUp();
                }
                default -> throw new IllegalArgumentException("no scripted actor for " + simulator.name()
                        + " (use --actor random|zero or --bundle)");
            };
            default -> throw new IllegalArgumentException("unknown --actor '" + actor + "' (scripted, random, zero)");
        };
    }

    /** The actor used when none is named: scripted where one exists, else random. */
    static String defaultFor(Task simulator) {
        return simulator instanceof DiffDriveNav || simulator instanceof MujocoNav || simulator instanceof Pendulum ? "scripted" : "random";
    }
}

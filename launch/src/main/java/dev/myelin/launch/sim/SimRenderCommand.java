package dev.myelin.launch.sim;

import dev.myelin.sim.Actor;
import dev.myelin.sim.Env;
import dev.myelin.sim.SimEnv;
import dev.myelin.sim.Tasks;
import dev.myelin.sim.TaskSpec;
import dev.myelin.sim.Variant;
import dev.myelin.sim.pomdp.FilteredEnv;
import dev.myelin.sim.pomdp.Pomdp;
import dev.myelin.sim.render.EpisodeRecording;
import dev.myelin.sim.render.EpisodeRenderer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code ./myelin sim-render}: runs one episode and draws it to a PNG. */
@Command(name = "sim-render", mixinStandardHelpOptions = true,
        description = {"Run one simulated episode and draw it to a PNG: a top-down map (obstacles, lidar rays, "
                + "trajectories, goals) for the navigation tasks, a filmstrip and plot for pendulum and cart-pole."})
public final class SimRenderCommand implements Callable<Integer> {

    @Mixin
    SimTaskOptions task;

    @Option(names = "--seed", defaultValue = "0", description = "Episode seed (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--out", required = true, paramLabel = "FILE.png", description = "Where to write the PNG.")
    Path out;

    @Option(names = "--size", defaultValue = "900", description = "Image width in pixels (default ${DEFAULT-VALUE}).")
    int size;

    @Option(names = "--variant", defaultValue = "nominal", description = "nominal or real (the reality-gap preset).")
    String variant;

    @Option(names = "--bundle", paramLabel = "FILE.myl", description = "Drive the robot with this policy bundle.")
    Path bundle;

    @Option(names = "--engine", defaultValue = "dense", description = "Inference engine for --bundle (default ${DEFAULT-VALUE}).")
    String engine;

    @Option(names = "--actor", description = "Without --bundle: scripted (default where available), random or zero.")
    String actor;

    @Override
    public Integer call() throws Exception {
        System.setProperty("java.awt.headless", "true");
        if (!out.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".png")) {
            throw new IllegalArgumentException("--out must name a .png file, got " + out);
        }
        TaskSpec spec = task.spec(Variant.parse(variant));
        SimEnv sim = new SimEnv(Tasks.simulator(spec, 1));
        Env env = FilteredEnv.chain(sim, Pomdp.parse(spec.observation()));
        String chosen = actor != null ? actor : SimActors.defaultFor(sim.simulator());
        Actor driver = SimActors.choose(bundle, chosen, engine, env, sim.simulator(), seed);
        EpisodeRecording rec = EpisodeRecording.record(env, sim.simulator(), driver, seed);
        EpisodeRenderer.writePng(rec, size, out);
        env.close();
        StringBuilder outcomes = new StringBuilder();
        for (int a = 0; a < rec.agents(); a++) {
            outcomes.append(a > 0 ? ", " : "").append(rec.outcome(a).name().toLowerCase(Locale.ROOT));
        }
        System.out.printf(Locale.ROOT, "%s seed %d (%s, %s): %d steps, return %.3f, %s -> %s%n", spec.task(), seed,
                variant, bundle != null ? bundle.getFileName() : chosen, rec.states() - 1, rec.episodeReturn(),
                outcomes, out);
        return 0;
    }
}

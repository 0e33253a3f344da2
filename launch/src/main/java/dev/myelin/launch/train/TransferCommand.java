package dev.myelin.launch.train;

import dev.myelin.launch.JsonReport;
import dev.myelin.launch.sim.SimActors;
import dev.myelin.sim.Actor;
import dev.myelin.sim.SimEnv;
import dev.myelin.sim.TaskSpec;
import dev.myelin.sim.Tasks;
import dev.myelin.sim.Transfer;
import dev.myelin.sim.task.DiffDriveNav;
import dev.myelin.sim.task.MujocoNav;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code ./myelin transfer}: one navigation policy in the kinematic 2-D world ({@code diffdrive-nav})
 * and on the MuJoCo base ({@code mujoco-nav}) over the same episode seeds, side by side.
 */
@Command(name = "transfer", mixinStandardHelpOptions = true,
        description = {"Run one navigation policy in the kinematic 2-D world and on the MuJoCo base over the same "
                + "episode seeds (same scenes) and print success, collisions and return side by side."})
public final class TransferCommand implements Callable<Integer> {

    @Option(names = "--bundle", paramLabel = "FILE.myl", description = "The policy (a diffdrive-nav bundle).")
    Path bundle;

    @Option(names = "--actor", description = "Without --bundle: scripted, random or zero (a baseline).")
    String actor;

    @Option(names = "--engine", defaultValue = "dense", description = "Inference engine: dense, event, int8 (default ${DEFAULT-VALUE}).")
    String engine;

    @Option(names = "--episodes", defaultValue = "100", description = "Episodes per world (default ${DEFAULT-VALUE}).")
    int episodes;

    @Option(names = "--seed", defaultValue = "0", description = "First episode seed (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--options", paramLabel = "K=V[,K=V]", description = "Navigation options for both worlds, e.g. obstacles=8.")
    String options;

    @Option(names = "--model", paramLabel = "FILE.xml", description = "MJCF of the MuJoCo base (default: the shipped diffdrive-base.xml).")
    String model;

    @Option(names = "--json", paramLabel = "FILE", description = "Write the figures and every episode as JSON.")
    Path json;

    @Override
    public Integer call() throws Exception {
        if ((bundle == null) == (actor == null)) {
            throw new IllegalArgumentException("name the policy with --bundle FILE or a baseline with --actor, one of them");
        }
        if (episodes < 1) {
            throw new IllegalArgumentException("--episodes must be >= 1, got " + episodes);
        }
        TaskSpec kinematicSpec = TaskSpec.of(DiffDriveNav.NAME).withOptions(options);
        TaskSpec mujocoSpec = TaskSpec.of(MujocoNav.NAME).withOptions(options);
        if (model != null) {
            mujocoSpec = mujocoSpec.withOption("model", model);
        }
        String who = bundle != null ? bundle + " (" + engine + ")" : "actor " + actor;
        System.out.printf(Locale.ROOT, "%s: %d episodes from seed %d in each world%n", who, episodes, seed);
        Map<String, Transfer.World> worlds = new java.util.LinkedHashMap<>();
        for (Map.Entry<String, TaskSpec> w : List.of(Map.entry("kinematic", kinematicSpec), Map.entry("mujoco", mujocoSpec))) {
            SimEnv env = new SimEnv(Tasks.simulator(w.getValue(), 1));
            try {
                Actor driver = SimActors.choose(bundle, actor, engine, env, env.simulator(), seed);
                long start = System.nanoTime();
                worlds.put(w.getKey(), Transfer.run(env, driver, episodes, seed));
                System.out.printf(Locale.ROOT, "  %s (%s) done in %.1f s%n", w.getKey(), env.task(), (System.nanoTime() - start) / 1e9);
            } finally {
                if (env.simulator() instanceof MujocoNav mj) {
                    mj.close();
                }
            }
        }
        Transfer.World k = worlds.get("kinematic");
        Transfer.World m = worlds.get("mujoco");
        int sameScenes = 0;
        for (int e = 0; e < episodes; e++) {
            Transfer.Episode a = k.episodes().get(e);
            Transfer.Episode b = m.episodes().get(e);
            if (a.seed() == b.seed() && a.startX() == b.startX() && a.startY() == b.startY() && a.goalX() == b.goalX()
                    && a.goalY() == b.goalY()) {
                sameScenes++;
            }
        }
        System.out.printf(Locale.ROOT, "%-10s %-14s %8s %9s %8s %10s %8s%n", "world", "task", "success", "collision",
                "timeout", "return", "length");
        JsonReport report = new JsonReport();
        for (Map.Entry<String, Transfer.World> w : worlds.entrySet()) {
            Transfer.World r = w.getValue();
            System.out.printf(Locale.ROOT, "%-10s %-14s %7.1f%% %8.1f%% %7.1f%% %10.2f %8.1f%n", w.getKey(), r.task(),
                    100 * r.successRate(), 100 * r.collisionRate(), 100 * r.timeoutRate(), r.meanReturn(), r.meanLength());
            String p = w.getKey() + ".";
            report.put(p + "task", r.task());
            report.put(p + "success_rate", JsonReport.round(r.successRate(), 4));
            report.put(p + "collision_rate", JsonReport.round(r.collisionRate(), 4));
            report.put(p + "timeout_rate", JsonReport.round(r.timeoutRate(), 4));
            report.put(p + "mean_return", JsonReport.round(r.meanReturn(), 4));
            report.put(p + "mean_length", JsonReport.round(r.meanLength(), 2));
            List<Map<String, Object>> list = new ArrayList<>();
            for (Transfer.Episode e : r.episodes()) {
                Map<String, Object> row = new java.util.LinkedHashMap<>();
                row.put("seed", e.seed());
                row.put("start", List.of(JsonReport.round(e.startX(), 4), JsonReport.round(e.startY(), 4)));
                row.put("goal", List.of(JsonReport.round(e.goalX(), 4), JsonReport.round(e.goalY(), 4)));
                row.put("outcome", e.outcome().name().toLowerCase(Locale.ROOT));
                row.put("return", JsonReport.round(e.episodeReturn(), 4));
                row.put("length", e.length());
                list.add(row);
            }
            report.put(p + "episode_list", list);
        }
        double ratio = k.successRate() > 0 ? m.successRate() / k.successRate() : Double.NaN;
        System.out.printf(Locale.ROOT, "MuJoCo success is %.1f%% of the 2-D world's; %d of %d episodes had the same seed and scene%n",
                100 * ratio, sameScenes, episodes);
        report.put("episodes", episodes);
        report.put("seed", seed);
        report.put("same_scenes", sameScenes);
        report.put("success_ratio", Double.isNaN(ratio) ? null : JsonReport.round(ratio, 4));
        report.put("policy", bundle != null ? bundle.toString() : "actor:" + actor);
        if (json != null) {
            report.write(json);
        }
        return 0;
    }
}

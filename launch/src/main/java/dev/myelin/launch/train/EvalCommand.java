package dev.myelin.launch.train;

import dev.myelin.launch.JsonReport;
import dev.myelin.launch.sim.SimActors;
import dev.myelin.launch.sim.SimTaskOptions;
import dev.myelin.sim.Actor;
import dev.myelin.sim.Env;
import dev.myelin.sim.Evaluation;
import dev.myelin.sim.SimEnv;
import dev.myelin.sim.Tasks;
import dev.myelin.sim.TaskSpec;
import dev.myelin.sim.Variant;
import dev.myelin.sim.pomdp.FilteredEnv;
import dev.myelin.sim.pomdp.Pomdp;
import dev.myelin.sim.task.QuadrupedWalk;
import dev.myelin.sim.task.TrotGait;
import dev.myelin.sim.task.VelocityTracking;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code ./myelin eval}: how well a policy does on the nominal simulator and, with
 * {@code --variant real}, on the task's reality-gap preset, on the same episode seeds. On
 * {@code quadruped-walk} it also measures velocity tracking and falls per minute on the nominal task,
 * next to references driven over the same seeds: the policy blind to the command, standing still, and a
 * hand-written trot ({@link TrotGait}).
 */
@Command(name = "eval", mixinStandardHelpOptions = true,
        description = {"Evaluate a policy bundle (or a built-in actor) in simulation: return and success on the "
                + "nominal task and, with --variant real (the default), on its reality-gap variant too."})
public final class EvalCommand implements Callable<Integer> {

    @Mixin
    SimTaskOptions task;

    @Option(names = "--bundle", paramLabel = "FILE.myl", description = "The policy to evaluate.")
    Path bundle;

    @Option(names = "--actor", description = "Without --bundle: scripted, random or zero (a baseline).")
    String actor;

    @Option(names = "--engine", defaultValue = "dense", description = "Inference engine: dense, event, int8 (default ${DEFAULT-VALUE}).")
    String engine;

    @Option(names = "--variant", defaultValue = "real",
            description = "real: nominal and reality-gap variant side by side (default); nominal: nominal only.")
    String variant;

    @Option(names = "--episodes", defaultValue = "50", description = "Episodes per variant (default ${DEFAULT-VALUE}).")
    int episodes;

    @Option(names = "--seed", defaultValue = "0", description = "First episode seed (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--json", paramLabel = "FILE", description = "Write the figures as JSON.")
    Path json;

    private static String percent(double fraction) {
        return String.format(Locale.ROOT, "%.1f%%", 100 * fraction);
    }

    /** Tracking error and falls per minute of the policy, the policy blind to the command, standing still and the scripted trot. */
    private void trackVelocity(String who, JsonReport report) throws Exception {
        System.out.printf(Locale.ROOT, "velocity tracking, nominal, %d episodes from seed %d (per 0.02 s step; v forward "
                + "speed, w turn rate, c the episode's command)%n", episodes, seed);
        System.out.printf(Locale.ROOT, "%-34s %10s %10s %11s %8s %8s %9s %6s %8s%n", "driver", "rms(v-c_v)", "rms(w-c_w)",
                "mean|v-c_v|", "mean v", "mean c_v", "falls/min", "falls", "driven s");
        for (String row : new String[] {"policy", "command_blind", "standing", "scripted_trot"}) {
            TaskSpec spec = task.spec(Variant.NOMINAL);
            SimEnv sim = new SimEnv(Tasks.simulator(spec, 1));
            Env env = FilteredEnv.chain(sim, Pomdp.parse(spec.observation()));
            try {
                Actor policy = switch (row) {
                    case "standing" -> VelocityTracking.standing();
                    case "scripted_trot" -> new TrotGait(env.controlPeriod());
                    default -> SimActors.choose(bundle, actor, engine, env, sim.simulator(), seed);
                };
                if (row.equals("scripted_trot") && env.observationSpace().size() != QuadrupedWalk.observationLayout().size()) {
                    continue;
                }
                if (row.equals("command_blind")) {
                    if (env.observationSpace().size() != QuadrupedWalk.observationLayout().size()) {
                        continue;
                    }
                    policy = VelocityTracking.commandBlind(policy, env.observationSpace().size());
                }
                VelocityTracking t = VelocityTracking.measure(env, (QuadrupedWalk) sim.simulator(), policy, episodes, seed);
                String label = switch (row) {
                    case "policy" -> who;
                    case "command_blind" -> "same, command held at 0.25 m/s, 0";
                    case "standing" -> "standing pose (reference)";
                    default -> "scripted trot (hand-written gait)";
                };
                System.out.printf(Locale.ROOT, "%-34s %10.3f %10.3f %11.3f %8.3f %8.3f %9.2f %6d %8.1f%n", label,
                        t.linearRms(), t.angularRms(), t.linearMeanAbs(), t.meanSpeed(), t.meanCommand(), t.fallsPerMinute(),
                        t.falls(), t.seconds());
                String prefix = row.equals("policy") ? "" : row + ".";
                report.put(prefix + "tracking.linear_rms", JsonReport.round(t.linearRms(), 4));
                report.put(prefix + "tracking.angular_rms", JsonReport.round(t.angularRms(), 4));
                report.put(prefix + "tracking.linear_mean_abs", JsonReport.round(t.linearMeanAbs(), 4));
                report.put(prefix + "tracking.mean_speed", JsonReport.round(t.meanSpeed(), 4));
                report.put(prefix + "tracking.mean_command", JsonReport.round(t.meanCommand(), 4));
                report.put(prefix + "tracking.seconds", JsonReport.round(t.seconds(), 2));
                report.put(prefix + "tracking.falls", t.falls());
                report.put(prefix + "falls_per_min", JsonReport.round(t.fallsPerMinute(), 3));
            } finally {
                env.close();
            }
        }
    }

    @Override
    public Integer call() throws Exception {
        if (bundle == null && actor == null) {
            throw new IllegalArgumentException("name the policy with --bundle FILE (or a baseline with --actor)");
        }
        if (bundle != null && actor != null) {
            throw new IllegalArgumentException("give either --bundle or --actor, not both");
        }
        if (episodes < 1) {
            throw new IllegalArgumentException("--episodes must be >= 1, got " + episodes);
        }
        Variant requested = Variant.parse(variant);
        List<Variant> variants = requested == Variant.REAL ? List.of(Variant.NOMINAL, Variant.REAL) : List.of(Variant.NOMINAL);
        JsonReport report = new JsonReport();
        List<Evaluation.Summary> results = new ArrayList<>();
        String who = bundle != null ? bundle.toString() + " (" + engine + ")" : "actor " + actor;
        System.out.printf(Locale.ROOT, "%s on %s, %d episodes per variant from seed %d%n", who, task.task, episodes, seed);
        dev.myelin.sim.task.Task probe = Tasks.simulator(task.spec(Variant.NOMINAL), 1);
        boolean goals = probe.hasGoals();
        boolean tracking = probe instanceof QuadrupedWalk;
        probe.close();
        System.out.printf(Locale.ROOT, "%-8s %10s %9s %10s %8s %9s %8s %8s %8s%n", "variant", "return", "std",
                "median", "success", "collision", "failure", "timeout", "length");
        for (Variant v : variants) {
            TaskSpec spec = task.spec(v);
            SimEnv sim = new SimEnv(Tasks.simulator(spec, 1));
            Env env = FilteredEnv.chain(sim, Pomdp.parse(spec.observation()));
            Actor driver = SimActors.choose(bundle, actor, engine, env, sim.simulator(), seed);
            Evaluation.Summary s = Evaluation.run(env, driver, episodes, seed);
            env.close();
            results.add(s);
            String name = v.name().toLowerCase(Locale.ROOT);
            System.out.printf(Locale.ROOT, "%-8s %10.2f %9.2f %10.2f %8s %9s %8s %8s %8.1f%n", name,
                    s.meanReturn(), s.stdReturn(), s.medianReturn(), goals ? percent(s.successRate()) : "-",
                    goals ? percent(s.collisionRate()) : "-", percent((double) s.failures() / s.agentEpisodes()),
                    percent((double) s.timeouts() / s.agentEpisodes()), s.meanLength());
            report.put(name + ".mean_return", JsonReport.round(s.meanReturn(), 4));
            report.put(name + ".std_return", JsonReport.round(s.stdReturn(), 4));
            report.put(name + ".median_return", JsonReport.round(s.medianReturn(), 4));
            if (goals) {
                report.put(name + ".success_rate", JsonReport.round(s.successRate(), 4));
                report.put(name + ".collision_rate", JsonReport.round(s.collisionRate(), 4));
            }
            report.put(name + ".timeouts", s.timeouts());
            report.put(name + ".failures", s.failures());
            report.put(name + ".mean_length", JsonReport.round(s.meanLength(), 2));
            report.put(name + ".clipped_action_components", s.clippedActions());
        }
        if (results.size() == 2) {
            double gap = results.get(1).meanReturn() - results.get(0).meanReturn();
            report.put("gap.return", JsonReport.round(gap, 4));
            if (goals) {
                double successGap = results.get(1).successRate() - results.get(0).successRate();
                System.out.printf(Locale.ROOT, "reality gap: return %+.2f, success %+.1f points%n", gap, 100 * successGap);
                report.put("gap.success_rate", JsonReport.round(successGap, 4));
            } else {
                System.out.printf(Locale.ROOT, "reality gap: return %+.2f (%s has no goals)%n", gap, task.task);
            }
        }
        if (tracking) {
            trackVelocity(who, report);
        }
        report.put("task", task.task);
        report.put("episodes", episodes);
        report.put("seed", seed);
        report.put("policy", bundle != null ? bundle.toString() : "actor:" + actor);
        if (json != null) {
            report.write(json);
        }
        return 0;
    }
}

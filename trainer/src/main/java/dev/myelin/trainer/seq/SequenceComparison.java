package dev.myelin.trainer.seq;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.myelin.policy.engine.EnergyMeter;
import dev.myelin.policy.model.Policy;
import dev.myelin.sim.Env;
import dev.myelin.sim.Tasks;
import dev.myelin.sim.Transition;
import dev.myelin.trainer.engine.EngineActor;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The memory comparison: every (task preset, actor family, algorithm, seed) cell is trained with sequence
 * TD3 (or SAC) on
 * the preset's step budget (times a scale), evaluated deterministically, and its energy per decision
 * estimated with the policy module's {@link EnergyMeter}: spiking families run their exported network
 * in the dense engine over the evaluation episodes (SynOps, MACs, 4.6 pJ x MACs + 0.9 pJ x SynOps);
 * the ANN baselines cost 4.6 pJ x their MACs. Families whose class is not in the build are skipped with
 * a message. Writes {@code results.json} (one record per cell) and {@code table.md}. One thread.
 */
public final class SequenceComparison {
    public static final List<String> TASKS = List.of("pendulum-po", "cartpole-swingup-po", "multi-diffdrive");

    /** One trained and measured cell. */
    public record Cell(String task, String family, String algorithm, long seed, long steps, double meanReturn, double stdReturn,
                       int episodes, double engineReturn, double synOpsPerDecision, double macsPerDecision,
                       double spikesPerDecision, double picojoulesPerDecision, boolean energyFromEngine,
                       long parameters, double wallSeconds) {
    }

    /** What to run. */
    public record Plan(List<String> tasks, List<String> families, List<String> algorithms, int seeds, double stepsScale,
                       int evalEpisodes, Path out) {
        public Plan {
            tasks = List.copyOf(tasks);
            families = List.copyOf(families);
            algorithms = List.copyOf(algorithms);
            if (algorithms.isEmpty()) {
                throw new IllegalArgumentException("name at least one algorithm (known: " + String.join(", ",
                        SequenceConfig.ALGORITHMS) + ")");
            }
            for (String a : algorithms) {
                if (!SequenceConfig.ALGORITHMS.contains(a)) {
                    throw new IllegalArgumentException("unknown algorithm '" + a + "' (known: " + String.join(", ",
                            SequenceConfig.ALGORITHMS) + ")");
                }
            }
            for (String t : tasks) {
                if (!TASKS.contains(t) && !t.endsWith(".yaml") && !t.endsWith(".yml")) {
                    throw new IllegalArgumentException("unknown comparison task '" + t + "' (known: " + String.join(", ", TASKS) + ")");
                }
            }
            for (String f : families) {
                if (!SequenceActors.FAMILIES.contains(f)) {
                    throw new IllegalArgumentException("unknown actor family '" + f + "' (known: "
                            + String.join(", ", SequenceActors.FAMILIES) + ")");
                }
            }
            if (seeds < 1 || !(stepsScale > 0) || evalEpisodes < 1) {
                throw new IllegalArgumentException("seeds and eval episodes must be >= 1 and the step scale positive, got "
                        + seeds + ", " + evalEpisodes + ", " + stepsScale);
            }
        }

        /** Every family with sequence TD3. */
        public Plan(List<String> tasks, List<String> families, int seeds, double stepsScale, int evalEpisodes, Path out) {
            this(tasks, families, List.of("td3"), seeds, stepsScale, evalEpisodes, out);
        }
    }

    private SequenceComparison() {
    }

    /** Runs every cell of {@code plan}, writing results as they come; returns the cells. */
    public static List<Cell> run(Plan plan, PrintStream log) throws IOException {
        Files.createDirectories(plan.out());
        List<Cell> cells = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        for (String family : plan.families()) {
            if (!SequenceActors.available(family)) {
                skipped.add(family);
                log.println("compare: skipping family " + family + ": its actor class is not part of this build");
            }
        }
        for (String task : plan.tasks()) {
            for (String family : plan.families()) {
                if (skipped.contains(family)) {
                    continue;
                }
                for (String algorithm : plan.algorithms()) {
                    for (int seed = 1; seed <= plan.seeds(); seed++) {
                        Cell c = runCell(plan, task, family, algorithm, seed, log);
                        cells.add(c);
                        write(plan, cells, skipped);
                    }
                }
            }
        }
        write(plan, cells, skipped);
        return cells;
    }

    static Cell runCell(Plan plan, String task, String family, String algorithm, long seed, PrintStream log)
            throws IOException {
        Map<String, Object> preset = SequenceConfig.loadPreset(task);
        SequenceConfig base = SequenceConfig.of(preset, List.of("family=" + family, "algorithm=" + algorithm, "seed=" + seed));
        long steps = Math.max(base.updateEvery, Math.round(base.steps * plan.stepsScale() / base.updateEvery) * base.updateEvery);
        long evalEvery = Math.max(base.updateEvery, (steps / 4) / base.updateEvery * base.updateEvery);
        SequenceConfig config = base.with(List.of("steps=" + steps, "eval_every=" + evalEvery,
                "start_steps=" + Math.min(base.startSteps, steps / 4), "update_after=" + Math.min(base.updateAfter, steps / 8)));
        String label = algorithm.equals("td3") ? family : family + " " + algorithm;
        String name = taskName(task) + "-" + label.replace(' ', '-') + "-s" + seed;
        Path dir = plan.out().resolve("runs").resolve(name);
        if (Files.exists(dir.resolve(SequenceTrainingRun.CHECKPOINT))) {
            Files.delete(dir.resolve(SequenceTrainingRun.CHECKPOINT));
        }
        log.printf(Locale.ROOT, "compare: %s %s seed %d, %d steps%n", task, label, seed, steps);
        long t0 = System.nanoTime();
        SequenceActor actor;
        dev.myelin.sim.Evaluation.Summary summary;
        Policy policy = null;
        try (SequenceTrainingRun run = SequenceTrainingRun.start(config, dir)) {
            run.run();
            double wall = (System.nanoTime() - t0) * 1e-9;
            summary = run.evaluate(plan.evalEpisodes());
            actor = run.actor();
            if (actor.toNetwork() != null) {
                policy = SequencePolicy.toPolicy(actor, run.observationSpace(), run.actionSpace(),
                        run.normalizer().toNormalizer(), Map.of("comparison", name));
            }
            Cell c = measure(config, taskName(task), family, seed, steps, summary, actor, policy, plan.evalEpisodes(), wall);
            log.printf(Locale.ROOT, "compare: %s %s seed %d: return %.1f +- %.1f, %.1f pJ/decision (%s), %.0f s%n", task,
                    label, seed, c.meanReturn(), c.stdReturn(), c.picojoulesPerDecision(),
                    c.energyFromEngine() ? String.format(Locale.ROOT, "%.0f SynOps + %.0f MACs", c.synOpsPerDecision(),
                            c.macsPerDecision()) : String.format(Locale.ROOT, "%.0f MACs", c.macsPerDecision()), wall);
            return c;
        }
    }

    private static Cell measure(SequenceConfig config, String task, String family, long seed, long steps,
                                dev.myelin.sim.Evaluation.Summary summary, SequenceActor actor, Policy policy,
                                int episodes, double wall) {
        long params = actor.parameters().size();
        if (policy == null) {
            double macs = actor.macsPerDecision();
            return new Cell(task, family, config.algorithm, seed, steps, summary.meanReturn(), summary.stdReturn(), episodes, Double.NaN, 0, macs,
                    0, EnergyMeter.MAC_PJ * macs, false, params, wall);
        }
        // the robot-side engine, one instance per robot, over the same evaluation episodes
        double synOps = 0;
        double macs = 0;
        double spikes = 0;
        double pj = 0;
        long decisions = 0;
        double returns = 0;
        try (Env env = Tasks.env(config.taskSpec())) {
            int agents = env.agents();
            EngineActor engines = EngineActor.of("dense", policy, agents);
            float[] action = new float[agents * env.actionSpace().size()];
            for (int e = 0; e < episodes; e++) {
                float[] o = env.reset(config.evaluationSeed() + e);
                engines.startEpisode();
                Transition t;
                do {
                    engines.act(o, action);
                    for (int a = 0; a < agents; a++) {
                        EnergyMeter m = engines.engine(a).energy();
                        synOps += m.synOps();
                        macs += m.macs();
                        spikes += m.spikes();
                        pj += m.estimatePicojoules();
                        decisions++;
                    }
                    t = env.step(action);
                    engines.observe(t);
                    o = t.observation();
                } while (!t.done());
                returns += t.episodeReturn();
            }
        }
        return new Cell(task, family, config.algorithm, seed, steps, summary.meanReturn(), summary.stdReturn(), episodes, returns / episodes,
                synOps / decisions, macs / decisions, spikes / decisions, pj / decisions, true, params, wall);
    }

    static String taskName(String task) {
        String n = Path.of(task).getFileName().toString();
        return n.replaceAll("\\.ya?ml$", "");
    }

    private static void write(Plan plan, List<Cell> cells, List<String> skipped) throws IOException {
        List<Map<String, Object>> records = new ArrayList<>();
        for (Cell c : cells) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("task", c.task());
            m.put("family", c.family());
            m.put("algorithm", c.algorithm());
            m.put("seed", c.seed());
            m.put("steps", c.steps());
            m.put("mean_return", finite(c.meanReturn()));
            m.put("std_return", finite(c.stdReturn()));
            m.put("eval_episodes", c.episodes());
            m.put("engine_return", finite(c.engineReturn()));
            m.put("energy_pj_per_decision", finite(c.picojoulesPerDecision()));
            m.put("synops_per_decision", finite(c.synOpsPerDecision()));
            m.put("macs_per_decision", finite(c.macsPerDecision()));
            m.put("spikes_per_decision", finite(c.spikesPerDecision()));
            m.put("energy_source", c.energyFromEngine() ? "dense engine meter (estimate)" : "4.6 pJ x MACs (estimate)");
            m.put("parameters", c.parameters());
            m.put("wall_seconds", finite(c.wallSeconds()));
            records.add(m);
        }
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("steps_scale", plan.stepsScale());
        root.put("seeds", plan.seeds());
        root.put("algorithms", plan.algorithms());
        root.put("skipped_families", skipped);
        root.put("cells", records);
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(plan.out().resolve("results.json").toFile(), root);
        Files.writeString(plan.out().resolve("table.md"), table(cells, skipped));
    }

    private static Double finite(double d) {
        return Double.isFinite(d) ? d : null;
    }

    /** The markdown table: one row per (task, family, algorithm), mean +- std over seeds of the mean evaluation return. */
    public static String table(List<Cell> cells, List<String> skipped) {
        StringBuilder sb = new StringBuilder();
        sb.append("| task | family | algorithm | seeds | steps | return (mean +- std) | energy / decision (est.) | SynOps | MACs "
                + "| params |\n");
        sb.append("|---|---|---|---|---|---|---|---|---|---|\n");
        Map<String, List<Cell>> groups = new LinkedHashMap<>();
        for (Cell c : cells) {
            groups.computeIfAbsent(c.task() + "\u0000" + c.family() + "\u0000" + c.algorithm(), k -> new ArrayList<>()).add(c);
        }
        for (List<Cell> g : groups.values()) {
            Cell f = g.get(0);
            double mean = 0;
            double pj = 0;
            double syn = 0;
            double macs = 0;
            for (Cell c : g) {
                mean += c.meanReturn();
                pj += c.picojoulesPerDecision();
                syn += c.synOpsPerDecision();
                macs += c.macsPerDecision();
            }
            int n = g.size();
            mean /= n;
            double spread;
            if (n > 1) {
                double v = 0;
                for (Cell c : g) {
                    v += (c.meanReturn() - mean) * (c.meanReturn() - mean);
                }
                spread = Math.sqrt(v / n);
            } else {
                spread = f.stdReturn();
            }
            sb.append(String.format(Locale.ROOT, "| %s | %s | %s | %d | %d | %.1f +- %.1f | %.2f nJ | %s | %.0f | %d |%n",
                    f.task(), f.family(), f.algorithm(), n, f.steps(), mean, spread, pj / n / 1000, f.energyFromEngine() ? String.format(Locale.ROOT, "%.0f", syn / n) : "-",
                    macs / n, f.parameters()));
        }
        if (!skipped.isEmpty()) {
            sb.append("\nNot in this build (skipped): ").append(String.join(", ", skipped)).append('\n');
        }
        sb.append("\nReturns: deterministic evaluation episodes after training (one seed: +- is the std over episodes; several: "
                + "the std over seeds). Energy: 45 nm estimates (4.6 pJ per MAC, 0.9 pJ per SynOp), per decision of one robot.\n");
        return sb.toString();
    }
}

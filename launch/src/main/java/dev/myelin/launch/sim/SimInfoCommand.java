package dev.myelin.launch.sim;

import dev.myelin.sim.BoxSpace;
import dev.myelin.sim.Env;
import dev.myelin.sim.Tasks;
import dev.myelin.sim.TaskSpec;
import dev.myelin.sim.Variant;
import dev.myelin.sim.random.Parameter;
import dev.myelin.sim.random.RandomizationSpec;
import dev.myelin.sim.task.Task;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code ./myelin sim-info}: a task's spaces, control period and randomizable parameters. */
@Command(name = "sim-info", mixinStandardHelpOptions = true,
        description = "Print a task's observation and action spaces and its randomizable parameters.")
public final class SimInfoCommand implements Callable<Integer> {

    @Mixin
    SimTaskOptions task;

    @Override
    public Integer call() throws Exception {
        TaskSpec spec = task.spec(Variant.NOMINAL);
        Task sim = Tasks.simulator(spec, 1);
        Env env = Tasks.env(spec);
        System.out.printf(Locale.ROOT, "%s: %d agent(s), control period %.3f s, at most %d steps per episode%n",
                sim.name(), sim.agents(), sim.controlPeriod(), sim.maxEpisodeSteps());
        print("observation (per agent)", env.observationSpace());
        print("action (per agent)", env.actionSpace());
        RandomizationSpec gap = Tasks.realityGap(sim.name());
        System.out.println("parameters (nominal; reality-gap preset):");
        for (Parameter p : sim.parameters().parameters()) {
            RandomizationSpec.Rule rule = gap.rules().get(p.name());
            System.out.printf(Locale.ROOT, "  %-22s %10.4g %-16s %s%s%n", p.name(), p.nominal(), p.unit(),
                    p.description(), rule == null ? "" : "; real: " + rule.distribution()
                            + (rule.relative() ? " x nominal" : ""));
        }
        return 0;
    }

    private static void print(String title, BoxSpace space) {
        System.out.println(title + ", " + space.size() + " components:");
        int shown = 0;
        for (int i = 0; i < space.size(); i++) {
            // Long lidar blocks are summarised.
            if (space.name(i).startsWith("range_") && i > 1 && i < space.size() - 1 && space.name(i + 1).startsWith("range_")) {
                if (shown++ == 0) {
                    System.out.println("  ...");
                }
                continue;
            }
            System.out.printf(Locale.ROOT, "  %3d %-22s %-8s [%g, %g] %s%n", i, space.name(i), space.unit(i),
                    space.low(i), space.high(i), space.kind(i).name().toLowerCase(Locale.ROOT));
        }
    }
}

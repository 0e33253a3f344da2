package dev.myelin.sim;

import dev.myelin.sim.pomdp.FilteredEnv;
import dev.myelin.sim.pomdp.FilteredVectorEnv;
import dev.myelin.sim.pomdp.ObservationFilter;
import dev.myelin.sim.pomdp.Pomdp;
import dev.myelin.sim.mujoco.Locomotion;
import dev.myelin.sim.mujoco.MjcfTask;
import dev.myelin.sim.random.RandomizationSpec;
import dev.myelin.sim.task.CartPoleSwingUp;
import dev.myelin.sim.task.DiffDriveNav;
import dev.myelin.sim.task.MujocoNav;
import dev.myelin.sim.task.RobotModels;
import dev.myelin.sim.task.RobotTaskSpec;
import dev.myelin.sim.task.NavConfig;
import dev.myelin.sim.task.Pendulum;
import dev.myelin.sim.task.QuadrupedWalk;
import dev.myelin.sim.task.Task;

import java.util.List;
import java.util.Map;

/**
 * The task registry, {@code gym.make} for Myelin:
 * <pre>
 *   Env env = Tasks.env(TaskSpec.of("pendulum"));
 *   VectorEnv venv = Tasks.vector(TaskSpec.of("diffdrive-nav").withOption("beams", 64), 1024, 2);
 * </pre>
 * Every bad name, option or spec is refused with a message naming it. Stateless; any thread.
 */
public final class Tasks {
    /** Robots in {@code multi-diffdrive} unless {@code robots=N} says otherwise. */
    public static final int DEFAULT_ROBOTS = 4;

    private static final List<String> NAMES = List.of(Pendulum.NAME, CartPoleSwingUp.NAME, DiffDriveNav.NAME,
            DiffDriveNav.MULTI_NAME, "hopper", "halfcheetah", "walker2d", "ant", MujocoNav.NAME, QuadrupedWalk.NAME);

    private Tasks() {
    }

    /** Registered task names; {@code mjcf:PATH.xml} (a user's MJCF model with the option {@code task_spec}) too. */
    public static List<String> names() {
        return NAMES;
    }

    /**
     * A label for file and bundle names: the task name, or {@code mjcf-STEM} for {@code mjcf:.../STEM.xml}
     * (characters other than letters, digits, '.', '_' and '-' become '_').
     */
    public static String label(String task) {
        if (!task.startsWith(MjcfTask.PREFIX)) {
            return task;
        }
        String file = java.nio.file.Path.of(task.substring(MjcfTask.PREFIX.length())).getFileName().toString();
        String stem = file.endsWith(".xml") ? file.substring(0, file.length() - 4) : file;
        return "mjcf-" + stem.replaceAll("[^A-Za-z0-9._-]", "_");
    }

    /** Whether {@code name} is a registered task or an {@code mjcf:} model. */
    public static boolean isKnown(String name) {
        return NAMES.contains(name) || (name.startsWith(MjcfTask.PREFIX) && name.length() > MjcfTask.PREFIX.length());
    }

    /** The reality-gap preset of {@code task} (what {@link Variant#REAL} applies). */
    public static RandomizationSpec realityGap(String task) {
        requireKnown(task);
        String preset = task.startsWith(MjcfTask.PREFIX) ? "mjcf" : task;
        return RandomizationSpec.resource("reality-gap/" + preset + ".yaml")
                .orElseThrow(() -> new IllegalStateException("no reality-gap preset for " + task));
    }

    /** The batched simulator of {@code spec} with {@code worlds} worlds (no observation filters). */
    public static Task simulator(TaskSpec spec, int worlds) {
        String name = spec.task();
        requireKnown(name);
        RandomizationSpec rand = spec.randomization();
        if (spec.variant() == Variant.REAL) {
            rand = rand.overriddenBy(realityGap(name));
        }
        if (name.startsWith(MjcfTask.PREFIX)) {
            String specFile = spec.options().get(MjcfTask.SPEC_OPTION);
            if (specFile == null || spec.options().size() != 1) {
                throw new IllegalArgumentException("task " + name + " takes exactly the option " + MjcfTask.SPEC_OPTION
                        + "=SPEC.yaml (--task-spec), got " + spec.options().keySet());
            }
            String robotTask = RobotTaskSpec.taskOf(specFile);
            if (robotTask != null) {
                // One of Myelin's robot tasks on this model, with that task's own reality-gap preset.
                RandomizationSpec r = spec.variant() == Variant.REAL
                        ? spec.randomization().overriddenBy(realityGap(robotTask)) : spec.randomization();
                return RobotTaskSpec.create(name.substring(MjcfTask.PREFIX.length()), specFile, worlds, r);
            }
            return MjcfTask.create(java.nio.file.Path.of(name.substring(MjcfTask.PREFIX.length())),
                    java.nio.file.Path.of(specFile), worlds, rand);
        }
        return switch (name) {
            case Pendulum.NAME -> {
                noOptions(spec);
                yield new Pendulum(worlds, rand);
            }
            case CartPoleSwingUp.NAME -> {
                noOptions(spec);
                yield new CartPoleSwingUp(worlds, rand);
            }
            case DiffDriveNav.NAME, DiffDriveNav.MULTI_NAME -> {
                NavConfig c = new NavConfig();
                if (name.equals(DiffDriveNav.MULTI_NAME)) {
                    c.robots(DEFAULT_ROBOTS);
                }
                for (Map.Entry<String, String> e : spec.options().entrySet()) {
                    c.set(e.getKey(), e.getValue());
                }
                yield new DiffDriveNav(name, worlds, c, rand);
            }
            case MujocoNav.NAME -> {
                NavConfig c = new NavConfig();
                java.nio.file.Path model = null;
                for (Map.Entry<String, String> e : spec.options().entrySet()) {
                    if (e.getKey().equals("model")) {
                        model = RobotModels.resolve(e.getValue());
                    } else {
                        c.set(e.getKey(), e.getValue());
                    }
                }
                yield new MujocoNav(worlds, c, model, rand);
            }
            case QuadrupedWalk.NAME -> {
                java.nio.file.Path model = null;
                int steps = 500;
                for (Map.Entry<String, String> e : spec.options().entrySet()) {
                    switch (e.getKey()) {
                        case "model" -> model = RobotModels.resolve(e.getValue());
                        case "max_steps" -> steps = Integer.parseInt(e.getValue().strip());
                        default -> throw new IllegalArgumentException("unknown " + name + " option '" + e.getKey()
                                + "' (known: model, max_steps)");
                    }
                }
                yield new QuadrupedWalk(worlds, model, steps, rand);
            }
            case "hopper", "halfcheetah", "walker2d", "ant" -> {
                boolean contact = false;
                int maxSteps = Locomotion.MAX_STEPS;
                for (Map.Entry<String, String> e : spec.options().entrySet()) {
                    String v = e.getValue();
                    if (name.equals("ant") && e.getKey().equals("contact_forces") && (v.equals("true") || v.equals("false"))) {
                        contact = Boolean.parseBoolean(v);
                    } else if (e.getKey().equals("max_steps") && v.matches("[1-9][0-9]{0,8}")) {
                        maxSteps = Integer.parseInt(v);
                    } else {
                        throw new IllegalArgumentException("task " + name + " takes the options max_steps=N"
                                + (name.equals("ant") ? " and contact_forces=true|false" : "") + ", got "
                                + e.getKey() + "=" + v);
                    }
                }
                yield Locomotion.create(Locomotion.Robot.of(name), worlds, contact, maxSteps, rand);
            }
            default -> throw new AssertionError(name);
        };
    }

    /** A single env of {@code spec}, observation variant applied. */
    public static Env env(TaskSpec spec) {
        List<ObservationFilter.Factory> filters = Pomdp.parse(spec.observation());
        return FilteredEnv.chain(new SimEnv(simulator(spec, 1)), filters);
    }

    /** A vector env of {@code worlds} copies on {@code threads} threads, observation variant applied. */
    public static VectorEnv vector(TaskSpec spec, int worlds, int threads) {
        List<ObservationFilter.Factory> filters = Pomdp.parse(spec.observation());
        SimVectorEnv raw = new SimVectorEnv(simulator(spec, worlds), threads);
        try {
            return FilteredVectorEnv.chain(raw, filters);
        } catch (RuntimeException e) {
            raw.close();
            throw e;
        }
    }

    private static void requireKnown(String name) {
        if (!isKnown(name)) {
            throw new IllegalArgumentException("unknown task '" + name + "' (known: " + String.join(", ", NAMES)
                    + ", mjcf:PATH.xml)");
        }
    }

    private static void noOptions(TaskSpec spec) {
        if (!spec.options().isEmpty()) {
            throw new IllegalArgumentException("task " + spec.task() + " takes no options, got "
                    + spec.options().keySet());
        }
    }
}

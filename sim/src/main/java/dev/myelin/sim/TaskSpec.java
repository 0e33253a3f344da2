package dev.myelin.sim;

import dev.myelin.sim.random.RandomizationSpec;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Everything that identifies a simulated task for {@link Tasks}: its name, task options
 * ({@code beams=64}, {@code robots=4}), a domain-randomization spec, the {@link Variant}, and the
 * observation variant ({@code position-only,delay=2}, see {@code dev.myelin.sim.pomdp.Pomdp}).
 * Immutable; {@code with...} return copies.
 */
public final class TaskSpec {
    private final String task;
    private final Map<String, String> options;
    private final RandomizationSpec randomization;
    private final Variant variant;
    private final String observation;

    private TaskSpec(String task, Map<String, String> options, RandomizationSpec randomization, Variant variant,
                     String observation) {
        this.task = Objects.requireNonNull(task, "task");
        this.options = Collections.unmodifiableMap(new LinkedHashMap<>(options));
        this.randomization = Objects.requireNonNull(randomization, "randomization");
        this.variant = Objects.requireNonNull(variant, "variant");
        this.observation = observation == null ? "" : observation;
    }

    /** The nominal task with default options. */
    public static TaskSpec of(String task) {
        return new TaskSpec(task, Map.of(), RandomizationSpec.none(), Variant.NOMINAL, "");
    }

    public TaskSpec withOption(String key, Object value) {
        Map<String, String> o = new LinkedHashMap<>(options);
        o.put(key, String.valueOf(value));
        return new TaskSpec(task, o, randomization, variant, observation);
    }

    /** Adds options given as {@code key=value[,key=value...]}. */
    public TaskSpec withOptions(String text) {
        TaskSpec s = this;
        if (text == null || text.isBlank()) {
            return s;
        }
        for (String item : text.split(",")) {
            int eq = item.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("task option '" + item.trim() + "' is not key=value");
            }
            s = s.withOption(item.substring(0, eq).trim(), item.substring(eq + 1).trim());
        }
        return s;
    }

    public TaskSpec withRandomization(RandomizationSpec spec) {
        return new TaskSpec(task, options, spec, variant, observation);
    }

    public TaskSpec withVariant(Variant v) {
        return new TaskSpec(task, options, randomization, v, observation);
    }

    /** Observation variant, e.g. {@code position-only,delay=2}; empty for full observations. */
    public TaskSpec withObservation(String pomdp) {
        return new TaskSpec(task, options, randomization, variant, pomdp);
    }

    public String task() {
        return task;
    }

    public Map<String, String> options() {
        return options;
    }

    public RandomizationSpec randomization() {
        return randomization;
    }

    public Variant variant() {
        return variant;
    }

    public String observation() {
        return observation;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(task);
        if (!options.isEmpty()) {
            sb.append(' ').append(options);
        }
        if (variant != Variant.NOMINAL) {
            sb.append(" variant=").append(variant.name().toLowerCase(java.util.Locale.ROOT));
        }
        if (!randomization.isEmpty()) {
            sb.append(" randomization=").append(randomization.source());
        }
        if (!observation.isEmpty()) {
            sb.append(" observation=").append(observation);
        }
        return sb.toString();
    }
}

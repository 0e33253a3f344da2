package dev.myelin.sim.random;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A task's randomizable parameters bound to a {@link RandomizationSpec}, with one value per world
 * stored struct-of-arrays ({@link #values(String)} returns the live per-world array the simulator
 * reads every step).
 *
 * <p>Binding validates the spec against the task: unknown names, a relative rule on an integral
 * parameter, non-integral draws for an integral parameter, and bounded distributions that reach
 * outside a parameter's valid range are refused with a message naming the parameter. Unbounded
 * (normal) draws are clamped to the valid range.
 *
 * <p>{@link #sample(int, long[])} is called by the world's owner thread at episode reset; distinct
 * worlds may be sampled concurrently.
 */
public final class ParameterSet {
    private final String task;
    private final List<Parameter> parameters;
    private final Map<String, Integer> index = new LinkedHashMap<>();
    private final float[][] values;
    private final Distribution[] distributions;
    private final boolean[] relative;

    /**
     * @param task       task name, for messages
     * @param parameters the task's parameters
     * @param spec       rules to bind; may be {@link RandomizationSpec#none()}
     * @param worlds     number of independent worlds
     */
    public ParameterSet(String task, List<Parameter> parameters, RandomizationSpec spec, int worlds) {
        this.task = task;
        this.parameters = List.copyOf(parameters);
        for (int i = 0; i < this.parameters.size(); i++) {
            if (index.put(this.parameters.get(i).name(), i) != null) {
                throw new IllegalArgumentException("task " + task + " declares parameter "
                        + this.parameters.get(i).name() + " twice");
            }
        }
        spec.task().ifPresent(t -> {
            if (!t.equals(task)) {
                throw new IllegalArgumentException(spec.source() + ": randomization spec is for task '" + t
                        + "', not '" + task + "'");
            }
        });
        int n = this.parameters.size();
        values = new float[n][worlds];
        distributions = new Distribution[n];
        relative = new boolean[n];
        for (Map.Entry<String, RandomizationSpec.Rule> e : spec.rules().entrySet()) {
            Integer i = index.get(e.getKey());
            if (i == null) {
                throw new IllegalArgumentException(spec.source() + ": task " + task + " has no parameter '"
                        + e.getKey() + "' (it has: " + String.join(", ", names()) + ")");
            }
            Parameter p = this.parameters.get(i);
            RandomizationSpec.Rule rule = e.getValue();
            check(spec.source(), p, rule);
            distributions[i] = rule.distribution();
            relative[i] = rule.relative();
        }
        for (int i = 0; i < n; i++) {
            java.util.Arrays.fill(values[i], (float) this.parameters.get(i).nominal());
        }
    }

    private static void check(String source, Parameter p, RandomizationSpec.Rule rule) {
        String where = source + ": parameters." + p.name();
        Distribution d = rule.distribution();
        double scale = rule.relative() ? p.nominal() : 1.0;
        if (p.integral()) {
            if (rule.relative()) {
                throw new IllegalArgumentException(where + ": " + p.name() + " counts whole "
                        + p.unit() + " and cannot be relative");
            }
            if (!d.integral()) {
                throw new IllegalArgumentException(where + ": " + p.name() + " takes whole numbers; use uniform-int, "
                        + "choice of whole numbers or a whole constant");
            }
        }
        double lo = d.lowest() * scale;
        double hi = d.highest() * scale;
        if (scale < 0) {
            double t = lo;
            lo = hi;
            hi = t;
        }
        boolean bounded = Double.isFinite(d.lowest()) && Double.isFinite(d.highest());
        if (bounded && (lo < p.min() || hi > p.max())) {
            throw new IllegalArgumentException(where + ": values [" + lo + ", " + hi + "] " + p.unit()
                    + " reach outside the valid range [" + p.min() + ", " + p.max() + "]");
        }
        if (!bounded && (d.mean() * scale < p.min() || d.mean() * scale > p.max())) {
            throw new IllegalArgumentException(where + ": mean " + d.mean() * scale + " " + p.unit()
                    + " lies outside the valid range [" + p.min() + ", " + p.max() + "]");
        }
    }

    /** The task these parameters belong to. */
    public String task() {
        return task;
    }

    /** Parameter names in declaration order. */
    public List<String> names() {
        List<String> out = new ArrayList<>();
        for (Parameter p : parameters) {
            out.add(p.name());
        }
        return Collections.unmodifiableList(out);
    }

    /** The declared parameters. */
    public List<Parameter> parameters() {
        return parameters;
    }

    /** The declaration of {@code name}. */
    public Parameter parameter(String name) {
        return parameters.get(indexOf(name));
    }

    /** Whether {@code name} has a rule (is randomized). */
    public boolean randomized(String name) {
        return distributions[indexOf(name)] != null;
    }

    /** Largest value {@code name} can take in any episode under the bound spec. */
    public double highest(String name) {
        int i = indexOf(name);
        Parameter p = parameters.get(i);
        Distribution d = distributions[i];
        if (d == null) {
            return p.nominal();
        }
        double scale = relative[i] ? p.nominal() : 1.0;
        return p.clamp(Math.max(d.highest() * scale, d.lowest() * scale));
    }

    /** The live per-world values of {@code name} (index = world); read them, do not write them. */
    public float[] values(String name) {
        return values[indexOf(name)];
    }

    /** This episode's value of {@code name} in world {@code world}. */
    public double value(String name, int world) {
        return values[indexOf(name)][world];
    }

    /** Draws every randomized parameter of {@code world} from {@code rng[world]}; owner thread of the world. */
    public void sample(int world, long[] rng) {
        for (int i = 0; i < distributions.length; i++) {
            Distribution d = distributions[i];
            if (d != null) {
                Parameter p = parameters.get(i);
                double v = d.sample(rng, world);
                if (relative[i]) {
                    v *= p.nominal();
                }
                values[i][world] = (float) p.clamp(v);
            }
        }
    }

    private int indexOf(String name) {
        Integer i = index.get(name);
        if (i == null) {
            throw new IllegalArgumentException("task " + task + " has no parameter '" + name + "' (it has: "
                    + String.join(", ", names()) + ")");
        }
        return i;
    }
}

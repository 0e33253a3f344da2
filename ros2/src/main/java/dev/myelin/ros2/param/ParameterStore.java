package dev.myelin.ros2.param;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * A node's declared parameters and their current values, one immutable snapshot at a time.
 *
 * <p>A set ({@link #set}) is checked against the descriptors (declared, writable, same type, in
 * range), then the whole proposed snapshot goes to the owner's {@link Validator} — the same rules
 * the owner applies to its parameter file — which may also prepare what the owner needs to use
 * it. Then either the snapshot replaces the current one at once, or, for an owner with a loop
 * ({@link #adoptedAtTicks}), it is staged and the loop takes it with {@link #adoptPending()} at
 * its next tick boundary while the setter waits — until the boundary after that, so that when the
 * set returns the tick that adopted it has finished applying it. A refused set (or one the loop did not take in
 * time) changes nothing. Sets are serialized; reads are lock-free from any thread.
 */
public final class ParameterStore {
    /** Checks a whole proposed snapshot. */
    @FunctionalInterface
    public interface Validator {
        /**
         * @return whatever the owner wants handed to its loop with the snapshot (may be null)
         * @throws IllegalArgumentException naming what is wrong; the set is refused with that reason
         */
        Object prepare(Map<String, Object> proposed);
    }

    /** The outcome of a set, as {@code rcl_interfaces/msg/SetParametersResult}. */
    public record SetResult(boolean successful, String reason) {
        static SetResult refused(String reason) {
            return new SetResult(false, reason);
        }
    }

    private record Staged(Map<String, Object> values, Object prepared) {
    }

    private final Map<String, ParameterDescriptor> descriptors;
    private final Validator validator;
    private final boolean tickAdopted;
    private final java.util.function.BooleanSupplier ticking;
    private final AtomicReference<Staged> pending = new AtomicReference<>();
    private final List<Consumer<Map<String, Object>>> listeners = new CopyOnWriteArrayList<>();
    private volatile Map<String, Object> values;
    private volatile long adoptions;
    /** Calls of {@link #adoptPending} so far (written by the loop thread only), and the one that took the last set. */
    private volatile long boundaries;
    private volatile long adoptedAtBoundary;

    private ParameterStore(Map<String, ParameterDescriptor> descriptors, Map<String, Object> initial, Validator validator,
                           boolean tickAdopted, java.util.function.BooleanSupplier ticking) {
        this.ticking = ticking;
        this.descriptors = Collections.unmodifiableMap(new LinkedHashMap<>(descriptors));
        this.validator = validator;
        this.tickAdopted = tickAdopted;
        for (Map.Entry<String, ParameterDescriptor> e : descriptors.entrySet()) {
            Object v = initial.get(e.getKey());
            if (v == null) {
                throw new IllegalArgumentException("parameter " + e.getKey() + " is declared without a value");
            }
            String problem = check(e.getValue(), normalize(v));
            if (problem != null) {
                throw new IllegalArgumentException("initial value of " + problem);
            }
        }
        Map<String, Object> copy = new LinkedHashMap<>();
        descriptors.keySet().forEach(k -> copy.put(k, normalize(initial.get(k))));
        this.values = Collections.unmodifiableMap(copy);
    }

    /** No parameters: what a node serves until its owner declares some. */
    public static ParameterStore none() {
        return immediate(List.of(), Map.of(), proposed -> null);
    }

    /** A store whose sets take effect as soon as they are validated. */
    public static ParameterStore immediate(List<ParameterDescriptor> declared, Map<String, Object> initial,
                                           Validator validator) {
        return new ParameterStore(index(declared), initial, validator, false, () -> true);
    }

    /**
     * A store whose sets the owner's loop takes at a tick boundary through {@link #adoptPending()}.
     * While {@code ticking} says the loop is not running, sets are refused (nothing could adopt them).
     */
    public static ParameterStore adoptedAtTicks(List<ParameterDescriptor> declared, Map<String, Object> initial,
                                                Validator validator, java.util.function.BooleanSupplier ticking) {
        return new ParameterStore(index(declared), initial, validator, true, ticking);
    }

    private static Map<String, ParameterDescriptor> index(List<ParameterDescriptor> declared) {
        Map<String, ParameterDescriptor> m = new LinkedHashMap<>();
        for (ParameterDescriptor d : declared) {
            if (m.put(d.name(), d) != null) {
                throw new IllegalArgumentException("parameter " + d.name() + " is declared twice");
            }
        }
        return m;
    }

    /** Declared names in declaration order. */
    public List<String> names() {
        return List.copyOf(descriptors.keySet());
    }

    /** The descriptor, or null when not declared. */
    public ParameterDescriptor descriptor(String name) {
        return descriptors.get(name);
    }

    /** The current value, or null when not declared. */
    public Object get(String name) {
        return values.get(name);
    }

    /** The current snapshot (immutable). */
    public Map<String, Object> snapshot() {
        return values;
    }

    /** Snapshots adopted since start (by set or at a tick). */
    public long adoptions() {
        return adoptions;
    }

    /** Called on the setter's thread with the changed names and new values after every successful set. */
    public void onChange(Consumer<Map<String, Object>> listener) {
        listeners.add(listener);
    }

    /**
     * Sets every given parameter or none.
     *
     * @param adoptTimeout how long to wait for the loop to adopt a staged snapshot
     */
    public synchronized SetResult set(Map<String, Object> changes, Duration adoptTimeout) {
        if (changes.isEmpty()) {
            return new SetResult(true, "");
        }
        Map<String, Object> proposed = new LinkedHashMap<>(values);
        Map<String, Object> changed = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : changes.entrySet()) {
            ParameterDescriptor d = descriptors.get(e.getKey());
            if (d == null) {
                return SetResult.refused("parameter '" + e.getKey() + "' is not declared (declared: "
                        + String.join(", ", descriptors.keySet()) + ")");
            }
            if (d.readOnly()) {
                return SetResult.refused("parameter '" + d.name() + "' is read-only");
            }
            Object v = normalize(e.getValue());
            String problem = check(d, v);
            if (problem != null) {
                return SetResult.refused(problem);
            }
            proposed.put(d.name(), v);
            changed.put(d.name(), v);
        }
        Object prepared;
        try {
            prepared = validator.prepare(Collections.unmodifiableMap(proposed));
        } catch (IllegalArgumentException e) {
            return SetResult.refused(e.getMessage());
        }
        Map<String, Object> next = Collections.unmodifiableMap(proposed);
        if (tickAdopted && !ticking.getAsBoolean()) {
            return SetResult.refused("the node's loop is not running, so no tick could apply the set; nothing was changed");
        }
        if (tickAdopted) {
            Staged staged = new Staged(next, prepared);
            pending.set(staged);
            long deadline = System.nanoTime() + adoptTimeout.toNanos();
            while (pending.get() == staged && System.nanoTime() - deadline < 0) {
                try {
                    Thread.sleep(0, 200_000);
                } catch (InterruptedException e) {
                    break;
                }
            }
            if (pending.compareAndSet(staged, null)) {
                return SetResult.refused("the node's loop did not reach a tick boundary within "
                        + adoptTimeout.toMillis() + " ms; nothing was changed");
            }
            // adopted; once the loop is back at the next boundary the adopting tick has finished using it
            long taken = adoptedAtBoundary;
            while (boundaries <= taken && System.nanoTime() - deadline < 0) {
                try {
                    Thread.sleep(0, 200_000);
                } catch (InterruptedException e) {
                    break;
                }
            }
        } else {
            values = next;
            adoptions++;
        }
        for (Consumer<Map<String, Object>> l : listeners) {
            l.accept(Collections.unmodifiableMap(changed));
        }
        return new SetResult(true, "");
    }

    /**
     * Takes a staged snapshot, if any, making it current. For the owner's loop, at a tick
     * boundary; allocation-free.
     *
     * @return what the validator prepared for it, or null when nothing was staged (or it prepared null)
     */
    public Object adoptPending() {
        long b = boundaries + 1;
        boundaries = b;
        Staged s = pending.get();
        if (s == null || !pending.compareAndSet(s, null)) {
            return null;
        }
        values = s.values();
        adoptedAtBoundary = b;
        adoptions++;
        return s.prepared();
    }

    /** True when a set is waiting for the loop. */
    public boolean hasPending() {
        return pending.get() != null;
    }

    private static Object normalize(Object v) {
        if (v instanceof Integer i) {
            return i.longValue();
        }
        if (v instanceof Float f) {
            return f.doubleValue();
        }
        if (v instanceof List<?> l) {
            List<Object> out = new ArrayList<>(l.size());
            for (Object o : l) {
                out.add(normalize(o));
            }
            return List.copyOf(out);
        }
        return v;
    }

    /** Null when {@code v} fits {@code d}, else the reason. */
    static String check(ParameterDescriptor d, Object v) {
        ParameterType t = ParameterValues.typeOf(v);
        boolean emptyArray = v instanceof List<?> l && l.isEmpty()
                && d.type().name().endsWith("_ARRAY") && d.type() != ParameterType.BYTE_ARRAY;
        if (t != d.type() && !emptyArray) {
            return "parameter '" + d.name() + "' is " + d.type().label() + ", not "
                    + (t == null ? "a value of type " + (v == null ? "null" : v.getClass().getSimpleName()) : t.label());
        }
        if (v instanceof Double x && !Double.isFinite(x)) {
            return "parameter '" + d.name() + "' must be finite, not " + x;
        }
        if (d.min() != null || d.max() != null) {
            double x = ((Number) v).doubleValue();
            if ((d.min() != null && x < d.min()) || (d.max() != null && x > d.max())) {
                return "parameter '" + d.name() + "' must be in [" + fmt(d.min()) + ", " + fmt(d.max()) + "], not "
                        + ParameterValues.format(v);
            }
        }
        return null;
    }

    private static String fmt(Double d) {
        return d == null ? "-inf" : d == Math.rint(d) ? Long.toString(d.longValue()) : d.toString();
    }
}

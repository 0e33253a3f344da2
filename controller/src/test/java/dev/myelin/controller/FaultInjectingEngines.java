package dev.myelin.controller;

import dev.myelin.policy.engine.EnergyMeter;
import dev.myelin.policy.engine.InferenceEngine;
import dev.myelin.policy.engine.InferenceEngines;
import dev.myelin.policy.model.Policy;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Fault-injecting engines around the real event-driven engine, registered through
 * {@code META-INF/services} the way a third-party backend would be; every one counts its resets.
 * <ul>
 *   <li>{@code nan-when:INDEX>VALUE}: the first action is NaN whenever observation[INDEX] > VALUE;</li>
 *   <li>{@code nan-after:N}: the first action is NaN on every other decision after the first N since
 *       the engine was last reset, never before its first reset, which ends the warm-up (so a policy
 *       passes warm-up, however long it runs, and fails in operation).</li>
 * </ul>
 */
public final class FaultInjectingEngines implements InferenceEngines.EngineFactory {
    /** Resets of every engine made by this factory. */
    public static final AtomicLong RESETS = new AtomicLong();

    @Override
    public String name() {
        return "nan-when";
    }

    /** {@code nan-after:N}. */
    public static final class After implements InferenceEngines.EngineFactory {
        @Override
        public String name() {
            return "nan-after";
        }

        @Override
        public InferenceEngine create(Policy policy, String options) {
            long n = Long.parseLong(options.strip());
            return wrap(policy, "nan-after:" + options, new Fault() {
                private boolean warmedUp;
                private long decisions;

                @Override
                public boolean nan(float[] observation) {
                    return warmedUp && ++decisions > n && (decisions & 1) == 1;
                }

                @Override
                public void reset() {
                    warmedUp = true;
                    decisions = 0;
                }
            });
        }
    }

    @Override
    public InferenceEngine create(Policy policy, String options) {
        String[] parts = options.split(">");
        if (parts.length != 2) {
            throw new IllegalArgumentException("nan-when needs INDEX>VALUE, got '" + options + "'");
        }
        int index = Integer.parseInt(parts[0].strip());
        float above = Float.parseFloat(parts[1].strip());
        return wrap(policy, "nan-when:" + options, o -> o[index] > above);
    }

    private interface Fault {
        boolean nan(float[] observation);

        /** The engine was reset (the end of the warm-up, a swap-in). */
        default void reset() {
        }
    }

    private static InferenceEngine wrap(Policy policy, String name, Fault fault) {
        InferenceEngine inner = InferenceEngines.create("event", policy);
        return new InferenceEngine() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public Policy policy() {
                return inner.policy();
            }

            @Override
            public void act(float[] observation, float[] action) {
                inner.act(observation, action);
                if (fault.nan(observation)) {
                    action[0] = Float.NaN;
                }
            }

            @Override
            public void reset() {
                RESETS.incrementAndGet();
                fault.reset();
                inner.reset();
            }

            @Override
            public EnergyMeter energy() {
                return inner.energy();
            }
        };
    }
}

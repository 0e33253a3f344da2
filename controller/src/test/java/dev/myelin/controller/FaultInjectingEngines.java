package dev.myelin.controller;

import dev.myelin.policy.engine.EnergyMeter;
import dev.myelin.policy.engine.InferenceEngine;
import dev.myelin.policy.engine.InferenceEngines;
import dev.myelin.policy.model.Policy;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Engine {@code nan-when:INDEX>VALUE}: runs the real event-driven engine and then replaces the
 * first action with NaN whenever observation[INDEX] exceeds VALUE; so it passes warm-up (centred
 * and in-range observations may stay below) and emits NaN in operation. Registered through
 * {@code META-INF/services}, the way a third-party backend would be. Also counts resets.
 */
public final class FaultInjectingEngines implements InferenceEngines.EngineFactory {
    /** Resets of every engine made by this factory. */
    public static final AtomicLong RESETS = new AtomicLong();

    @Override
    public String name() {
        return "nan-when";
    }

    @Override
    public InferenceEngine create(Policy policy, String options) {
        String[] parts = options.split(">");
        if (parts.length != 2) {
            throw new IllegalArgumentException("nan-when needs INDEX>VALUE, got '" + options + "'");
        }
        int index = Integer.parseInt(parts[0].strip());
        float above = Float.parseFloat(parts[1].strip());
        InferenceEngine inner = InferenceEngines.create("event", policy);
        return new InferenceEngine() {
            @Override
            public String name() {
                return "nan-when:" + options;
            }

            @Override
            public Policy policy() {
                return inner.policy();
            }

            @Override
            public void act(float[] observation, float[] action) {
                inner.act(observation, action);
                if (observation[index] > above) {
                    action[0] = Float.NaN;
                }
            }

            @Override
            public void reset() {
                RESETS.incrementAndGet();
                inner.reset();
            }

            @Override
            public EnergyMeter energy() {
                return inner.energy();
            }
        };
    }
}

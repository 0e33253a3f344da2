package dev.myelin.controller;

import dev.myelin.controller.bringup.GoalSeekingPopSan;
import dev.myelin.policy.engine.InferenceEngine;
import dev.myelin.policy.engine.InferenceEngines;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The hand-wired bring-up policy turns toward the goal and cruises forward, on every engine. */
class GoalSeekingPopSanTest {

    @ParameterizedTest
    @ValueSource(strings = {"dense", "event", "int8"})
    void turnsTowardTheGoalAndCruises(String engineName) {
        InferenceEngine e = InferenceEngines.create(engineName, GoalSeekingPopSan.turtlebot(16));
        float[] obs = new float[20];
        java.util.Arrays.fill(obs, 0, 16, 3.5f);
        obs[16] = 2f;
        float[] act = new float[2];
        obs[17] = 0f;
        e.act(obs, act);
        assertEquals(0f, act[1], 1e-6f, "goal straight ahead: no turn");
        assertEquals(0.22 * Math.tanh(0.83), act[0], 1e-3, "cruise speed");
        obs[17] = 0.8f;
        e.act(obs, act);
        assertTrue(act[1] > 0.5f, "goal to the left: turn left, got " + act[1]);
        obs[17] = -0.8f;
        e.act(obs, act);
        assertTrue(act[1] < -0.5f, "goal to the right: turn right, got " + act[1]);
        obs[17] = 3f;
        e.act(obs, act);
        assertTrue(act[1] > 0.5f, "goal behind on the left: turn left, got " + act[1]);
    }
}

package dev.myelin.trainer.seq;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SequenceConfigTest {

    private static String refusal(List<String> overrides) {
        return assertThrows(IllegalArgumentException.class, () -> SequenceConfig.of(Map.of(), overrides)).getMessage();
    }

    @Test
    void presetsLoadAndOverridesApply() throws Exception {
        for (String p : SequenceConfig.presets()) {
            SequenceConfig c = SequenceConfig.of(SequenceConfig.loadPreset(p), List.of("family=popsan", "actor.hidden=32,32"));
            assertEquals("popsan", c.family);
            assertEquals("32,32", c.actorOptions.get("hidden"));
        }
        SequenceConfig c = SequenceConfig.of(SequenceConfig.loadPreset("pendulum-po"), List.of("observation=velocity-only",
                "burn_in=0", "seed=9"));
        assertEquals("velocity-only", c.observation);
        assertEquals(0, c.burnIn);
        assertEquals(9, c.seed);
        assertEquals("", SequenceConfig.of(Map.of(), List.of("observation=full")).observation);
        SequenceConfig multi = SequenceConfig.of(SequenceConfig.loadPreset("multi-diffdrive"), List.of("task_options.robots=2"));
        assertEquals("2", multi.taskOptions.get("robots"));
    }

    @Test
    void badSettingsAreRefusedNamingTheKey() {
        assertTrue(refusal(List.of("bogus=1")).contains("unknown setting 'bogus'"));
        assertTrue(refusal(List.of("family=lstm")).contains("family"));
        assertTrue(refusal(List.of("family=lstm")).contains("grsn"));
        assertTrue(refusal(List.of("observation=sideways")).contains("sideways"));
        assertTrue(refusal(List.of("steps=0")).startsWith("steps"));
        assertTrue(refusal(List.of("gamma=1.5")).startsWith("gamma"));
        assertTrue(refusal(List.of("sequence_length=abc")).startsWith("sequence_length"));
        assertTrue(refusal(List.of("burn_in=-1")).startsWith("burn_in"));
        assertTrue(refusal(List.of("task=walker")).contains("walker"));
        assertTrue(refusal(List.of("algorithm=ppo")).startsWith("algorithm"));
        assertTrue(refusal(List.of("algorithm=ppo")).contains("td3, sac"));
        assertTrue(refusal(List.of("sac_log_std=5")).startsWith("sac_log_std"));
        assertTrue(refusal(List.of("sac_alpha=0")).startsWith("sac_alpha"));
        assertTrue(refusal(List.of("sac_auto_alpha=maybe")).startsWith("sac_auto_alpha"));
        assertTrue(refusal(List.of("envs=3", "update_every=64")).contains("update_every"));
        assertTrue(refusal(List.of("noise")).contains("key=value"));
        assertTrue(refusal(List.of("task_options.robots=2")).contains("pendulum"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SequenceConfig.loadPreset("no-such-preset"));
        assertTrue(e.getMessage().contains("pendulum-po"), e.getMessage());
    }

    @Test
    void actorFamiliesCheckTheirOptions() {
        String m = assertThrows(IllegalArgumentException.class,
                () -> SequenceActors.create("mlp", 3, 1, Map.of("depth", 3), 0)).getMessage();
        assertTrue(m.contains("depth") && m.contains("hidden"), m);
        m = assertThrows(IllegalArgumentException.class,
                () -> SequenceActors.create("popsan", 3, 1, Map.of("timesteps", "zero"), 0)).getMessage();
        assertTrue(m.contains("timesteps"), m);
        m = assertThrows(IllegalArgumentException.class, () -> SequenceActors.create("lstm", 3, 1, Map.of(), 0)).getMessage();
        assertTrue(m.contains("lstm") && m.contains("popsan"), m);
        assertEquals(3 * 64 + 64 * 64 + 64, SequenceActors.create("mlp", 3, 1, Map.of(), 0).macsPerDecision());
    }
}

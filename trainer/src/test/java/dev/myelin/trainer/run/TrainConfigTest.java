package dev.myelin.trainer.run;

import dev.myelin.trainer.kernel.Rounding;
import dev.myelin.trainer.mpi.Communicator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Presets load, overrides apply, and every bad setting is refused by name before any work starts. */
class TrainConfigTest {

    static void refused(String expectedInMessage, String... overrides) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TrainConfig.of(TrainConfig.loadPreset("pendulum"), List.of(overrides)));
        assertTrue(e.getMessage().contains(expectedInMessage), "message '" + e.getMessage() + "' should name "
                + expectedInMessage);
    }

    @Test
    void everyShippedPresetLoadsWithPopSansDefaults() throws IOException {
        for (String name : TrainConfig.presets()) {
            TrainConfig c = TrainConfig.of(TrainConfig.loadPreset(name), List.of());
            assertEquals(name.replace("-sac", ""), c.task);
            assertArrayEquals(new int[] {256, 256}, c.actorHidden);
            assertEquals(10, c.population);
            assertEquals(5, c.timesteps);
            assertEquals(100, c.batchSize);
            assertEquals(0.995f, c.polyak);
            assertEquals(1e-4f, c.actorLr);
            assertEquals(1e-3f, c.criticLr);
            assertEquals(2, c.policyDelay);
        }
        TrainConfig nav = TrainConfig.of(TrainConfig.loadPreset("diffdrive-nav"), List.of("task_options.obstacles=4"));
        assertEquals(Map.of("beams", "24", "obstacles", "4"), nav.taskOptions);
    }

    @Test
    void overridesApply() throws IOException {
        TrainConfig c = TrainConfig.of(TrainConfig.loadPreset("pendulum"), List.of("actor.hidden=64,32", "precision=fp16",
                "algorithm=sac", "steps=1000", "sac.auto_alpha=true"));
        assertArrayEquals(new int[] {64, 32}, c.actorHidden);
        assertEquals(Rounding.FP16, c.precision);
        assertEquals("sac", c.algorithm);
        assertEquals(1000, c.steps);
        assertTrue(c.sacAutoAlpha);
        // a configuration survives its own round trip through the saved settings
        TrainConfig again = TrainConfig.of(c.settings(), List.of());
        assertEquals(c.settings(), again.settings());
    }

    @Test
    void badSettingsAreRefusedByName() {
        refused("unknown setting 'actor.hiden'", "actor.hiden=64");
        refused("precision", "precision=fp8");
        refused("algorithm", "algorithm=ppo");
        refused("gamma", "gamma=1.5");
        refused("actor_lr", "actor_lr=-1");
        refused("steps", "steps=abc");
        refused("actor.hidden", "actor.hidden=64,0");
        refused("batch_size", "batch_size=200", "replay_size=100");
        refused("checkpoint_every", "checkpoint_every=75");
        refused("task", "task=walker");
        refused("beams", "task_options.beams=2");
        refused("not key=value", "gamma");
        refused("unknown surrogate", "actor.surrogate=sigmoid");
        IllegalArgumentException preset = assertThrows(IllegalArgumentException.class,
                () -> TrainConfig.loadPreset("humanoid"));
        assertTrue(preset.getMessage().contains("unknown preset 'humanoid'"), preset.getMessage());
    }

    @Test
    void yamlFilesAreChecked(@TempDir Path tmp) throws IOException {
        Path bad = tmp.resolve("bad.yaml");
        Files.writeString(bad, "steps: [1, 2\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TrainConfig.loadPreset(bad.toString()));
        assertTrue(e.getMessage().contains("not valid YAML"), e.getMessage());
        Path ok = tmp.resolve("mine.yaml");
        Files.writeString(ok, "task: cartpole-swingup\nactor:\n  hidden: [32, 32]\n");
        TrainConfig c = TrainConfig.of(TrainConfig.loadPreset(ok.toString()), List.of());
        assertEquals("cartpole-swingup", c.task);
        assertArrayEquals(new int[] {32, 32}, c.actorHidden);
    }

    @Test
    void runsRefuseSettingsTheLoopCannotHonour(@TempDir Path tmp) throws IOException {
        TrainConfig c = TrainConfig.of(TrainConfig.loadPreset("pendulum"), List.of("steps=1010"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TrainingRun.start(c, tmp.resolve("r"), Communicator.single()));
        assertTrue(e.getMessage().contains("multiple of update_every"), e.getMessage());
        IllegalArgumentException none = assertThrows(IllegalArgumentException.class,
                () -> TrainerProcess.parse(new String[] {"--preset", "pendulum"}));
        assertTrue(none.getMessage().contains("--out"), none.getMessage());
    }
}

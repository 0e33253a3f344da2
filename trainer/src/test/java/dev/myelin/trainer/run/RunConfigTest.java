package dev.myelin.trainer.run;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.myelin.trainer.seq.SequenceConfig;
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

/**
 * The settings both kinds of run share are read in one place: the same key and value mean the same thing, and
 * the same bad value gets the same refusal, in a feed-forward and in a sequence configuration; both start a run
 * folder the same way; both report the same recent training return.
 */
class RunConfigTest {

    private static RunConfig feedForward(String... overrides) throws IOException {
        return TrainConfig.of(TrainConfig.loadPreset("pendulum"), List.of(overrides));
    }

    private static RunConfig sequence(String... overrides) throws IOException {
        return SequenceConfig.of(SequenceConfig.loadPreset("pendulum-po"), List.of(overrides));
    }

    @Test
    void sharedKeysAreReadAndRefusedAlikeInBothKinds() throws IOException {
        RunConfig ff = feedForward("critic.hidden=48,40", "gamma=0.97", "polyak=0.9", "target_noise=0.3", "noise_clip=0.4",
                "policy_delay=3", "eval_episodes=2", "observation_clip=4.5");
        RunConfig sq = sequence("critic.hidden=48,40", "gamma=0.97", "polyak=0.9", "target_noise=0.3", "noise_clip=0.4",
                "policy_delay=3", "eval_episodes=2", "observation_clip=4.5");
        for (RunConfig c : List.of(ff, sq)) {
            assertArrayEquals(new int[] {48, 40}, c.criticHidden);
            assertEquals(0.97f, c.gamma);
            assertEquals(0.9f, c.polyak);
            assertEquals(0.3f, c.targetNoise);
            assertEquals(0.4f, c.noiseClip);
            assertEquals(3, c.policyDelay);
            assertEquals(2, c.evalEpisodes);
            assertEquals(4.5f, c.observationClip);
            assertEquals(List.of(48, 40), c.settings().get("critic.hidden"));
        }
        for (String bad : List.of("gamma=1.5", "batch_size=0", "critic_lr=-1", "policy_delay=0", "task=no-such-task",
                "observation_clip=0")) {
            IllegalArgumentException a = assertThrows(IllegalArgumentException.class, () -> feedForward(bad));
            IllegalArgumentException b = assertThrows(IllegalArgumentException.class, () -> sequence(bad));
            assertEquals(a.getMessage(), b.getMessage(), bad);
            String key = bad.substring(0, bad.indexOf('='));
            assertTrue(a.getMessage().contains(key), "'" + a.getMessage() + "' should name " + key);
        }
    }

    @Test
    void aRunFolderIsCreatedOnceWithItsConfiguration(@TempDir Path tmp) throws IOException {
        for (RunConfig c : List.of(feedForward("seed=5"), sequence("seed=5"))) {
            Path dir = tmp.resolve(c.getClass().getSimpleName()).resolve("run");
            c.createRun(dir, "checkpoint.bin");
            @SuppressWarnings("unchecked")
            Map<String, Object> saved = new ObjectMapper(new YAMLFactory()).readValue(dir.resolve(RunConfig.FILE).toFile(),
                    Map.class);
            assertEquals(List.copyOf(c.settings().keySet()), List.copyOf(saved.keySet()));
            assertEquals(Settings.toList(c.criticHidden), saved.get("critic.hidden"));
            assertEquals("5", String.valueOf(saved.get("seed")));
            Files.writeString(dir.resolve("checkpoint.bin"), "x");
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> c.createRun(dir, "checkpoint.bin"));
            assertTrue(e.getMessage().contains("already holds a run"), e.getMessage());
        }
    }

    @Test
    void recentReturnIsTheMeanOfTheLastTenEpisodes() {
        RecentReturns r = new RecentReturns();
        assertTrue(Double.isNaN(r.mean()));
        r.add(-4);
        r.add(2);
        assertEquals(-1.0, r.mean());
        assertEquals(2, r.episodes());
        for (int i = 1; i <= 12; i++) {
            r.add(10 * i);
        }
        // the last ten of -4, 2, 10, ..., 120 are 30 ... 120
        assertEquals(75.0, r.mean());
        assertEquals(14, r.episodes());
    }
}

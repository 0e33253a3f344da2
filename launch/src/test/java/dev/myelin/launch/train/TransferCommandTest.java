package dev.myelin.launch.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.myelin.launch.Myelin;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code transfer} runs the shipped nav policy in both worlds over the same seeds and writes the report's keys. */
class TransferCommandTest {

    @Test
    void theShippedPolicyRunsBothWorldsOnTheSameSeeds(@TempDir Path tmp) throws Exception {
        Path json = tmp.resolve("transfer.json");
        Path bundle = tmp.resolve("nav-v2.myl");
        try (var in = TransferCommandTest.class.getResourceAsStream("/dev/myelin/launch/demo/nav-v2.myl")) {
            java.nio.file.Files.copy(in, bundle);
        }
        int rc = new CommandLine(new Myelin()).execute("transfer", "--bundle", bundle.toString(), "--options", "beams=24",
                "--episodes", "3", "--seed", "5", "--json", json.toString());
        assertEquals(0, rc);
        JsonNode r = new ObjectMapper().readTree(json.toFile());
        assertEquals(3, r.path("episodes").asInt());
        assertEquals(3, r.path("same_scenes").asInt(), "every episode had the same seed, start and goal in both worlds");
        assertEquals("diffdrive-nav", r.path("kinematic").path("task").asText());
        assertEquals("mujoco-nav", r.path("mujoco").path("task").asText());
        for (String world : new String[] {"kinematic", "mujoco"}) {
            JsonNode w = r.path(world);
            JsonNode list = w.path("episode_list");
            assertEquals(3, list.size());
            int successes = 0;
            for (int e = 0; e < 3; e++) {
                assertEquals(5 + e, list.get(e).path("seed").asInt());
                assertEquals(r.path("kinematic").path("episode_list").get(e).path("goal"), list.get(e).path("goal"));
                successes += list.get(e).path("outcome").asText().equals("success") ? 1 : 0;
            }
            assertEquals(successes / 3.0, w.path("success_rate").asDouble(), 1e-4, world + ": the rate is the episodes' count");
            assertTrue(w.has("collision_rate") && w.has("mean_return"), w.toString());
        }
    }
}

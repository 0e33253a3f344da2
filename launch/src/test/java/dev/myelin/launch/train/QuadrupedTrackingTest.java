package dev.myelin.launch.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.myelin.launch.Myelin;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code eval} on {@code quadruped-walk} writes the velocity-tracking figures of the shipped trained policy
 * and of its references over the same episodes; the hand-written trot tracks the commanded speed far better
 * than standing still, and the shipped policy stays up, tracks the commanded speed better than standing
 * still, and reproduces the figures the README quotes for these seeds.
 */
class QuadrupedTrackingTest {

    @Test
    void evalMeasuresTheShippedQuadrupedPolicyNextToItsReferences(@TempDir Path tmp) throws Exception {
        Path bundle = tmp.resolve("quadruped-walk.myl");
        try (var in = QuadrupedTrackingTest.class.getResourceAsStream("/dev/myelin/launch/demo/quadruped-walk.myl")) {
            assertNotNull(in, "the shipped quadruped-walk.myl");
            Files.copy(in, bundle);
        }
        Path json = tmp.resolve("eval.json");
        int rc = new CommandLine(new Myelin()).execute("eval", "--bundle", bundle.toString(), "--task", "quadruped-walk",
                "--variant", "nominal", "--episodes", "3", "--json", json.toString());
        assertEquals(0, rc);
        JsonNode r = new ObjectMapper().readTree(json.toFile());
        JsonNode policy = r.path("tracking");
        JsonNode standing = r.path("standing").path("tracking");
        JsonNode blind = r.path("command_blind").path("tracking");
        JsonNode trot = r.path("scripted_trot").path("tracking");
        for (JsonNode t : new JsonNode[] {policy, standing, blind, trot}) {
            for (String key : new String[] {"linear_rms", "angular_rms", "linear_mean_abs", "mean_speed", "mean_command", "seconds"}) {
                assertTrue(t.path(key).isNumber(), key + " in " + t);
            }
        }
        // The same three episodes, so the same commands, for every driver that stays up.
        assertEquals(standing.path("mean_command").asDouble(), policy.path("mean_command").asDouble(), 1e-3);
        assertEquals(standing.path("mean_command").asDouble(), trot.path("mean_command").asDouble(), 1e-3);
        // Standing still, the error is the command: mean |v - c_v| = mean c_v.
        assertEquals(standing.path("mean_command").asDouble(), standing.path("linear_mean_abs").asDouble(), 0.01);
        assertEquals(0, standing.path("falls").asInt());
        // The hand-written trot walks at the commanded speed: the task can be tracked with this action range.
        assertTrue(trot.path("linear_rms").asDouble() < 0.6 * standing.path("linear_rms").asDouble(),
                "trot " + trot + " vs standing " + standing);
        // The shipped policy: 30 s of driving without a fall, and the README's figures for seeds 0-2.
        assertEquals(30.0, policy.path("seconds").asDouble(), 1e-6);
        assertEquals(0, policy.path("falls").asInt());
        assertEquals(0.0, r.path("falls_per_min").asDouble());
        assertEquals(SHIPPED_LINEAR_RMS, policy.path("linear_rms").asDouble(), 0.03, "shipped policy " + policy);
        assertEquals(SHIPPED_ANGULAR_RMS, policy.path("angular_rms").asDouble(), 0.05, "shipped policy " + policy);
        assertTrue(policy.path("linear_rms").asDouble() < standing.path("linear_rms").asDouble(),
                "shipped policy " + policy + " vs standing " + standing);
    }

    /** The shipped policy's figures on seeds 0-2 (README, quadruped velocity tracking). */
    private static final double SHIPPED_LINEAR_RMS = 0.165;
    private static final double SHIPPED_ANGULAR_RMS = 0.363;
}

package dev.myelin.launch.sim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.myelin.launch.Myelin;
import dev.myelin.sim.TaskSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code bench mujoco} measures Java next to mujoco-testspeed; {@code --task mjcf:} options become task specs. */
class MujocoCommandsTest {

    @Test
    void benchMujocoWritesTheFiguresNextToTestspeed(@TempDir Path tmp) throws Exception {
        Path json = tmp.resolve("bench.json");
        int rc = new CommandLine(new Myelin()).execute("bench", "mujoco", "--tasks", "halfcheetah", "--trials", "1",
                "--trial-seconds", "0.2", "--worlds", "2", "--json", json.toString());
        assertEquals(0, rc);
        JsonNode t = new ObjectMapper().readTree(json.toFile()).path("tasks").path("halfcheetah");
        for (String key : List.of("java_1t", "java_all", "c_testspeed_1t", "java_binding_1t")) {
            assertTrue(t.path(key).asDouble() > 100, key + " = " + t.path(key));
        }
        assertEquals(5, t.path("frame_skip").asInt());
    }

    @Test
    void mjcfTaskArgumentsNeedBothFilesAndBecomeAbsolute(@TempDir Path tmp) throws Exception {
        Path xml = Files.writeString(tmp.resolve("r.xml"), "<mujoco/>");
        Path spec = Files.writeString(tmp.resolve("s.yaml"), "observation: {}");
        TaskSpec s = MujocoTaskArguments.spec("mjcf:" + xml, spec);
        assertEquals("mjcf:" + xml.toAbsolutePath(), s.task());
        assertEquals(spec.toAbsolutePath().toString(), s.options().get("task_spec"));
        assertEquals(List.of("task=mjcf:" + xml.toAbsolutePath(), "task_options.task_spec=" + spec.toAbsolutePath()),
                MujocoTaskArguments.overrides("mjcf:" + xml, spec));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> MujocoTaskArguments.spec("mjcf:" + xml, null))
                .getMessage().contains("--task-spec"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> MujocoTaskArguments.spec("hopper", spec))
                .getMessage().contains("mjcf:"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> MujocoTaskArguments.spec("mjcf:" + tmp.resolve("none.xml"), spec)).getMessage().contains("none.xml"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> MujocoTaskArguments.spec("walker", null))
                .getMessage().contains("unknown task 'walker'"));
        assertEquals(List.of(), MujocoTaskArguments.overrides(null, null));
    }
}

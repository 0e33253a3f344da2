package dev.myelin.launch;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.lang.reflect.Field;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every command that joins a ROS graph takes --domain (and --localhost-only) from the one Ros2Options mixin. */
class Ros2OptionsTest {

    private static CommandLine.Model.OptionSpec option(CommandLine root, String path, String name) {
        CommandLine c = root;
        for (String sub : path.split(" ")) {
            c = c.getSubcommands().get(sub);
            assertNotNull(c, path);
        }
        CommandLine.Model.OptionSpec o = c.getCommandSpec().findOption(name);
        assertNotNull(o, path + " " + name);
        return o;
    }

    private static Class<?> declaredIn(CommandLine.Model.OptionSpec o) {
        return ((Field) o.userObject()).getDeclaringClass();
    }

    @Test
    void theNodeAndToolCommandsShareOneDeclaration() {
        CommandLine root = Myelin.commandLine();
        for (String cmd : List.of("controller", "sim-node", "status", "base", "topic list", "node list")) {
            CommandLine.Model.OptionSpec domain = option(root, cmd, "--domain");
            assertEquals(Ros2Options.Domain.class, declaredIn(domain), cmd);
            assertEquals("DDS domain id (default: $ROS_DOMAIN_ID, else 0).", domain.description()[0], cmd);
            assertEquals(Ros2Options.class, declaredIn(option(root, cmd, "--localhost-only")), cmd);
        }
    }

    @Test
    void theDemoAndTheBenchmarkNameTheirOwnDefaultForTheSameOption() {
        CommandLine root = Myelin.commandLine();
        CommandLine.Model.OptionSpec demo = option(root, "demo", "--domain");
        assertEquals(Ros2Options.Domain.class, declaredIn(demo));
        assertTrue(demo.description()[0].contains("a random one in 100..232"), demo.description()[0]);
        CommandLine.Model.OptionSpec bench = option(root, "bench ros2", "--domain");
        assertEquals(Ros2Options.Domain.class, declaredIn(bench));
        assertTrue(bench.description()[0].contains("random in 150..229, loopback only"), bench.description()[0]);
    }
}

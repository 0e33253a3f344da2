package dev.myelin.launch.file;

import dev.myelin.launch.Myelin;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code ./myelin launch FILE --check} refuses what start-up would refuse, without starting anything: each
 * bad file gives exit status 1 and one line naming the file, the line and the key; the good variants pass.
 */
class LaunchCheckTest {

    @TempDir
    Path dir;

    private static final String INLINE_START = "      ros__parameters:\n";
    private static final String NEXT_NODE = "  - node:\n      name: ota\n";

    private record Run(int code, String out, String err) {
    }

    /**
     * A launch file with its controller parameters inline (the robot of sim-robot.yaml, whose controller loads
     * params/nav-24.yaml instead): the bad files below are this one with one line changed.
     */
    private static Path inline() throws Exception {
        return Path.of(LaunchCheckTest.class.getResource("inline-params.yaml").toURI());
    }

    private static Run check(Path file) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        var cli = Myelin.commandLine();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        java.io.PrintStream stdout = System.out;
        java.io.ByteArrayOutputStream printed = new java.io.ByteArrayOutputStream();
        System.setOut(new java.io.PrintStream(printed, true));
        try {
            int code = cli.execute("launch", file.toString(), "--check");
            return new Run(code, printed + out.toString(), err.toString());
        } finally {
            System.setOut(stdout);
        }
    }

    /** The inline-parameter launch file with its controller parameters moved to {@code params.yaml}. */
    private Path withParamFile(String params) throws Exception {
        String text = Files.readString(inline());
        int from = text.indexOf(INLINE_START);
        int to = text.indexOf(NEXT_NODE);
        String inline = text.substring(from + INLINE_START.length(), to);
        StringBuilder file = new StringBuilder("controller:\n  ros__parameters:\n");
        inline.lines().forEach(l -> file.append(l.substring(4)).append('\n'));
        Files.writeString(dir.resolve("params.yaml"), params == null ? file.toString() : params.replace("$(file)", file));
        return Files.writeString(dir.resolve("robot.yaml"), text.substring(0, from) + "      param_file: params.yaml\n"
                + text.substring(to));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
            "negative simulation rate|{name: rate, value: $(arg rate)}|{name: rate, value: -2}|24|rate|outside 0.0..1000.0",
            "negative control rate|        rate_hz: 100|        rate_hz: -100|28|ros__parameters|"
                    + "robot.yaml:35: controller.ros__parameters.rate_hz must be in [10, 1000] Hz",
            "port out of range|{name: port, value: $(arg port)}|{name: port, value: 99999}|16|port|outside 0..65535",
            "OTA agent names no controller|{name: controller, value: controller}|{name: controller, value: ctl}|58|controller|"
                    + "no node 'ctl' is declared before this one",
            "OTA agent names no broker|{name: broker, value: broker}|{name: broker, value: mqtt}|59|broker|no node 'mqtt'",
            "topic read as two types|type: nav_msgs/msg/Odometry, field: twist.twist.linear.x|"
                    + "type: geometry_msgs/msg/TwistStamped, field: twist.linear.x|28|ros__parameters|"
                    + "robot.yaml:42: controller.ros__parameters.observations[2].topic /odom is read as nav_msgs/msg/Odometry",
            "null parameter value|{name: rate, value: $(arg rate)}|{name: rate, value: null}|24|rate|empty (null)",
            "key given twice|      ready_timeout: 20\\n      param:\\n        - {name: task|"
                    + "      ready_timeout: 20\\n      ready_timeout: 2\\n      param:\\n        - {name: task|21||",
    })
    void aFileThatCannotRunIsRefused(String name, String from, String to, int line, String key, String what) throws Exception {
        String text = Files.readString(inline());
        String f = from.replace("\\n", "\n");
        assertTrue(text.contains(f), name + ": fixture");
        Path file = Files.writeString(dir.resolve("robot.yaml"), text.replaceFirst(java.util.regex.Pattern.quote(f),
                java.util.regex.Matcher.quoteReplacement(to.replace("\\n", "\n"))));
        assertRefused(name, check(file), file + ":" + line + ":", key, what);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
            "parameter file missing|-|does not exist",
            "parameter unknown to the controller in the parameter file|$(file)    rate: 50\\n|params.yaml:21: controller.ros__parameters.rate is not a known parameter",
            "parameter file with a duplicate key|$(file)    rate_hz: 50\\n|params.yaml:21: controller.ros__parameters.rate_hz is given twice (first on line 3)",
            "watchdog switched off by a zero|-0|max_age_s must be > 0 s",
    })
    void aBadParameterFileIsRefusedThroughTheLaunchFile(String name, String params, String what) throws Exception {
        Path file;
        if (params.equals("-")) {
            file = withParamFile(null);
            Files.delete(dir.resolve("params.yaml"));
        } else if (params.equals("-0")) {
            file = withParamFile(null);
            Path p = dir.resolve("params.yaml");
            Files.writeString(p, Files.readString(p).replaceFirst("max_age_s: 0.5", "max_age_s: 0"));
        } else {
            file = withParamFile(params.replace("\\n", "\n"));
        }
        assertRefused(name, check(file), file + ":", "param_file", what);
    }

    @Test
    void theGoodVariantsPass() throws Exception {
        Run shipped = check(Path.of("sim-robot.yaml"));
        assertEquals(0, shipped.code, shipped.err);
        assertTrue(shipped.out.contains("node ota: ota-agent"), shipped.out);
        Run inline = check(inline());
        assertEquals(0, inline.code, inline.err);
        assertTrue(inline.out.contains("node ota: ota-agent"), inline.out);
        Run file = check(withParamFile(null));
        assertEquals(0, file.code, file.err);
        Path p = dir.resolve("params.yaml");
        Files.writeString(p, Files.readString(p).replaceFirst("max_age_s: 0.5", "max_age_s: disabled"));
        Run off = check(dir.resolve("robot.yaml"));
        assertEquals(0, off.code, "the documented word switches a watchdog off: " + off.err);
    }

    @Test
    void aLaunchFileThatIsNoRegularFileIsRefusedAtOnce() {
        Run r = check(dir);
        assertRefused("a directory", r, dir + ":", null, "not a regular file");
    }

    private static void assertRefused(String name, Run r, String prefix, String key, String what) {
        assertEquals(1, r.code, name + ": exit status; out " + r.out + " err " + r.err);
        String err = r.err.strip();
        assertFalse(err.isEmpty() || err.contains("\n"), name + ": one line: " + r.err);
        assertTrue(err.startsWith("myelin launch: " + prefix), name + ": names " + prefix + ": " + err);
        assertTrue(key == null || err.contains("key '" + key + "'"), name + ": names key " + key + ": " + err);
        assertTrue(what == null || err.contains(what), name + ": says '" + what + "': " + err);
    }
}

package dev.myelin.controller;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.myelin.controller.config.ControllerParams;
import dev.myelin.controller.config.ParamsException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * Damaged parameter files, as a careless hand would write them: each is refused with one line naming the
 * file, the line and the key, including what start-up used to find only later; the good variants load.
 */
class ParamFileErrorsTest {

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
            // a later key silently overriding an earlier one: a 22 m/s limit
            "duplicate limit|        max: 0.22\\n|        max: 0.22\\n        max: 22.0\\n|43|actions[0].max|is given twice (first on line 42)",
            "watchdog off by accident|max_age_s: 0.3|max_age_s: 0|15|observations[0].max_age_s|must be > 0 s",
            "null rate|rate_hz: 100|rate_hz: null|4|rate_hz|is empty (null)",
            "empty rate|rate_hz: 100|rate_hz:|4|rate_hz|is empty (null)",
            "NaN rate|rate_hz: 100|rate_hz: .nan|4|rate_hz|must be finite",
            "infinite limit|max: 0.22|max: .inf|42|actions[0].max|must be finite",
            "word for a number|rate_hz: 100|rate_hz: fast|4|rate_hz|must be a number",
            "topic read as two types|        type: nav_msgs/msg/Odometry\\n        field: twist.twist.linear.x|"
                    + "        type: geometry_msgs/msg/TwistStamped\\n        field: twist.linear.x|23|observations[2].topic|"
                    + "/odom is read as nav_msgs/msg/Odometry by another slice",
            "invalid topic name|topic: /scan|topic: /scan/9lidar|12|observations[0].topic|",
            "unknown engine|engine: event|engine: quantum|7|engine|'quantum' is not an engine here",
            "missing trusted key|engine: event|engine: event\\n    trusted_keys: [nope.pub]|8|trusted_keys|does not exist",
            "unknown message type|reset_type: std_msgs/msg/String|reset_type: std_msgs/msg/Strng|58|safety.reset_type|"
                    + "is not a known message type",
            "field the type lacks|field: twist.twist.linear.x|field: twist.twist.linear.q|25|observations[2].field|has no field",
            "text field as a number|field: twist.twist.linear.x|field: header.frame_id|25|observations[2].field|"
                    + "is string, not a single number",
            "integer action field|type: geometry_msgs/msg/Twist\\n        field: linear.x|"
                    + "type: std_msgs/msg/Int32\\n        field: data|39|actions[0].field|actions write float32 or float64 fields",
            "unknown key|rate_hz: 100|rate_hz: 100\\n    rate: 50|5|rate|is not a known parameter",
            "syntax error|clip: [0.12, 3.5]|clip: [0.12, 3.5|15||not valid YAML",
    })
    void aBadFileIsRefusedInOneLineNamingFileLineAndKey(String name, String from, String to, int line, String key,
                                                        String what) throws Exception {
        Path file = write("robot.yaml", TestBundles.navParamsText().replace(from.replace("\\n", "\n"), to.replace("\\n", "\n")));
        assertFalse(TestBundles.navParamsText().equals(Files.readString(file)), name + ": the fixture changed");
        ParamsException e = assertThrows(ParamsException.class, () -> ControllerParams.read(file), name);
        String m = e.getMessage();
        assertFalse(m.contains("\n"), name + ": one line: " + m);
        assertTrue(m.startsWith(file + ":" + line + ":"), name + ": names file and line " + line + ": " + m);
        assertTrue(key == null || m.contains(key), name + ": names " + key + ": " + m);
        assertTrue(what == null || m.contains(what), name + ": says '" + what + "': " + m);
    }

    @Test
    void theGoodVariantsLoad() throws Exception {
        assertEquals(100, ControllerParams.read(write("good.yaml", TestBundles.navParamsText())).rateHz());
        ControllerParams off = ControllerParams.read(write("off.yaml",
                TestBundles.navParamsText().replaceFirst("max_age_s: 0.3", "max_age_s: disabled")));
        assertEquals(0, off.observations().get(0).maxAgeNanos(), "the documented word switches the watchdog off");
        assertEquals(300_000_000L, off.observations().get(1).maxAgeNanos());
        Files.writeString(dir.resolve("robot.pub"), "key");
        ControllerParams keyed = ControllerParams.read(write("keyed.yaml",
                TestBundles.navParamsText().replace("engine: event", "engine: dense\n    trusted_keys: [robot.pub]")));
        assertEquals(dir.resolve("robot.pub"), keyed.trustedKeys().get(0));
    }

    @Test
    void onlyARegularFileIsRead() throws Exception {
        ParamsException d = assertThrows(ParamsException.class, () -> ControllerParams.read(dir));
        assertEquals(dir + ": not a regular file (a directory); give the parameter file itself", d.getMessage());
        Path fifo = dir.resolve("params.fifo");
        Process p = new ProcessBuilder("mkfifo", fifo.toString()).start();
        assertTrue(p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0, "mkfifo");
        ParamsException f = assertTimeoutPreemptively(java.time.Duration.ofSeconds(5),
                () -> assertThrows(ParamsException.class, () -> ControllerParams.read(fifo)), "a FIFO must not block");
        assertTrue(f.getMessage().startsWith(fifo + ": not a regular file"), f.getMessage());
    }

    @Test
    void parametersFromElsewhereAreCheckedByKey() throws Exception {
        ObjectMapper json = new ObjectMapper();
        ObjectNode params = (ObjectNode) new ObjectMapper(new com.fasterxml.jackson.dataformat.yaml.YAMLFactory())
                .readTree(TestBundles.navParamsText()).get("controller").get("ros__parameters");
        assertEquals(100, ControllerParams.fromParameters("controller", params, dir).rateHz());
        params.put("rate_hz", 0.0);
        ParamsException e = assertThrows(ParamsException.class, () -> ControllerParams.fromParameters("controller", params, dir));
        assertEquals("controller.ros__parameters.rate_hz", e.key());
        ((ObjectNode) params.withArray("actions").get(0)).set("max", json.nullNode());
        params.put("rate_hz", 100);
        e = assertThrows(ParamsException.class, () -> ControllerParams.fromParameters("controller", params, dir));
        assertEquals("controller.ros__parameters.actions[0].max", e.key());
    }

    private Path write(String name, String text) throws Exception {
        return Files.writeString(dir.resolve(name), text);
    }
}

package dev.myelin.launch.robot;

import dev.myelin.launch.Myelin;
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
 * {@code ./myelin controller --params FILE}: a bad parameter file ends the command with exit status 1 and
 * one line naming the file, the line and the key, before anything starts.
 */
class ControllerParamsCommandTest {

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "duplicate limit|        max: 0.22|        max: 0.22\\n        max: 22.0|:43: |actions[0].max is given twice",
            "null rate|    rate_hz: 100|    rate_hz: null|:4: |rate_hz is empty (null)",
            "watchdog off by a zero|        max_age_s: 0.3|        max_age_s: 0|:15: |observations[0].max_age_s must be > 0 s",
            "directory|-|-|: |not a regular file (a directory)",
    })
    void aBadParameterFileEndsTheCommandInOneLine(String name, String from, String to, String line, String what)
            throws Exception {
        String text = Files.readString(Path.of("../controller/src/test/resources/nav-params.yaml"));
        Path file = name.equals("directory") ? Files.createDirectories(dir.resolve("params.yaml"))
                : Files.writeString(dir.resolve("params.yaml"), text.replaceFirst(java.util.regex.Pattern.quote(from),
                        to.replace("\\n", "\n")));
        StringWriter err = new StringWriter();
        var cli = Myelin.commandLine();
        cli.setErr(new PrintWriter(err));
        int code = cli.execute("controller", "--params", file.toString(), "--bundle", dir.resolve("none.myl").toString());
        String e = err.toString().strip();
        assertEquals(1, code, name + ": " + e);
        assertFalse(e.contains("\n"), name + ": one line: " + e);
        assertTrue(e.startsWith("myelin controller: " + file + line), name + ": names file and line: " + e);
        assertTrue(e.contains(what), name + ": " + e);
    }
}

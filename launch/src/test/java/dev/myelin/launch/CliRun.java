package dev.myelin.launch;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;

/** A {@code ./myelin} command run in-process: its exit status, what it printed and what it reported as errors. */
public record CliRun(int code, String out, String err) {

    public static CliRun of(String... args) {
        StringWriter err = new StringWriter();
        var cli = Myelin.commandLine();
        cli.setErr(new PrintWriter(err));
        PrintStream stdout = System.out;
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
        try {
            int code = cli.execute(args);
            return new CliRun(code, printed.toString(StandardCharsets.UTF_8), err.toString());
        } finally {
            System.setOut(stdout);
        }
    }
}

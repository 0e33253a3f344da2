package dev.myelin.launch;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code ./myelin --help} lists every subcommand with a description. */
class HelpTest {

    @Test
    void helpListsEverySubcommandWithADescription() {
        CommandLine cli = new CommandLine(new Myelin());
        StringWriter text = new StringWriter();
        cli.setOut(new PrintWriter(text));
        assertEquals(0, cli.execute("--help"));
        String help = text.toString();
        Map<String, CommandLine> subs = cli.getSubcommands();
        assertTrue(subs.keySet().containsAll(List.of("demo", "policy-demo", "launch", "test")), subs.keySet().toString());
        for (Map.Entry<String, CommandLine> e : subs.entrySet()) {
            String[] d = e.getValue().getCommandSpec().usageMessage().description();
            assertTrue(d.length > 0 && !d[0].isBlank(), e.getKey() + " has no description");
            assertTrue(help.contains("  " + e.getKey() + " "), e.getKey() + " missing from --help:\n" + help);
        }
        for (String own : List.of("demo", "policy-demo", "launch")) {
            String[] d = subs.get(own).getCommandSpec().usageMessage().description();
            assertEquals(1, d.length, own);
            assertTrue(d[0].endsWith("."), own + ": " + d[0]);
            assertFalse(d[0].contains("\n"), own);
        }
    }
}

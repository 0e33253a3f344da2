package dev.myelin.ros2.msg;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The topic descriptors built from definitions against Cyclone's own IDL compiler: for every
 * shipped type (and a type using every construct), idlc's opcode program, C struct size and
 * alignment, flags, type name and instruction count must equal what {@link MessageType} computes.
 */
class CycloneDescriptorTest {
    private static final Map<String, String[]> IDLC = new HashMap<>();
    private static List<MessageType> types;

    @BeforeAll
    static void runIdlc() throws Exception {
        MessageTypes registry = TestTypes.registry();
        types = TestTypes.all(registry);
        Path dir = Path.of("target", "interop", "descriptors");
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("all.idl"), IdlFromDefinitions.idl(types));
        Files.writeString(dir.resolve("printer.c"), IdlFromDefinitions.printer(types, "all.h"));
        run(dir, "idlc", "-t", "all.idl");
        run(dir, "gcc", "-o", "printer", "printer.c", "all.c", "-I.", "-lddsc");
        Process p = new ProcessBuilder(dir.resolve("printer").toAbsolutePath().toString()).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor());
        for (String line : out.split("\n")) {
            String[] w = line.split(" ");
            IDLC.put(w[1], w);
        }
    }

    private static void run(Path dir, String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(2, TimeUnit.MINUTES));
        assertEquals(0, p.exitValue(), String.join(" ", command) + ":\n" + out);
    }

    @Test
    void everyTypeMatchesIdlc() {
        assertEquals(types.size(), IDLC.size(), "idlc descriptors printed");
        for (MessageType t : types) {
            String[] w = IDLC.get(t.name());
            assertEquals(t.cSize(), Integer.parseInt(w[2]), t + " sizeof");
            assertEquals(t.cAlign(), Integer.parseInt(w[3]), t + " alignof");
            assertEquals(t.cycloneFlags(), Integer.parseInt(w[4]), t + " m_flagset");
            assertEquals(t.ddsTypeName(), w[5], t + " m_typename");
            assertEquals(t.cycloneInstructionCount(), Integer.parseInt(w[6]), t + " m_nops");
            long[] idlcOps = Arrays.stream(w, 7, w.length).mapToLong(Long::parseLong).toArray();
            long[] ours = Arrays.stream(t.cycloneOps()).mapToLong(Integer::toUnsignedLong).toArray();
            assertEquals(Arrays.toString(idlcOps), Arrays.toString(ours), t + " opcode program");
        }
    }

    @Test
    void fixedSizeOnlyWithoutStringsAndSequences() {
        MessageTypes registry = MessageTypes.standard();
        assertTrue(registry.get("geometry_msgs/msg/Twist").isFixedSize());
        assertTrue(registry.get("geometry_msgs/msg/PoseWithCovariance").isFixedSize());
        assertTrue(!registry.get("std_msgs/msg/Header").isFixedSize());
        assertTrue(!registry.get("sensor_msgs/msg/LaserScan").isFixedSize());
    }
}

package dev.myelin.sim.mujoco;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The binding against MuJoCo's own C API: every count and array of mjModel and mjData read through
 * the measured offsets equals what a C program reads through the struct, and stepping from Java and
 * from C gives bit-identical states.
 */
class MujocoBindingTest {
    static final int STEPS = 500;
    private static Path cProgram;

    @BeforeAll
    static void buildReference(@TempDir Path dir) throws IOException {
        Files.write(dir.resolve("mj_check.c"), resource("mj_check.c"));
        MjLayout.run(dir, List.of("gcc", "-O2", "-I" + MjLayout.INCLUDE, "-o", "mj_check", "mj_check.c", "-lmujoco"),
                "gcc");
        cProgram = dir.resolve("mj_check");
    }

    static byte[] resource(String name) throws IOException {
        try (var in = MujocoBindingTest.class.getResourceAsStream(name)) {
            return in.readAllBytes();
        }
    }

    static Path model(String name) {
        try {
            return Path.of(MujocoBindingTest.class.getResource(name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Map<String, String> runC(Path xml, int steps) {
        String out = MjLayout.run(cProgram.getParent(), List.of(cProgram.toString(), xml.toString(),
                Integer.toString(steps)), "gcc");
        Map<String, String> lines = new LinkedHashMap<>();
        for (String line : out.split("\n")) {
            String[] f = line.split(" ", 3);
            if (f.length == 2) {
                lines.put(f[0], f[1]);
            } else {
                lines.put(f[0] + " " + f[1], f[2]);
            }
        }
        return lines;
    }

    private static String hex(long bits) {
        return Long.toHexString(bits);
    }

    private static String firstLast(MjArray a) {
        return a.size() + " " + hex(a.bits(0)) + " " + hex(a.bits(a.size() - 1));
    }

    static void drive(MjData d, int steps) {
        d.reset();
        MjArray ctrl = d.ctrl();
        for (int s = 0; s < steps; s++) {
            for (int i = 0; i < ctrl.size(); i++) {
                ctrl.set(i, (double) (((7 * s + 3 * i) % 11) - 5) / 5.0);
            }
            d.step();
        }
        d.rnePostConstraint();
    }

    @Test
    void everyModelFieldAndSteppedStateMatchesC() {
        Path xml = model("quadruped.xml");
        Map<String, String> c = runC(xml, STEPS);
        MjLayout layout = MjLayout.installed();
        try (MjModel m = MjModel.load(xml)) {
            int checkedInts = 0;
            for (String name : layout.modelInts().keySet()) {
                assertEquals(c.get("int " + name), Integer.toString(m.count(name)), "mjModel." + name);
                checkedInts++;
            }
            assertEquals(layout.modelInts().size(), checkedInts);
            assertEquals(c.get("timestep"), hex(Double.doubleToRawLongBits(m.timestep())));
            List<String> checked = new ArrayList<>();
            for (MjLayout.Array f : layout.modelArrays().values()) {
                String expected = c.get("model " + f.name());
                MjArray a = m.array(f.name());
                if (a.size() == 0 || f.elementBytes() > 8) {
                    assertEquals(null, expected, f.name() + " is empty in Java but not in C");
                    continue;
                }
                assertEquals(expected, firstLast(a), "mjModel." + f.name());
                checked.add(f.name());
            }
            assertTrue(checked.size() > 100, "model arrays compared: " + checked.size());

            try (MjData d = m.makeData()) {
                drive(d, STEPS);
                int dataChecked = 0;
                for (MjLayout.Array f : layout.dataArrays().values()) {
                    String expected = c.get("data " + f.name());
                    MjArray a = d.array(f.name());
                    if (a.size() == 0 || f.elementBytes() > 8) {
                        continue;
                    }
                    assertEquals(expected, firstLast(a), "mjData." + f.name());
                    dataChecked++;
                }
                assertTrue(dataChecked >= 70, "data arrays compared: " + dataChecked);
                assertEquals(c.get("time"), hex(Double.doubleToRawLongBits(d.time())), "time after " + STEPS + " steps");
                for (int i = 0; i < m.nq(); i++) {
                    assertEquals(c.get("qpos " + i), hex(Double.doubleToRawLongBits(d.qpos().get(i))), "qpos[" + i + "]");
                }
                for (int i = 0; i < m.nv(); i++) {
                    assertEquals(c.get("qvel " + i), hex(Double.doubleToRawLongBits(d.qvel().get(i))), "qvel[" + i + "]");
                }
                assertTrue(d.contacts() > 0, "the legs touch the ground");
                assertEquals(c.get("ncon"), Integer.toString(d.contacts()));
                for (int i = 0; i < d.contacts(); i++) {
                    assertEquals(c.get("contact " + i), d.contactGeom1(i) + " " + d.contactGeom2(i), "contact " + i);
                }
            }
        }
    }

    @Test
    void namesResolveAndMissingNamesAreReported() {
        try (MjModel m = MjModel.load(model("quadruped.xml"))) {
            assertEquals(1, m.id(MjObject.BODY, "base"));
            assertEquals(0, m.id(MjObject.GEOM, "ground"));
            assertEquals(1, m.id(MjObject.JOINT, "hip_fl"));
            assertEquals(3, m.id(MjObject.ACTUATOR, "m_hr"));
            assertEquals(2, m.id(MjObject.SENSOR, "touch_fl"));
            assertEquals(-1, m.id(MjObject.BODY, "tail"));
            assertEquals("leg_fr", m.name(MjObject.BODY, 3));
            assertEquals(List.of("m_fl", "m_fr", "m_hl", "m_hr"), m.names(MjObject.ACTUATOR));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> m.require(MjObject.ACTUATOR, "m_tail", "action.actuators[4]"));
            assertTrue(e.getMessage().contains("action.actuators[4]") && e.getMessage().contains("'m_tail'")
                    && e.getMessage().contains("quadruped.xml") && e.getMessage().contains("m_hl"), e.getMessage());
            assertEquals(8, m.nsensordata());
            assertEquals(20.0, m.array("actuator_gear").get(2, 0));
        }
    }

    @Test
    void badModelsAreRefusedWithFileAndMujocoMessage(@TempDir Path dir) throws IOException {
        Path bad = dir.resolve("broken.xml");
        Files.writeString(bad, """
                <mujoco>
                  <worldbody>
                    <body name="b"><joint name="j" type="hinge"/><geom size="0.1"/></body>
                  </worldbody>
                  <actuator><motor joint="no_such_joint"/></actuator>
                </mujoco>
                """);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> MjModel.load(bad));
        assertTrue(e.getMessage().startsWith(bad.toString()) && e.getMessage().contains("no_such_joint"),
                e.getMessage());
        Path notXml = dir.resolve("garbage.xml");
        Files.writeString(notXml, "<mujoco><worldbody>");
        e = assertThrows(IllegalArgumentException.class, () -> MjModel.load(notXml));
        assertTrue(e.getMessage().contains("garbage.xml") && e.getMessage().contains("MuJoCo"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> MjModel.load(dir.resolve("missing.xml")));
        assertTrue(e.getMessage().contains("missing.xml"), e.getMessage());
    }

    @Test
    void closingFreesDeterministicallyAndRefusesLaterUse() {
        MjModel m = MjModel.load(model("quadruped.xml"));
        MjData d1 = m.makeData();
        MjData d2 = m.makeData();
        d1.close();
        assertFalse(d1.isOpen());
        assertThrows(IllegalStateException.class, d1::step);
        MjModel copy = m.copy();
        m.close();
        assertFalse(d2.isOpen(), "closing the model closes its data");
        assertThrows(IllegalStateException.class, m::nq);
        m.close();
        try (copy; MjData d = copy.makeData()) {
            d.step(3);
            assertEquals(3 * copy.timestep(), d.time(), 1e-12);
        }
    }

    @Test
    void steppingAndReadingAllocateNothing() {
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        try (MjModel m = MjModel.load(model("quadruped.xml")); MjData d = m.makeData()) {
            double[] state = new double[m.nq() + m.nv()];
            long[] windows = new long[6];
            Arrays.fill(windows, -1);
            for (int k = -1; k < windows.length; k++) {
                long before = threads.getCurrentThreadAllocatedBytes();
                for (int s = 0; s < 4_000; s++) {
                    if (s % 1000 == 0) {
                        d.reset();
                    }
                    for (int i = 0; i < d.ctrl().size(); i++) {
                        d.ctrl().set(i, ((s + i) % 3) - 1);
                    }
                    d.step(2);
                    d.rnePostConstraint();
                    d.qpos().copyTo(0, state, 0, m.nq());
                    d.qvel().copyTo(0, state, m.nq(), m.nv());
                    state[0] += d.xpos().get(1, 2) + d.xquat().get(1, 0) + d.cfrcExt().get(2, 5) + d.sensordata().get(0);
                }
                if (k >= 0) {
                    windows[k] = threads.getCurrentThreadAllocatedBytes() - before;
                    if (windows[k] == 0) {
                        break;
                    }
                }
            }
            assertTrue(Arrays.stream(windows).anyMatch(b -> b == 0), "bytes per 4000-step window " + Arrays.toString(windows));
        }
    }
}

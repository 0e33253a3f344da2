package dev.myelin.drivers.base;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The transforms' frames and mounts in {@code base.yaml}: optional, defaulted, and checked by name. */
class BaseParamsTfTest {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    @Test
    void exampleFileGivesFramesAndMounts() throws Exception {
        BaseParams p = BaseParams.load(Path.of("base.example.yaml"));
        assertEquals("base_scan", p.tf().laser());
        assertEquals("imu_link", p.tf().imu());
        assertEquals(p.baseFrame(), p.tf().base());
        assertEquals(0.18, p.tf().laserMount().z());
        BaseParams plain = BaseHardwareTest.params(); // no mounts: REP 105 defaults
        assertEquals(0.07, plain.tf().imuMount().z());
    }

    @Test
    void badMountsAreNamed() throws Exception {
        ObjectNode root = (ObjectNode) YAML.readTree(Files.readString(Path.of("base.example.yaml")));
        ((ObjectNode) root.get("mounts").get("laser")).put("roll", 0.1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> BaseParams.parse(root));
        assertTrue(e.getMessage().contains("mounts.laser.roll"), e.getMessage());
        ((ObjectNode) root.get("mounts").get("laser")).remove("roll");
        ((ObjectNode) root.get("mounts").get("imu")).put("z", "high");
        e = assertThrows(IllegalArgumentException.class, () -> BaseParams.parse(root));
        assertTrue(e.getMessage().contains("mounts.imu.z"), e.getMessage());
        ((ObjectNode) root.get("mounts").get("imu")).put("z", 0.05);
        ((ObjectNode) root.get("frames")).put("laser", "/scan");
        e = assertThrows(IllegalArgumentException.class, () -> BaseParams.parse(root));
        assertTrue(e.getMessage().contains("frames.laser"), e.getMessage());
    }
}

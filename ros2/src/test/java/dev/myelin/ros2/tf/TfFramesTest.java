package dev.myelin.ros2.tf;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TfFramesTest {
    @Test
    void parametersOverrideRep105Defaults() {
        TfFrames f = TfFrames.fromParameters(Map.of("frames.base", "base_link", "mounts.imu.z", 0.1, "mounts.laser.yaw", 1,
                "other.parameter", "left to its owner"));
        assertEquals("odom", f.odom());
        assertEquals("base_link", f.base());
        assertEquals("base_scan", f.laser());
        assertEquals(0.1, f.imuMount().z());
        assertEquals(1.0, f.laserMount().yaw());
        assertEquals(0.18, f.laserMount().z());
        assertEquals("robot_1/base_link", f.prefixed("robot_1/").base());
        assertEquals(f.laserMount(), f.prefixed("robot_1/").laserMount());
    }

    @Test
    void badParametersAreNamed() {
        assertMessage("frames.odom", () -> TfFrames.fromParameters(Map.of("frames.odom", "/odom")));
        assertMessage("frames.imu", () -> TfFrames.fromParameters(Map.of("frames.imu", 3)));
        assertMessage("mounts.laser.x", () -> TfFrames.fromParameters(Map.of("mounts.laser.x", "near")));
        assertMessage("mounts.imu.z", () -> TfFrames.fromParameters(Map.of("mounts.imu.z", Double.NaN)));
        assertMessage("four different names", () -> TfFrames.fromParameters(Map.of("frames.laser", "odom")));
    }

    private static void assertMessage(String expected, org.junit.jupiter.api.function.Executable call) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }
}

package dev.myelin.controller;

import dev.myelin.controller.config.ControllerParams;
import dev.myelin.controller.config.ObservationSlice;
import dev.myelin.controller.config.ParamsException;
import dev.myelin.controller.loop.IdleStrategy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ControllerParamsTest {

    @Test
    void readsTheNavigationParameterFile() {
        ControllerParams p = TestBundles.navParams();
        assertEquals("controller", p.nodeName());
        assertEquals(100, p.rateHz());
        assertEquals(10_000_000L, p.periodNanos());
        assertEquals(IdleStrategy.SPIN_THEN_PARK, p.idleStrategy());
        assertEquals("event", p.engine());
        assertEquals(4, p.observations().size());
        assertEquals(20, p.observationSize());
        ObservationSlice.ScanSlice scan = assertInstanceOf(ObservationSlice.ScanSlice.class, p.observations().get(0));
        assertEquals(16, scan.sectors());
        assertEquals(0.12, scan.clipMin());
        assertEquals(3.5, scan.clipMax());
        assertEquals(300_000_000L, scan.maxAgeNanos());
        assertEquals("range_15", scan.channels().get(15));
        ObservationSlice.GoalSlice goal = assertInstanceOf(ObservationSlice.GoalSlice.class, p.observations().get(1));
        assertEquals("/goal_pose", goal.goalTopic());
        assertEquals("transient_local", goal.goalQos());
        assertEquals(2, p.actions().size());
        assertEquals("angular.z", p.actions().get(1).field());
        assertEquals(30.0, p.actions().get(1).rateLimit());
        assertEquals("/estop", p.estopTopic());
        assertEquals("std_msgs/msg/String", p.resetType());
        assertEquals(0.2, p.diagnosticsPeriodS());
    }

    @Test
    void trustedKeyPathsResolveAgainstTheFile(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Path config = java.nio.file.Files.createDirectories(dir.resolve("robot/config/keys"));
        java.nio.file.Files.writeString(config.resolve("robot.pub"), "key");
        Path ops = java.nio.file.Files.writeString(dir.resolve("ops.pub"), "key");
        ControllerParams p = ControllerParams.parse(TestBundles.navParamsText().replace("engine: event",
                "engine: event\n    trusted_keys: [keys/robot.pub, " + ops + "]"), "x.yaml", dir.resolve("robot/config"));
        assertEquals(dir.resolve("robot/config/keys/robot.pub"), p.trustedKeys().get(0));
        assertEquals(ops, p.trustedKeys().get(1));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "rate_hz: 100|rate_hz: 5|controller.ros__parameters.rate_hz must be in [10, 1000] Hz, got 5",
            "rate_hz: 100|rate_hz: 2000|rate_hz must be in [10, 1000] Hz, got 2000",
            "idle_strategy: spin-then-park|idle_strategy: nap|unknown idle strategy 'nap'",
            "realtime_priority: 0 |realtime_priority: 120 |realtime_priority must be 0 (off) or 1..99 (SCHED_FIFO), got 120",
            "sectors: 16|sectors: 0|observations[0].sectors must be an integer in [1, 4096], got 0",
            "clip: [0.12, 3.5]|clip: [3.5, 0.12]|observations[0].clip must be finite with low < high",
            "kind: laser_scan|kind: sonar|observations[0].kind must be field, laser_scan, goal, joint_state, imu or twist, got 'sonar'",
            "max_age_s: 0.3|max_age_s: -1|observations[0].max_age_s must be > 0 s",
            "safe: 0.0|safe: 0.5|actions[0].safe must lie in [min, max] = [-0.22, 0.22], got 0.5",
            "max: 0.22|max: -0.5|actions[0].max must be greater than min (-0.22), got -0.5",
            "rate_limit: 2.0|speed: 2.0|actions[0].speed is not a known parameter",
            "channel: angular_velocity|channel: linear_velocity|actions[1].channel 'linear_velocity' is mapped twice",
            "field: angular.z|field: linear.x|actions[1].field linear.x of /cmd_vel is written by another action",
    })
    void refusesBadParametersNamingThem(String from, String to, String expected) {
        ParamsException e = assertThrows(ParamsException.class,
                () -> TestBundles.navParamsWith(from, to));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
        assertTrue(e.getMessage().matches("nav-params\\.yaml:[0-9]+: .*"), e.getMessage());
    }

    @Test
    void aMissingFileIsNamed(@org.junit.jupiter.api.io.TempDir Path dir) {
        Path missing = dir.resolve("robot.yaml");
        var e = assertThrows(java.io.FileNotFoundException.class, () -> ControllerParams.read(missing));
        assertEquals("parameter file " + missing + " does not exist", e.getMessage());
    }

    @Test
    void refusesAFileWithoutRosParameters() {
        ParamsException e = assertThrows(ParamsException.class,
                () -> ControllerParams.parse("controller:\n  rate_hz: 10\n", "p.yaml", null));
        assertTrue(e.getMessage().contains("controller must hold 'ros__parameters:'"), e.getMessage());
        e = assertThrows(ParamsException.class, () -> ControllerParams.parse("a: [1,\n", "p.yaml", null));
        assertTrue(e.getMessage().matches("p\\.yaml:[0-9]+:[0-9]+: not valid YAML: .*"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
    }
}

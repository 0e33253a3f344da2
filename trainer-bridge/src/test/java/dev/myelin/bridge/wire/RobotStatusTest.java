package dev.myelin.bridge.wire;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A robot's status with its loop timing and experience backlog: written, read back, and bad values refused by field. */
class RobotStatusTest {

    private static final String SHA = "ab".repeat(32);
    private static final String ONLINE = "{\"v\":1,\"kind\":\"robot-status\",\"robot\":\"r1\",\"fleet\":\"lab\",\"state\":\"online\","
            + "\"policy\":\"nav\",\"version\":\"1.0.0\",\"file_sha256\":\"" + SHA + "\",\"ota\":\"idle\",\"at_ms\":5";

    @Test
    void telemetryRoundTrips() throws PayloadException {
        RobotStatus s = new RobotStatus("r1", "lab", true, "nav", "1.0.0", SHA, "checking", 77, Map.of("command", 1L),
                new RobotStatus.Telemetry(new RobotStatus.Loop(52, 810, 4), 3456));
        RobotStatus back = RobotStatus.parse(s.toBytes());
        assertEquals(s, back);
        assertEquals(new RobotStatus.Loop(52, 810, 4), back.telemetry().loop());
        assertEquals(3456, back.telemetry().experienceBacklog());
        String json = new String(s.toBytes(), StandardCharsets.UTF_8);
        assertTrue(json.contains("\"loop\":{\"jitter_p99_us\":52,\"io_p99_us\":810,\"deadline_misses\":4}"), json);
        assertTrue(json.contains("\"experience_backlog\":3456"), json);
    }

    @Test
    void telemetryIsOptionalAndEachPartStandsAlone() throws PayloadException {
        RobotStatus plain = RobotStatus.parse((ONLINE + "}").getBytes(StandardCharsets.UTF_8));
        assertEquals(RobotStatus.Telemetry.NONE, plain.telemetry());
        assertTrue(!new String(plain.toBytes(), StandardCharsets.UTF_8).contains("loop"));
        RobotStatus backlogOnly = RobotStatus.parse(payload(",\"experience_backlog\":0"));
        assertNull(backlogOnly.telemetry().loop());
        assertEquals(0, backlogOnly.telemetry().experienceBacklog());
        RobotStatus loopOnly = RobotStatus.parse(payload(",\"loop\":{\"jitter_p99_us\":0,\"io_p99_us\":60000000,\"deadline_misses\":0}"));
        assertEquals(60_000_000, loopOnly.telemetry().loop().ioP99Micros());
        assertEquals(-1, loopOnly.telemetry().experienceBacklog());
        // The robot's last will stays as small as it was.
        assertEquals(RobotStatus.Telemetry.NONE, RobotStatus.parse(RobotStatus.offline("r1", "lab").toBytes()).telemetry());
    }

    @Test
    void badTelemetryIsRefusedNamingTheField() {
        assertRefused("status.loop.jitter_p99_us", ",\"loop\":{\"jitter_p99_us\":-1,\"io_p99_us\":5,\"deadline_misses\":0}");
        assertRefused("status.loop.io_p99_us", ",\"loop\":{\"jitter_p99_us\":1,\"io_p99_us\":60000001,\"deadline_misses\":0}");
        assertRefused("status.loop.jitter_p99_us", ",\"loop\":{\"jitter_p99_us\":1.5,\"io_p99_us\":5,\"deadline_misses\":0}");
        assertRefused("status.loop.jitter_p99_us", ",\"loop\":{\"jitter_p99_us\":\"12\",\"io_p99_us\":5,\"deadline_misses\":0}");
        assertRefused("status.loop.deadline_misses", ",\"loop\":{\"jitter_p99_us\":1,\"io_p99_us\":5,\"deadline_misses\":1e300}");
        assertRefused("status.loop.deadline_misses", ",\"loop\":{\"jitter_p99_us\":1,\"io_p99_us\":5}");
        assertRefused("status.loop.cpu", ",\"loop\":{\"jitter_p99_us\":1,\"io_p99_us\":5,\"deadline_misses\":0,\"cpu\":3}");
        assertRefused("status.loop", ",\"loop\":[1,2,3]");
        assertRefused("status.loop.v", ",\"loop\":{\"v\":1,\"jitter_p99_us\":1,\"io_p99_us\":5,\"deadline_misses\":0}");
        assertRefused("status.experience_backlog", ",\"experience_backlog\":-1");
        assertRefused("status.experience_backlog", ",\"experience_backlog\":9007199254740993");
        assertRefused("status.experience_backlog", ",\"experience_backlog\":true");
        // NaN and infinities are not JSON: refused before any field is read.
        assertRefused("status", ",\"loop\":{\"jitter_p99_us\":NaN,\"io_p99_us\":5,\"deadline_misses\":0}");
        // Telemetry belongs to an online robot.
        byte[] offline = ("{\"v\":1,\"kind\":\"robot-status\",\"robot\":\"r1\",\"fleet\":\"lab\",\"state\":\"offline\","
                + "\"experience_backlog\":3}").getBytes(StandardCharsets.UTF_8);
        assertEquals("status.experience_backlog", assertThrows(PayloadException.class, () -> RobotStatus.parse(offline)).field());
    }

    @Test
    void outOfRangeTelemetryCannotBeWritten() {
        assertThrows(IllegalArgumentException.class, () -> new RobotStatus.Loop(-1, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new RobotStatus.Loop(0, RobotStatus.MAX_MICROS + 1, 0));
        assertThrows(IllegalArgumentException.class, () -> new RobotStatus.Loop(0, 0, RobotStatus.MAX_COUNT + 1));
        assertThrows(IllegalArgumentException.class, () -> new RobotStatus.Telemetry(null, -2));
    }

    private static byte[] payload(String extra) {
        return (ONLINE + extra + "}").getBytes(StandardCharsets.UTF_8);
    }

    private static void assertRefused(String field, String extra) {
        PayloadException e = assertThrows(PayloadException.class, () -> RobotStatus.parse(payload(extra)), extra);
        assertEquals(field, e.field(), e.getMessage());
    }
}

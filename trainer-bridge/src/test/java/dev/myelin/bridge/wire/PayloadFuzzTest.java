package dev.myelin.bridge.wire;

import dev.myelin.bridge.Fixtures;
import dev.myelin.bridge.experience.ExperienceAck;
import dev.myelin.bridge.experience.ExperienceBatch;
import dev.myelin.bridge.experience.ExperienceTransition;
import dev.myelin.bridge.release.PreparedRelease;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every payload reader, fed damaged payloads, either returns a valid value or refuses with a
 * {@link PayloadException}; nothing else escapes, whatever the bytes.
 */
class PayloadFuzzTest {

    private static final Fixtures FX = new Fixtures();
    private static final PreparedRelease RELEASE = PreparedRelease.of(FX.nav("1.1.0"), FX.keys.bundleKeys(), "lab", "stable",
            1024, 500, ReleaseManifest.Activation.IMMEDIATE);
    private static final byte[] MANIFEST = RELEASE.manifest().withStage(ReleaseManifest.Stage.CANARY, List.of("r1", "r2"), 5)
            .seal(FX.signer);
    private static final byte[] CHUNK = RELEASE.chunks().get(1);
    private static final byte[] COMMAND = new FleetCommand("c1", "lab", "r1", FleetCommand.Action.ROLLBACK, "nav",
            dev.myelin.policy.bundle.ReleaseVersion.parse("1.0.0"), "ab".repeat(32), 1, 2).seal(FX.signer);
    private static final byte[] HEALTH = new HealthReport("r1", "nav", "nav-1.1.0-abcdefabcdef", "1.1.0", "ab".repeat(32),
            HealthReport.Event.ROLLED_BACK, "NaN", 10, 1, 2, 3, 4).toBytes();
    private static final byte[] STATUS = new RobotStatus("r1", "lab", true, "nav", "1.1.0", "ab".repeat(32), "idle", 9).toBytes();
    private static final byte[] STATUS_TELEMETRY = new RobotStatus("r1", "lab", true, "nav", "1.1.0", "ab".repeat(32), "idle", 9,
            java.util.Map.of("manifest", 2L), new RobotStatus.Telemetry(new RobotStatus.Loop(41, 730, 3), 1200)).toBytes();
    private static final byte[] BATCH = new ExperienceBatch("r1", 3, 4, 5, List.of(new ExperienceTransition("r1", 3, 4, 5, 6, 7,
            new float[] {1, 2, 3}, new float[] {4}, Float.NaN, true))).encode();

    @Provide
    Arbitrary<Tuple.Tuple3<Integer, Integer, Integer>> damage() {
        // (kind, position, value): flip a byte, truncate, or cut a span out.
        return Arbitraries.integers().between(0, 2).flatMap(k -> Arbitraries.integers().between(0, 1 << 20)
                .flatMap(p -> Arbitraries.integers().between(0, 255).map(v -> Tuple.of(k, p, v))));
    }

    private static byte[] damage(byte[] b, Tuple.Tuple3<Integer, Integer, Integer> d) {
        int p = d.get2() % b.length;
        return switch (d.get1()) {
            case 0 -> {
                byte[] c = b.clone();
                c[p] = (byte) (c[p] ^ (d.get3() == 0 ? 1 : d.get3()));
                yield c;
            }
            case 1 -> java.util.Arrays.copyOf(b, p);
            default -> {
                int len = Math.min(1 + d.get3(), b.length - p);
                byte[] c = new byte[b.length - len];
                System.arraycopy(b, 0, c, 0, p);
                System.arraycopy(b, p + len, c, p, b.length - p - len);
                yield c;
            }
        };
    }

    @FunctionalInterface
    interface Reader {
        Object read(byte[] p) throws PayloadException;
    }

    private static void onlyRefusals(Reader r, byte[] payload) {
        try {
            r.read(payload);
        } catch (PayloadException e) {
            assertTrue(e.field() != null && !e.field().isEmpty());
        }
    }

    /**
     * A signed payload, damaged, is refused; the only damage it may survive is one that leaves the
     * signed content as it was (the value read equals the undamaged one).
     */
    private static void refusedUnlessIntact(Reader r, byte[] damaged, Object intact) {
        Object read;
        try {
            read = r.read(damaged);
        } catch (PayloadException e) {
            assertTrue(e.field() != null && !e.field().isEmpty());
            return;
        }
        assertEquals(intact, read, "a damaged signed payload was accepted with content other than what was signed");
    }

    private static Object openIntact(byte[] payload, boolean manifest) {
        try {
            return manifest ? ReleaseManifest.open(payload, FX.keys) : FleetCommand.open(payload, FX.keys);
        } catch (PayloadException e) {
            throw new AssertionError("the undamaged payload must open", e);
        }
    }

    @Property(tries = 300)
    void damagedManifestsAreRefusedCleanly(@ForAll("damage") Tuple.Tuple3<Integer, Integer, Integer> d) {
        refusedUnlessIntact(p -> ReleaseManifest.open(p, FX.keys), damage(MANIFEST, d), openIntact(MANIFEST, true));
    }

    @Property(tries = 300)
    void damagedChunksAreRefusedCleanly(@ForAll("damage") Tuple.Tuple3<Integer, Integer, Integer> d) {
        onlyRefusals(ChunkMessage::decode, damage(CHUNK, d));
    }

    @Property(tries = 200)
    void damagedCommandsAndReportsAreRefusedCleanly(@ForAll("damage") Tuple.Tuple3<Integer, Integer, Integer> d) {
        refusedUnlessIntact(p -> FleetCommand.open(p, FX.keys), damage(COMMAND, d), openIntact(COMMAND, false));
        onlyRefusals(HealthReport::parse, damage(HEALTH, d));
        onlyRefusals(RobotStatus::parse, damage(STATUS, d));
        onlyRefusals(RobotStatus::parse, damage(STATUS_TELEMETRY, d));
        onlyRefusals(ExperienceAck::parse, damage(new ExperienceAck("r1", 1, 2, 3, 4).toBytes(), d));
    }

    @Property(tries = 300)
    void damagedExperienceBatchesAreRefusedCleanly(@ForAll("damage") Tuple.Tuple3<Integer, Integer, Integer> d) {
        onlyRefusals(ExperienceBatch::decode, damage(BATCH, d));
    }

    @Test
    void validPayloadsRoundTrip() throws Exception {
        ReleaseManifest m = ReleaseManifest.open(MANIFEST, FX.keys);
        assertEquals(RELEASE.manifest().releaseId(), m.releaseId());
        assertEquals(List.of("r1", "r2"), m.canaryRobots());
        assertTrue(m.targets("r2") && !m.targets("r3"));
        assertEquals(1, ChunkMessage.decode(CHUNK).index());
        assertEquals(FleetCommand.Action.ROLLBACK, FleetCommand.open(COMMAND, FX.keys).action());
        assertEquals(3, HealthReport.parse(HEALTH).deadlineMisses());
        assertEquals("idle", RobotStatus.parse(STATUS).ota());
        assertEquals(730, RobotStatus.parse(STATUS_TELEMETRY).telemetry().loop().ioP99Micros());
        assertTrue(Float.isNaN(ExperienceBatch.decode(BATCH).transitions().get(0).reward()));
    }

    @Test
    void jsonIsReadStrictly() {
        byte[] dup = "{\"v\":1,\"kind\":\"robot-status\",\"robot\":\"r1\",\"robot\":\"r2\",\"fleet\":\"lab\",\"state\":\"offline\"}"
                .getBytes(StandardCharsets.UTF_8);
        assertTrue(assertThrows(PayloadException.class, () -> RobotStatus.parse(dup)).getMessage().contains("Duplicate"));
        byte[] extra = "{\"v\":1,\"kind\":\"robot-status\",\"robot\":\"r1\",\"fleet\":\"lab\",\"state\":\"offline\",\"x\":1}"
                .getBytes(StandardCharsets.UTF_8);
        assertEquals("status.x", assertThrows(PayloadException.class, () -> RobotStatus.parse(extra)).field());
        byte[] v2 = "{\"v\":2,\"kind\":\"robot-status\"}".getBytes(StandardCharsets.UTF_8);
        assertEquals("status.v", assertThrows(PayloadException.class, () -> RobotStatus.parse(v2)).field());
        byte[] wildcard = "{\"v\":1,\"kind\":\"robot-status\",\"robot\":\"r/#\",\"fleet\":\"lab\",\"state\":\"offline\"}"
                .getBytes(StandardCharsets.UTF_8);
        assertEquals("status.robot", assertThrows(PayloadException.class, () -> RobotStatus.parse(wildcard)).field());
        assertThrows(IllegalArgumentException.class, () -> Topics.status("lab", "a+b"));
    }

    @Test
    void aManifestCannotBeReplayedAsACommand() {
        PayloadException e = assertThrows(PayloadException.class, () -> FleetCommand.open(MANIFEST, FX.keys));
        assertEquals("envelope.purpose", e.field());
    }
}

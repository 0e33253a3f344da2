package dev.myelin.bridge.experience;

import dev.myelin.bridge.wire.JsonFields;
import dev.myelin.bridge.wire.PayloadException;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * A run of consecutive transitions from one outbox segment, on {@code myelin/<fleet>/robots/<robot>/experience}
 * (QoS 1). Its identity, {@code (robot, outbox, segment, first, count)}, names the records exactly, so a batch
 * sent twice (a resend after a lost acknowledgement, a robot restart before it saved its cursor) is stored
 * once. Binary, little-endian, version 1:
 * <pre>
 *  0  4  magic "MYXB"
 *  4  2  version = 1
 *  6  2  flags = 0
 *  8  8  outbox id (random, fixed when the robot's outbox was created)
 * 16  8  segment number
 * 24  4  index of the first record in the segment
 * 28  4  record count n (>= 1)
 * 32  1  robot id length r
 * 33  r  robot id (ASCII)
 *  .     n x (body length u32, body {@link TransitionLayout})
 *  .  4  CRC32C of everything before
 * </pre>
 * At most {@value #MAX_PAYLOAD_BYTES} bytes. Immutable.
 */
public record ExperienceBatch(String robot, long outboxId, long segment, int first, List<ExperienceTransition> transitions) {

    public static final int VERSION = 1;
    public static final int MAX_PAYLOAD_BYTES = 128 * 1024;
    private static final byte[] MAGIC = {'M', 'Y', 'X', 'B'};

    public ExperienceBatch {
        transitions = List.copyOf(transitions);
        if (transitions.isEmpty()) {
            throw new IllegalArgumentException("a batch holds at least one transition");
        }
    }

    public int count() {
        return transitions.size();
    }

    /** Header bytes before the records, for a robot id of {@code robotBytes}. */
    static int headerBytes(int robotBytes) {
        return 33 + robotBytes;
    }

    /** Writes the header into {@code b} (positioned at 0); the caller appends records and {@link #seal}s. */
    static void writeHeader(ByteBuffer b, String robot, long outboxId, long segment, int first, int count) {
        byte[] r = robot.getBytes(StandardCharsets.US_ASCII);
        b.put(MAGIC).putShort((short) VERSION).putShort((short) 0).putLong(outboxId).putLong(segment).putInt(first)
                .putInt(count).put((byte) r.length).put(r);
    }

    /** Appends the CRC32C of everything written so far and returns the payload. */
    static byte[] seal(ByteBuffer b) {
        CRC32C crc = new CRC32C();
        crc.update(b.array(), 0, b.position());
        b.putInt((int) crc.getValue());
        return Arrays.copyOf(b.array(), b.position());
    }

    /** The payload of this batch. */
    public byte[] encode() {
        int size = headerBytes(robot.length()) + 4;
        for (ExperienceTransition t : transitions) {
            size += 4 + TransitionLayout.bodyBytes(t.observation().length, t.action().length);
        }
        if (size > MAX_PAYLOAD_BYTES) {
            throw new IllegalArgumentException("batch of " + size + " bytes is over the limit of " + MAX_PAYLOAD_BYTES);
        }
        ByteBuffer b = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
        writeHeader(b, robot, outboxId, segment, first, transitions.size());
        for (ExperienceTransition t : transitions) {
            b.putInt(TransitionLayout.bodyBytes(t.observation().length, t.action().length));
            b.putLong(t.timeNanos()).putLong(t.policyTag()).putFloat(t.reward())
                    .putShort((short) t.observation().length).putShort((short) t.action().length)
                    .putLong(t.done() ? 1L : 0L);
            for (float v : t.observation()) {
                b.putFloat(v);
            }
            for (float v : t.action()) {
                b.putFloat(v);
            }
        }
        return seal(b);
    }

    /** Decodes and checks a payload; every refusal names the field. */
    public static ExperienceBatch decode(byte[] p) throws PayloadException {
        if (p == null || p.length < headerBytes(1) + 4) {
            throw new PayloadException("experience", "truncated: " + (p == null ? 0 : p.length) + " bytes");
        }
        if (p.length > MAX_PAYLOAD_BYTES) {
            throw new PayloadException("experience", p.length + " bytes, over the limit of " + MAX_PAYLOAD_BYTES);
        }
        if (!Arrays.equals(p, 0, 4, MAGIC, 0, 4)) {
            throw new PayloadException("experience.magic", "not an experience batch");
        }
        ByteBuffer b = ByteBuffer.wrap(p).order(ByteOrder.LITTLE_ENDIAN);
        int version = Short.toUnsignedInt(b.getShort(4));
        if (version != VERSION) {
            throw new PayloadException("experience.version", "batch format version " + version
                    + " is not supported (this reader reads " + VERSION + ")");
        }
        if (b.getShort(6) != 0) {
            throw new PayloadException("experience.flags", "must be 0");
        }
        CRC32C crc = new CRC32C();
        crc.update(p, 0, p.length - 4);
        if ((int) crc.getValue() != b.getInt(p.length - 4)) {
            throw new PayloadException("experience.crc", "CRC32C does not match (corrupted)");
        }
        long outbox = b.getLong(8);
        long segment = b.getLong(16);
        int first = b.getInt(24);
        int count = b.getInt(28);
        int r = Byte.toUnsignedInt(b.get(32));
        if (segment < 0 || first < 0 || count < 1) {
            throw new PayloadException("experience.first", "segment " + segment + ", first " + first + ", count " + count);
        }
        if (r < 1 || r > 64 || headerBytes(r) + 4 > p.length) {
            throw new PayloadException("experience.robot", "robot id length " + r);
        }
        String robot = new String(p, 33, r, StandardCharsets.US_ASCII);
        if (!JsonFields.NAME.matcher(robot).matches()) {
            throw new PayloadException("experience.robot", "'" + robot + "' is not a robot id");
        }
        int at = headerBytes(r);
        int end = p.length - 4;
        List<ExperienceTransition> ts = new ArrayList<>(Math.min(count, 4096));
        for (int i = 0; i < count; i++) {
            if (at + 4 > end) {
                throw new PayloadException("experience.records[" + i + "]", "missing: the batch announces " + count);
            }
            int len = b.getInt(at);
            int announced = TransitionLayout.announcedBytes(b, at + 4, end - at - 4);
            if (len < TransitionLayout.HEADER || len > end - at - 4 || announced != len) {
                throw new PayloadException("experience.records[" + i + "]", "length " + len + " does not match its header");
            }
            ts.add(TransitionLayout.read(b, at + 4, robot, outbox, segment, first + i));
            at += 4 + len;
        }
        if (at != end) {
            throw new PayloadException("experience", (end - at) + " bytes after the last record");
        }
        return new ExperienceBatch(robot, outbox, segment, first, ts);
    }
}

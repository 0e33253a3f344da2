package dev.myelin.bridge.experience;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The bytes of one transition, shared by the outbox's segment files and the experience batches, little-endian:
 * <pre>
 *  0  8  time, ns (robot's monotonic clock)
 *  8  8  policy tag (first 8 bytes of the acting bundle's digest)
 * 16  4  reward, fp32 (NaN: no reward)
 * 20  2  observation length n
 * 22  2  action length m
 * 24  1  done (0 or 1)
 * 25  7  zero
 * 32 4n  observation, fp32
 *  . 4m  action, fp32
 * </pre>
 */
final class TransitionLayout {

    static final int HEADER = 32;
    static final int MAX_ELEMENTS = 65_535;
    static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfShort SHORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private TransitionLayout() {
    }

    static int bodyBytes(int observations, int actions) {
        return HEADER + 4 * (observations + actions);
    }

    /** Writes a body at {@code at}; allocation-free. */
    static void write(MemorySegment s, long at, float[] obs, float[] act, float reward, boolean done, long time, long tag) {
        s.set(LONG, at, time);
        s.set(LONG, at + 8, tag);
        s.set(FLOAT, at + 16, reward);
        s.set(SHORT, at + 20, (short) obs.length);
        s.set(SHORT, at + 22, (short) act.length);
        s.set(LONG, at + 24, done ? 1L : 0L); // the done byte and the 7 zero bytes after it, little-endian
        long p = at + HEADER;
        for (float v : obs) {
            s.set(FLOAT, p, v);
            p += 4;
        }
        for (float v : act) {
            s.set(FLOAT, p, v);
            p += 4;
        }
    }

    /** The body length a header at {@code at} announces, or -1 when its header is inconsistent. */
    static int announcedBytes(ByteBuffer b, int at, int available) {
        if (available < HEADER) {
            return -1;
        }
        int n = Short.toUnsignedInt(b.getShort(at + 20));
        int m = Short.toUnsignedInt(b.getShort(at + 22));
        int done = b.get(at + 24);
        if (done != 0 && done != 1) {
            return -1;
        }
        for (int i = 25; i < HEADER; i++) {
            if (b.get(at + i) != 0) {
                return -1;
            }
        }
        return bodyBytes(n, m);
    }

    /** Decodes a body (already checked) into a transition. */
    static ExperienceTransition read(ByteBuffer b, int at, String robot, long outboxId, long segment, int index) {
        b = b.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        int n = Short.toUnsignedInt(b.getShort(at + 20));
        int m = Short.toUnsignedInt(b.getShort(at + 22));
        float[] obs = new float[n];
        float[] act = new float[m];
        int p = at + HEADER;
        for (int i = 0; i < n; i++, p += 4) {
            obs[i] = b.getFloat(p);
        }
        for (int i = 0; i < m; i++, p += 4) {
            act[i] = b.getFloat(p);
        }
        return new ExperienceTransition(robot, outboxId, segment, index, b.getLong(at), b.getLong(at + 8), obs, act,
                b.getFloat(at + 16), b.get(at + 24) == 1);
    }
}

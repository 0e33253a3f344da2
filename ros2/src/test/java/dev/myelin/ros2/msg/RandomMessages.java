package dev.myelin.ros2.msg;

import java.util.Random;

/**
 * Fills messages of any type with random content: every primitive over its whole range plus the
 * awkward floating-point values (NaN, infinities, -0, subnormals), strings of random Unicode
 * (no NUL), sequences of random length within their bounds.
 */
public final class RandomMessages {
    private static final double[] SPECIAL_DOUBLES = {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY,
            -0.0, Double.MIN_VALUE, Double.MAX_VALUE, -Double.MAX_VALUE, 1e-310};
    private static final float[] SPECIAL_FLOATS = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY,
            -0.0f, Float.MIN_VALUE, Float.MAX_VALUE, 1e-40f};

    private RandomMessages() {
    }

    public static Message random(MessageType type, Random rnd) {
        Message m = type.newMessage();
        fill(m, rnd, 0);
        return m;
    }

    public static void fill(Message m, Random rnd, int depth) {
        for (Field f : m.type().fields()) {
            if (f.arity() == Arity.SINGLE) {
                switch (f.kind()) {
                    case MESSAGE -> fill(m.child(f), rnd, depth + 1);
                    case STRING -> m.setString(f, string(rnd, f.stringBound()));
                    default -> m.scalars[m.scalarBase + f.scalarSlot] = scalarBits(f.kind(), rnd);
                }
                continue;
            }
            int n = f.arity() == Arity.ARRAY ? f.length() : length(rnd, f.length(), depth);
            switch (f.kind()) {
                case MESSAGE -> {
                    MessageArray a = m.messages(f);
                    a.resize(n);
                    for (int i = 0; i < n; i++) {
                        fill(a.get(i), rnd, depth + 1);
                    }
                }
                case STRING -> {
                    StringArray a = m.strings(f);
                    a.resize(n);
                    for (int i = 0; i < n; i++) {
                        a.set(i, string(rnd, f.stringBound()));
                    }
                }
                default -> {
                    PrimitiveArray a = m.primitives(f);
                    a.resize(n);
                    for (int i = 0; i < n; i++) {
                        long bits = scalarBits(f.kind(), rnd);
                        switch (a.kind()) {
                            case FLOAT32 -> a.floats[i] = Float.intBitsToFloat((int) bits);
                            case FLOAT64 -> a.doubles[i] = Double.longBitsToDouble(bits);
                            default -> {
                                switch (a.kind().size()) {
                                    case 1 -> a.bytes[i] = (byte) bits;
                                    case 2 -> a.shorts[i] = (short) bits;
                                    case 4 -> a.ints[i] = (int) bits;
                                    default -> a.longs[i] = bits;
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    private static int length(Random rnd, int bound, int depth) {
        int max = depth > 2 ? 2 : rnd.nextInt(8) == 0 ? 400 : 6;
        if (bound > 0) {
            max = Math.min(max, bound);
        }
        return rnd.nextInt(max + 1);
    }

    static long scalarBits(FieldKind kind, Random rnd) {
        return switch (kind) {
            case BOOL -> rnd.nextBoolean() ? 1 : 0;
            case FLOAT32 -> {
                float v = rnd.nextInt(6) == 0 ? SPECIAL_FLOATS[rnd.nextInt(SPECIAL_FLOATS.length)]
                        : (float) ((rnd.nextDouble() - 0.5) * Math.pow(10, rnd.nextInt(20) - 10));
                yield Message.floatBits(v);
            }
            case FLOAT64 -> Double.doubleToRawLongBits(rnd.nextInt(6) == 0
                    ? SPECIAL_DOUBLES[rnd.nextInt(SPECIAL_DOUBLES.length)]
                    : (rnd.nextDouble() - 0.5) * Math.pow(10, rnd.nextInt(40) - 20));
            case INT8 -> (byte) rnd.nextInt();
            case BYTE, CHAR, UINT8 -> rnd.nextInt(256);
            case INT16 -> (short) rnd.nextInt();
            case UINT16 -> rnd.nextInt(65536);
            case INT32 -> rnd.nextInt();
            case UINT32 -> Integer.toUnsignedLong(rnd.nextInt());
            default -> rnd.nextLong();
        };
    }

    static String string(Random rnd, int bound) {
        int n = rnd.nextInt(bound > 0 ? Math.min(bound, 12) + 1 : 13);
        StringBuilder sb = new StringBuilder();
        while (sb.length() < n) {
            int cp = switch (rnd.nextInt(4)) {
                case 0 -> 0x20 + rnd.nextInt(0x5f);
                case 1 -> 0xa0 + rnd.nextInt(0x700);
                case 2 -> 0x4e00 + rnd.nextInt(0x1000);
                default -> 0x1f300 + rnd.nextInt(0x200);
            };
            sb.appendCodePoint(cp);
        }
        String s = sb.toString();
        if (bound > 0) {
            while (s.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > bound) {
                s = s.substring(0, s.offsetByCodePoints(0, s.codePointCount(0, s.length()) - 1));
            }
        }
        return s;
    }
}

package dev.myelin.ros2.msg;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;

/**
 * A string field's value, kept as the UTF-8 bytes that go on the wire plus the {@link String}
 * made from them on demand. The byte array is owned exclusively and reused, so decoding a sample
 * allocates only when a string grows past every earlier length (or when {@link #get()} is asked
 * for a changed value); re-encoding an unchanged value is free. Received bytes are kept verbatim,
 * so re-encoding is byte-exact even for text that is not valid UTF-8.
 */
final class Text {
    private String value = "";
    private byte[] utf8 = new byte[16];
    private MemorySegment utf8Segment = MemorySegment.ofArray(utf8);
    private int length;

    String get() {
        String v = value;
        if (v == null) {
            v = new String(utf8, 0, length, StandardCharsets.UTF_8);
            value = v;
        }
        return v;
    }

    /** Sets the value; {@code bound} > 0 limits the UTF-8 length. Setting the same String instance again is free. */
    void set(String s, int bound, Object what) {
        if (s == null) {
            throw new IllegalArgumentException(what + ": null string");
        }
        if (s == value) {
            return;
        }
        if (s.indexOf('\0') >= 0) {
            throw new IllegalArgumentException(what + ": strings may not contain NUL (ROS strings are C strings)");
        }
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        if (bound > 0 && bytes.length > bound) {
            throw new IllegalArgumentException(what + ": string of " + bytes.length + " bytes exceeds its bound of " + bound);
        }
        ensureCapacity(bytes.length);
        System.arraycopy(bytes, 0, utf8, 0, bytes.length);
        length = bytes.length;
        value = s;
    }

    /** Replaces the value by {@code n} bytes at {@code offset} of {@code source}; a no-op when they are equal. */
    void setBytes(MemorySegment source, long offset, int n) {
        if (n == length && MemorySegment.mismatch(source, offset, offset + n, utf8Segment, 0, n) == -1) {
            return;
        }
        ensureCapacity(n);
        MemorySegment.copy(source, ValueLayout.JAVA_BYTE, offset, utf8, 0, n);
        length = n;
        value = null;
    }

    void copyFrom(Text other) {
        if (contentEquals(other)) {
            return;
        }
        ensureCapacity(other.length);
        System.arraycopy(other.utf8, 0, utf8, 0, other.length);
        length = other.length;
        value = other.value;
    }

    /** The UTF-8 bytes as a segment; valid bytes are {@code [0, length())}. */
    MemorySegment bytes() {
        return utf8Segment;
    }

    int length() {
        return length;
    }

    boolean contentEquals(Text other) {
        return length == other.length && MemorySegment.mismatch(utf8Segment, 0, length, other.utf8Segment, 0, length) == -1;
    }

    int contentHash() {
        int h = 1;
        for (int i = 0; i < length; i++) {
            h = 31 * h + utf8[i];
        }
        return h;
    }

    private void ensureCapacity(int n) {
        if (utf8.length < n) {
            utf8 = new byte[Math.max(n, utf8.length * 2)];
            utf8Segment = MemorySegment.ofArray(utf8);
        }
    }
}

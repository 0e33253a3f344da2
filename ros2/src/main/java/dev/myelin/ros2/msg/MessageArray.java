package dev.myelin.ros2.msg;

import java.util.Arrays;
import java.util.Objects;

/**
 * The value of an array or sequence of nested messages ({@code MultiArrayDimension[] dim},
 * {@code DiagnosticStatus[] status}). Element messages are created once and reused: shrinking
 * keeps them for later, so a steady stream of messages allocates nothing.
 *
 * <p>Not thread-safe; belongs to its {@link Message}.
 */
public final class MessageArray {
    private final MessageType elementType;
    private final boolean fixedLength;
    private final int bound;
    private final Object what;
    private Message[] elements;
    private int size;

    MessageArray(MessageType elementType, Arity arity, int length, Object what) {
        this.elementType = elementType;
        this.fixedLength = arity == Arity.ARRAY;
        this.bound = length;
        this.what = what;
        this.elements = new Message[fixedLength ? length : 0];
        for (int i = 0; i < elements.length; i++) {
            elements[i] = elementType.newMessage();
        }
        this.size = fixedLength ? length : 0;
    }

    public MessageType elementType() {
        return elementType;
    }

    public int size() {
        return size;
    }

    public boolean isFixedLength() {
        return fixedLength;
    }

    /** Array length, sequence bound, or 0 for an unbounded sequence. */
    public int bound() {
        return bound;
    }

    /** Element {@code i}, a live message: changes to it change this array. */
    public Message get(int i) {
        Objects.checkIndex(i, size);
        return elements[i];
    }

    /** Sets the number of elements; elements added are reset to defaults. */
    public void resize(int n) {
        if (n < 0) {
            throw new IllegalArgumentException(what + ": negative size " + n);
        }
        if (fixedLength && n != bound) {
            throw new IllegalArgumentException(what + ": array has fixed length " + bound + ", cannot hold " + n);
        }
        if (!fixedLength && bound > 0 && n > bound) {
            throw new IllegalArgumentException(what + ": sequence holds at most " + bound + " elements, not " + n);
        }
        int old = size;
        setSizeForOverwrite(n);
        for (int i = old; i < n; i++) {
            elements[i].clear();
        }
    }

    /** Appends an element reset to defaults and returns it. */
    public Message add() {
        resize(size + 1);
        return elements[size - 1];
    }

    void setSizeForOverwrite(int n) {
        if (n > elements.length) {
            int old = elements.length;
            elements = Arrays.copyOf(elements, Math.max(n, old * 2));
            for (int i = old; i < elements.length; i++) {
                elements[i] = elementType.newMessage();
            }
        }
        size = n;
    }

    public void copyFrom(MessageArray other) {
        if (other.elementType != elementType) {
            throw new IllegalArgumentException(what + ": cannot copy " + other.elementType + " into " + elementType);
        }
        setSizeForOverwrite(other.size);
        for (int i = 0; i < size; i++) {
            elements[i].copyFrom(other.elements[i]);
        }
    }

    void clear() {
        for (int i = 0; i < elements.length; i++) {
            elements[i].clear();
        }
        size = fixedLength ? bound : 0;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof MessageArray other) || other.elementType != elementType || other.size != size) {
            return false;
        }
        for (int i = 0; i < size; i++) {
            if (!elements[i].equals(other.elements[i])) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int hashCode() {
        int h = size;
        for (int i = 0; i < size; i++) {
            h = h * 31 + elements[i].hashCode();
        }
        return h;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < size; i++) {
            if (i > 0) {
                sb.append(", ");
            }
            sb.append(elements[i]);
        }
        return sb.append(']').toString();
    }
}

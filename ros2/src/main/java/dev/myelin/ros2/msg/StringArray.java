package dev.myelin.ros2.msg;

import java.util.Arrays;
import java.util.Objects;

/**
 * The value of a string array or sequence field ({@code string[]}, {@code string<=8[4]}). Element
 * storage is reused across messages; see {@link Message#getString} for the allocation rules.
 *
 * <p>Not thread-safe; belongs to its {@link Message}.
 */
public final class StringArray {
    private final boolean fixedLength;
    private final int bound;
    private final int stringBound;
    private final Object what;
    private Text[] elements;
    private int size;

    StringArray(Arity arity, int length, int stringBound, Object what) {
        this.fixedLength = arity == Arity.ARRAY;
        this.bound = length;
        this.stringBound = stringBound;
        this.what = what;
        this.elements = new Text[fixedLength ? length : 0];
        for (int i = 0; i < elements.length; i++) {
            elements[i] = new Text();
        }
        this.size = fixedLength ? length : 0;
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

    /** Maximum UTF-8 length of each element, 0 when unbounded. */
    public int stringBound() {
        return stringBound;
    }

    public String get(int i) {
        Objects.checkIndex(i, size);
        return elements[i].get();
    }

    public void set(int i, String value) {
        Objects.checkIndex(i, size);
        elements[i].set(value, stringBound, what);
    }

    /** Sets the number of elements; new elements are empty strings. */
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
            elements[i].set("", 0, what);
        }
    }

    /** Resizes to {@code values.length} and sets every element. */
    public void setAll(String... values) {
        resize(values.length);
        for (int i = 0; i < values.length; i++) {
            set(i, values[i]);
        }
    }

    void setSizeForOverwrite(int n) {
        if (n > elements.length) {
            int old = elements.length;
            elements = Arrays.copyOf(elements, Math.max(n, old * 2));
            for (int i = old; i < elements.length; i++) {
                elements[i] = new Text();
            }
        }
        size = n;
    }

    Text element(int i) {
        return elements[i];
    }

    public void copyFrom(StringArray other) {
        resize(other.size);
        for (int i = 0; i < size; i++) {
            elements[i].copyFrom(other.elements[i]);
        }
    }

    void clear() {
        for (Text t : elements) {
            t.set("", 0, what);
        }
        size = fixedLength ? bound : 0;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof StringArray other) || other.size != size) {
            return false;
        }
        for (int i = 0; i < size; i++) {
            if (!elements[i].contentEquals(other.elements[i])) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int hashCode() {
        int h = size;
        for (int i = 0; i < size; i++) {
            h = h * 31 + elements[i].contentHash();
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
            sb.append('\'').append(get(i)).append('\'');
        }
        return sb.append(']').toString();
    }
}

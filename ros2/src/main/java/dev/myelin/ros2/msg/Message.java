package dev.myelin.ros2.msg;

import java.util.Objects;

/**
 * A mutable ROS message of any {@link MessageType}, laid out for allocation-free use in control
 * loops: primitive fields (nested ones included, flattened) live in one {@code long[]}, strings
 * and collections in preallocated holders, nested messages are views created with the message.
 * Access goes through {@link Field} handles resolved once:
 *
 * <pre>{@code
 * MessageType twist = MessageTypes.standard().get("geometry_msgs/msg/Twist");
 * Field linearX = twist.field("linear.x");
 * Message cmd = twist.newMessage();
 * cmd.setDouble(linearX, 0.4);          // no lookup, no allocation
 * }</pre>
 *
 * <p>Floating-point values, NaN included, are stored bit for bit: a NaN received is a NaN read.
 * Setting an integer outside its type's range, or a string past its bound, fails with an
 * {@link IllegalArgumentException} naming the field and leaves the message unchanged.
 *
 * <p>Not thread-safe. Hand messages between threads by copying ({@link #copyFrom}).
 */
public final class Message {
    final MessageType type;
    final long[] scalars;
    final int scalarBase;
    final Object[] refs;
    final int refBase;
    private final Message[] views;
    private final int viewBase;

    Message(MessageType type) {
        this(type, new long[type.scalarCount], 0, new Object[type.refCount], 0, new Message[type.viewCount], 0);
        build(type, 0, 0, 0);
        clear();
    }

    private Message(MessageType type, long[] scalars, int scalarBase, Object[] refs, int refBase, Message[] views,
                    int viewBase) {
        this.type = type;
        this.scalars = scalars;
        this.scalarBase = scalarBase;
        this.refs = refs;
        this.refBase = refBase;
        this.views = views;
        this.viewBase = viewBase;
    }

    private void build(MessageType t, int sBase, int rBase, int vBase) {
        for (Field f : t.members) {
            if (f.arity() == Arity.SINGLE && f.kind() == FieldKind.MESSAGE) {
                int nestedViews = vBase + f.viewSlot + 1;
                views[vBase + f.viewSlot] = new Message(f.messageType(), scalars, sBase + f.scalarSlot, refs,
                        rBase + f.refSlot, views, nestedViews);
                build(f.messageType(), sBase + f.scalarSlot, rBase + f.refSlot, nestedViews);
            } else if (f.refSlot >= 0) {
                refs[rBase + f.refSlot] = switch (f.arity()) {
                    case SINGLE -> new Text();
                    default -> switch (f.kind()) {
                        case STRING -> new StringArray(f.arity(), f.length(), f.stringBound(), f);
                        case MESSAGE -> new MessageArray(f.messageType(), f.arity(), f.length(), f);
                        default -> new PrimitiveArray(f.kind(), f.arity(), f.length(), f);
                    };
                };
            }
        }
    }

    public MessageType type() {
        return type;
    }

    /** The nested message held by a single message-typed field, as a live view (no copy). */
    public Message child(Field f) {
        check(f);
        if (f.kind() != FieldKind.MESSAGE || f.arity() != Arity.SINGLE) {
            throw new IllegalArgumentException(f + " is not a single nested message");
        }
        return views[viewBase + f.viewSlot];
    }

    /** Convenience for {@code child(type().field(path))}; resolve the field once in loops instead. */
    public Message child(String path) {
        return child(type.field(path));
    }

    public boolean getBoolean(Field f) {
        checkScalar(f, FieldKind.BOOL);
        return scalars[scalarBase + f.scalarSlot] != 0;
    }

    public void setBoolean(Field f, boolean value) {
        checkScalar(f, FieldKind.BOOL);
        scalars[scalarBase + f.scalarSlot] = value ? 1 : 0;
    }

    /**
     * An integer field's value: {@code byte, char, int8, uint8, int16, uint16, int32}. For
     * {@code uint32}, {@code int64} and {@code uint64} use {@link #getLong}.
     */
    public int getInt(Field f) {
        checkInteger(f);
        if (f.kind() == FieldKind.UINT32 || f.kind().size() == 8) {
            throw new IllegalArgumentException(f + " may not fit an int; use getLong");
        }
        return (int) scalars[scalarBase + f.scalarSlot];
    }

    public void setInt(Field f, int value) {
        setLong(f, value);
    }

    /** An integer field's value; unsigned types are zero-extended, {@code uint64} is returned as raw bits. */
    public long getLong(Field f) {
        checkInteger(f);
        return scalars[scalarBase + f.scalarSlot];
    }

    /** Sets an integer field, checking that the value fits its type. */
    public void setLong(Field f, long value) {
        checkInteger(f);
        scalars[scalarBase + f.scalarSlot] = Literals.checkedInteger(f.kind(), value, f);
    }

    /** A {@code float32} (or, narrowed, {@code float64}) field's value. */
    public float getFloat(Field f) {
        check(f);
        if (!f.isScalar()) {
            throw notScalar(f);
        }
        long bits = scalars[scalarBase + f.scalarSlot];
        return switch (f.kind()) {
            case FLOAT32 -> Float.intBitsToFloat((int) bits);
            case FLOAT64 -> (float) Double.longBitsToDouble(bits);
            default -> throw new IllegalArgumentException(f + " is not floating point");
        };
    }

    public void setFloat(Field f, float value) {
        setDouble(f, value);
    }

    /** Any numeric field as a double ({@code bool} as 0/1, {@code uint64} by its unsigned value). */
    public double getDouble(Field f) {
        check(f);
        if (!f.isScalar()) {
            throw notScalar(f);
        }
        long bits = scalars[scalarBase + f.scalarSlot];
        return switch (f.kind()) {
            case FLOAT64 -> Double.longBitsToDouble(bits);
            case FLOAT32 -> Float.intBitsToFloat((int) bits);
            case UINT64 -> PrimitiveArray.unsignedToDouble(bits);
            default -> bits;
        };
    }

    /** Sets a {@code float64} or {@code float32} field (the latter rounded to float). */
    public void setDouble(Field f, double value) {
        check(f);
        if (!f.isScalar()) {
            throw notScalar(f);
        }
        int slot = scalarBase + f.scalarSlot;
        switch (f.kind()) {
            case FLOAT64 -> scalars[slot] = Double.doubleToRawLongBits(value);
            case FLOAT32 -> scalars[slot] = floatBits((float) value);
            default -> throw new IllegalArgumentException(f + " is " + f.kind().rosName() + "; use setLong or setBoolean");
        }
    }

    /** A string field's value. Allocates a String only the first time a changed value is read. */
    public String getString(Field f) {
        return text(f).get();
    }

    /** Sets a string field; setting the same String instance again costs nothing. */
    public void setString(Field f, String value) {
        text(f).set(value, f.stringBound(), f);
    }

    /** The array or sequence held by a primitive collection field. */
    public PrimitiveArray primitives(Field f) {
        checkCollection(f);
        if (!f.kind().isPrimitive()) {
            throw new IllegalArgumentException(f + " does not hold primitives");
        }
        return (PrimitiveArray) refs[refBase + f.refSlot];
    }

    /** The array or sequence held by a string collection field. */
    public StringArray strings(Field f) {
        checkCollection(f);
        if (f.kind() != FieldKind.STRING) {
            throw new IllegalArgumentException(f + " does not hold strings");
        }
        return (StringArray) refs[refBase + f.refSlot];
    }

    /** The array or sequence held by a nested-message collection field. */
    public MessageArray messages(Field f) {
        checkCollection(f);
        if (f.kind() != FieldKind.MESSAGE) {
            throw new IllegalArgumentException(f + " does not hold messages");
        }
        return (MessageArray) refs[refBase + f.refSlot];
    }

    /** Makes this message equal to {@code other} (same type), reusing this message's storage. */
    public void copyFrom(Message other) {
        if (other.type != type) {
            throw new IllegalArgumentException("cannot copy a " + other.type + " into a " + type);
        }
        if (other == this) {
            return;
        }
        System.arraycopy(other.scalars, other.scalarBase, scalars, scalarBase, type.scalarCount);
        for (int i = 0; i < type.refCount; i++) {
            Object mine = refs[refBase + i];
            Object theirs = other.refs[other.refBase + i];
            switch (mine) {
                case Text t -> t.copyFrom((Text) theirs);
                case PrimitiveArray a -> a.copyFrom((PrimitiveArray) theirs);
                case StringArray a -> a.copyFrom((StringArray) theirs);
                case MessageArray a -> a.copyFrom((MessageArray) theirs);
                default -> throw new IllegalStateException();
            }
        }
    }

    /** Resets every field to its default: the definition's default value, else zero / empty. */
    public void clear() {
        clear(type, scalarBase, refBase);
    }

    private void clear(MessageType t, int sBase, int rBase) {
        for (Field f : t.members) {
            if (f.arity() == Arity.SINGLE && f.kind() == FieldKind.MESSAGE) {
                clear(f.messageType(), sBase + f.scalarSlot, rBase + f.refSlot);
            } else if (f.arity() == Arity.SINGLE && f.kind().isPrimitive()) {
                scalars[sBase + f.scalarSlot] = f.defaultValue() == null ? 0 : Literals.scalarBits(f.kind(), f.defaultValue());
            } else {
                Object holder = refs[rBase + f.refSlot];
                switch (holder) {
                    case Text text -> text.set(f.defaultValue() == null ? "" : Literals.unquote(f.defaultValue()), 0, f);
                    case PrimitiveArray a -> {
                        a.clear();
                        if (f.defaultValue() != null) {
                            java.util.List<String> items = Literals.splitArray(f.defaultValue());
                            a.resize(items.size());
                            for (int i = 0; i < items.size(); i++) {
                                MessageYaml.setElement(a, i, items.get(i));
                            }
                        }
                    }
                    case StringArray a -> {
                        a.clear();
                        if (f.defaultValue() != null) {
                            java.util.List<String> items = Literals.splitArray(f.defaultValue());
                            a.resize(items.size());
                            for (int i = 0; i < items.size(); i++) {
                                a.set(i, Literals.unquote(items.get(i)));
                            }
                        }
                    }
                    case MessageArray a -> a.clear();
                    default -> throw new IllegalStateException();
                }
            }
        }
    }

    Text text(Field f) {
        check(f);
        if (f.kind() != FieldKind.STRING || f.arity() != Arity.SINGLE) {
            throw new IllegalArgumentException(f + " is not a single string");
        }
        return (Text) refs[refBase + f.refSlot];
    }

    static long floatBits(float value) {
        return Float.floatToRawIntBits(value) & 0xffffffffL;
    }

    private void check(Field f) {
        if (f.owner() != type) {
            throw new IllegalArgumentException("field " + f + " belongs to " + f.owner() + ", not to this " + type);
        }
    }

    private void checkScalar(Field f, FieldKind kind) {
        check(f);
        if (f.kind() != kind || f.arity() != Arity.SINGLE) {
            throw new IllegalArgumentException(f + " is not a single " + kind.rosName());
        }
    }

    private void checkInteger(Field f) {
        check(f);
        if (!f.kind().isInteger() || f.arity() != Arity.SINGLE) {
            throw new IllegalArgumentException(f + " is not a single integer");
        }
    }

    private void checkCollection(Field f) {
        check(f);
        if (f.arity() == Arity.SINGLE) {
            throw new IllegalArgumentException(f + " is not an array or sequence");
        }
    }

    private static IllegalArgumentException notScalar(Field f) {
        return new IllegalArgumentException(f + " is not a single primitive value");
    }

    /** Field-by-field equality; floating point by bits, so NaN equals NaN. */
    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof Message other) || other.type != type) {
            return false;
        }
        if (!java.util.Arrays.equals(scalars, scalarBase, scalarBase + type.scalarCount,
                other.scalars, other.scalarBase, other.scalarBase + type.scalarCount)) {
            return false;
        }
        for (int i = 0; i < type.refCount; i++) {
            Object mine = refs[refBase + i];
            Object theirs = other.refs[other.refBase + i];
            boolean same = mine instanceof Text t ? t.contentEquals((Text) theirs) : mine.equals(theirs);
            if (!same) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int hashCode() {
        int h = type.hashCode();
        for (int i = 0; i < type.scalarCount; i++) {
            h = h * 31 + Long.hashCode(scalars[scalarBase + i]);
        }
        for (int i = 0; i < type.refCount; i++) {
            Object r = refs[refBase + i];
            h = h * 31 + (r instanceof Text t ? t.contentHash() : Objects.hashCode(r));
        }
        return h;
    }

    /** The message in YAML flow style, e.g. {@code {linear: {x: 0.5, y: 0.0, z: 0.0}, ...}}. */
    @Override
    public String toString() {
        return MessageYaml.toFlow(this);
    }
}

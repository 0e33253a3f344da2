package dev.myelin.ros2.msg;

/**
 * A resolved handle on a field of a message type, possibly nested ({@code "pose.pose.position.x"}).
 * Resolve once with {@link MessageType#field(String)}, then use it on any {@link Message} of that
 * type: access through a handle is an array index, no lookup, no allocation.
 *
 * <p>Immutable and thread-safe.
 */
public final class Field {
    private final MessageType owner;
    private final String path;
    private final String name;
    private final FieldKind kind;
    private final MessageType messageType;
    private final int stringBound;
    private final Arity arity;
    private final int length;
    private final String defaultValue;
    final int scalarSlot;
    final int refSlot;
    final int viewSlot;

    Field(MessageType owner, String path, String name, FieldKind kind, MessageType messageType, int stringBound,
          Arity arity, int length, String defaultValue, int scalarSlot, int refSlot, int viewSlot) {
        this.owner = owner;
        this.path = path;
        this.name = name;
        this.kind = kind;
        this.messageType = messageType;
        this.stringBound = stringBound;
        this.arity = arity;
        this.length = length;
        this.defaultValue = defaultValue;
        this.scalarSlot = scalarSlot;
        this.refSlot = refSlot;
        this.viewSlot = viewSlot;
    }

    /** The same field seen from an enclosing type whose storage starts at the given slots. */
    Field relocate(MessageType newOwner, String prefix, int scalarBase, int refBase, int viewBase) {
        return new Field(newOwner, prefix + "." + path, name, kind, messageType, stringBound, arity, length,
                defaultValue, scalarSlot < 0 ? -1 : scalarSlot + scalarBase, refSlot < 0 ? -1 : refSlot + refBase,
                viewSlot < 0 ? -1 : viewSlot + viewBase);
    }

    /** The type this handle was resolved from; it applies to messages of exactly that type. */
    public MessageType owner() {
        return owner;
    }

    /** Dotted path from the owner, e.g. {@code "linear.x"}. */
    public String path() {
        return path;
    }

    /** The last path element, the field's own name. */
    public String name() {
        return name;
    }

    /** Element kind; for arrays and sequences the kind of each element. */
    public FieldKind kind() {
        return kind;
    }

    /** Nested type for {@link FieldKind#MESSAGE} fields, else null. */
    public MessageType messageType() {
        return messageType;
    }

    /** Maximum length in bytes of a {@code string<=N}, 0 when unbounded. */
    public int stringBound() {
        return stringBound;
    }

    public Arity arity() {
        return arity;
    }

    /** Fixed length of an array, bound of a bounded sequence, 0 for an unbounded sequence or a single value. */
    public int length() {
        return length;
    }

    /** Default literal from the definition, or null. */
    public String defaultValue() {
        return defaultValue;
    }

    /** True for one primitive value (not a string, not a message, not a collection). */
    public boolean isScalar() {
        return arity == Arity.SINGLE && kind.isPrimitive();
    }

    /** The {@code .msg} spelling of the type, e.g. {@code float32[]} or {@code geometry_msgs/msg/Vector3}. */
    public String typeSpelling() {
        String base = kind == FieldKind.MESSAGE ? messageType.name()
                : kind == FieldKind.STRING && stringBound > 0 ? "string<=" + stringBound : kind.rosName();
        return switch (arity) {
            case SINGLE -> base;
            case ARRAY -> base + "[" + length + "]";
            case SEQUENCE -> length > 0 ? base + "[<=" + length + "]" : base + "[]";
        };
    }

    @Override
    public String toString() {
        return owner.name() + "." + path + " (" + typeSpelling() + ")";
    }
}

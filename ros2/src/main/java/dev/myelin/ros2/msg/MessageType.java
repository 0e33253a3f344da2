package dev.myelin.ros2.msg;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A compiled message type: the definition turned into a storage layout for {@link Message}, the
 * CDR codec plan, the C layout Cyclone DDS expects for typed samples and the topic descriptor's
 * opcode program. Obtained from {@link MessageTypes}; adding a type is adding its definition.
 *
 * <p>Immutable and thread-safe.
 */
public final class MessageType {
    private final String name;
    private final MessageDefinition definition;
    final Field[] members;
    final int scalarCount;
    final int refCount;
    final int viewCount;
    /** Per member, the byte offset in the C struct. */
    final int[] cOffsets;
    final int cSize;
    final int cAlign;
    private final boolean fixedSize;
    private final Map<String, Field> paths = new ConcurrentHashMap<>();
    private volatile CycloneProgram program;

    MessageType(MessageDefinition definition, Map<String, MessageType> nestedTypes) {
        this.name = definition.name();
        this.definition = definition;
        List<MessageDefinition.FieldSpec> specs = definition.fields();
        this.members = new Field[specs.size()];
        this.cOffsets = new int[specs.size()];
        int s = 0;
        int r = 0;
        int v = 0;
        int offset = 0;
        int align = 1;
        boolean fixed = true;
        for (int i = 0; i < specs.size(); i++) {
            MessageDefinition.FieldSpec spec = specs.get(i);
            MessageType nested = spec.kind() == FieldKind.MESSAGE ? nestedTypes.get(spec.typeName()) : null;
            if (spec.kind() == FieldKind.MESSAGE && nested == null) {
                throw new IllegalStateException("unresolved nested type " + spec.typeName());
            }
            Field f;
            if (spec.arity() == Arity.SINGLE && spec.kind().isPrimitive()) {
                f = new Field(this, spec.name(), spec.name(), spec.kind(), null, 0, Arity.SINGLE, 0, spec.defaultValue(),
                        s++, -1, -1);
            } else if (spec.arity() == Arity.SINGLE && nested != null) {
                f = new Field(this, spec.name(), spec.name(), FieldKind.MESSAGE, nested, 0, Arity.SINGLE, 0, null,
                        s, r, v);
                s += nested.scalarCount;
                r += nested.refCount;
                v += 1 + nested.viewCount;
            } else {
                f = new Field(this, spec.name(), spec.name(), spec.kind(), nested, spec.stringBound(), spec.arity(),
                        spec.length(), spec.defaultValue(), -1, r++, -1);
            }
            members[i] = f;
            int memberAlign = cAlign(f);
            offset = alignUp(offset, memberAlign);
            cOffsets[i] = offset;
            offset += cSize(f);
            align = Math.max(align, memberAlign);
            fixed &= f.kind() != FieldKind.STRING && f.arity() != Arity.SEQUENCE
                    && (nested == null || nested.fixedSize);
        }
        this.scalarCount = s;
        this.refCount = r;
        this.viewCount = v;
        this.cAlign = align;
        this.cSize = alignUp(offset, align);
        this.fixedSize = fixed;
        for (Field f : members) {
            paths.put(f.name(), f);
        }
    }

    /** Full name, {@code pkg/msg/Name}. */
    public String name() {
        return name;
    }

    /** Package part of the name. */
    public String packageName() {
        return name.substring(0, name.indexOf('/'));
    }

    /** Name without package, e.g. {@code Twist}. */
    public String shortName() {
        return name.substring(name.lastIndexOf('/') + 1);
    }

    /**
     * The DDS type name ROS 2 middlewares use: {@code pkg::msg::dds_::Name_}, or for a service half
     * {@code pkg::srv::dds_::Name_Request_}.
     */
    public String ddsTypeName() {
        String kind = name.substring(name.indexOf('/') + 1, name.lastIndexOf('/'));
        return packageName() + "::" + kind + "::dds_::" + shortName() + "_";
    }

    public MessageDefinition definition() {
        return definition;
    }

    /** The type's own fields in declaration order (handles owned by this type). */
    public List<Field> fields() {
        return List.of(members);
    }

    /** Constants declared in the definition. */
    public List<MessageDefinition.Constant> constants() {
        return definition.constants();
    }

    /**
     * Resolves a dotted path through nested messages, e.g. {@code "twist.twist.linear.x"}.
     * Arrays and sequences end a path (reach their elements through {@link Message#primitives},
     * {@link Message#strings} or {@link Message#messages}).
     *
     * @throws IllegalArgumentException naming the first path element that does not exist
     */
    public Field field(String path) {
        Field cached = paths.get(path);
        if (cached != null) {
            return cached;
        }
        int dot = path.indexOf('.');
        if (dot < 0) {
            throw new IllegalArgumentException(name + " has no field '" + path + "' (fields: " + fieldNames() + ")");
        }
        String head = path.substring(0, dot);
        Field first = paths.get(head);
        if (first == null) {
            throw new IllegalArgumentException(name + " has no field '" + head + "' (fields: " + fieldNames() + ")");
        }
        if (first.kind() != FieldKind.MESSAGE || first.arity() != Arity.SINGLE) {
            throw new IllegalArgumentException("'" + head + "' of " + name + " is " + first.typeSpelling()
                    + "; a path can only continue through a single nested message");
        }
        Field inner = first.messageType().field(path.substring(dot + 1));
        Field resolved = inner.relocate(this, head, first.scalarSlot, first.refSlot, first.viewSlot + 1);
        paths.put(path, resolved);
        return resolved;
    }

    /** A new message of this type with every field at its default (zero, empty, or the definition's default). */
    public Message newMessage() {
        return new Message(this);
    }

    /** True when the type has neither strings nor sequences anywhere, so its size never changes. */
    public boolean isFixedSize() {
        return fixedSize;
    }

    /** {@code sizeof} the C struct Cyclone DDS reads and writes for this type. */
    public int cSize() {
        return cSize;
    }

    /** Alignment of the C struct. */
    public int cAlign() {
        return cAlign;
    }

    /** Byte offset of the named top-level field in the C struct. */
    public int cOffset(String fieldName) {
        for (int i = 0; i < members.length; i++) {
            if (members[i].name().equals(fieldName)) {
                return cOffsets[i];
            }
        }
        throw new IllegalArgumentException(name + " has no field '" + fieldName + "'");
    }

    /** Cyclone's serializer program for this type ({@code m_ops} of {@code dds_topic_descriptor_t}). */
    public int[] cycloneOps() {
        return program().ops().clone();
    }

    /** Number of instructions in {@link #cycloneOps()} ({@code m_nops}). */
    public int cycloneInstructionCount() {
        return program().instructions();
    }

    /** Cyclone topic descriptor flags ({@code m_flagset}): {@code DDS_TOPIC_FIXED_SIZE} or 0. */
    public int cycloneFlags() {
        return program().flags();
    }

    CycloneProgram program() {
        CycloneProgram p = program;
        if (p == null) {
            p = CycloneProgram.build(this);
            program = p;
        }
        return p;
    }

    /** Every message type this one contains, directly or not, in Cyclone's (and idlc's) depth-first order, itself first. */
    public List<MessageType> typeClosure() {
        List<MessageType> order = new ArrayList<>();
        collect(this, order);
        return Collections.unmodifiableList(order);
    }

    private static void collect(MessageType t, List<MessageType> order) {
        order.add(t);
        for (Field f : t.members) {
            if (f.kind() == FieldKind.MESSAGE && !order.contains(f.messageType())) {
                collect(f.messageType(), order);
            }
        }
    }

    private String fieldNames() {
        StringBuilder sb = new StringBuilder();
        for (Field f : members) {
            if (!sb.isEmpty()) {
                sb.append(", ");
            }
            sb.append(f.name());
        }
        return sb.toString();
    }

    // C layout (natural alignment, as the C compiler lays out idlc's structs)

    static int cElementSize(Field f) {
        return switch (f.kind()) {
            case STRING -> f.stringBound() > 0 ? f.stringBound() + 1 : 8;
            case MESSAGE -> f.messageType().cSize;
            default -> f.kind().size();
        };
    }

    static int cElementAlign(Field f) {
        return switch (f.kind()) {
            case STRING -> f.stringBound() > 0 ? 1 : 8;
            case MESSAGE -> f.messageType().cAlign;
            default -> f.kind().size();
        };
    }

    /** {@code dds_sequence_t}: {@code uint32 _maximum, uint32 _length, void *_buffer, bool _release}. */
    static final int C_SEQUENCE_SIZE = 24;

    private static int cSize(Field f) {
        return switch (f.arity()) {
            case SINGLE -> cElementSize(f);
            case ARRAY -> cElementSize(f) * f.length();
            case SEQUENCE -> C_SEQUENCE_SIZE;
        };
    }

    private static int cAlign(Field f) {
        return f.arity() == Arity.SEQUENCE ? 8 : cElementAlign(f);
    }

    static int alignUp(int value, int align) {
        return (value + align - 1) & -align;
    }

    @Override
    public String toString() {
        return name;
    }
}

package dev.myelin.ros2.msg;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The opcode program of a Cyclone DDS topic descriptor ({@code dds/ddsc/dds_opcodes.h}), built the
 * way Cyclone's {@code idlc} builds it for the equivalent IDL: one block per struct type, the
 * top-level type first and nested types in depth-first order of first use, each block a list of
 * {@code ADR} instructions ending in {@code RTS}; nested structs are reached by relative jumps
 * ({@code EXT} for a member, {@code elem-insn} for array and sequence elements).
 */
record CycloneProgram(int[] ops, int instructions, int flags) {
    static final int OP_RTS = 0x00 << 24;
    static final int OP_ADR = 0x01 << 24;

    static final int VAL_1BY = 0x01;
    static final int VAL_2BY = 0x02;
    static final int VAL_4BY = 0x03;
    static final int VAL_8BY = 0x04;
    static final int VAL_STR = 0x05;
    static final int VAL_BST = 0x06;
    static final int VAL_SEQ = 0x07;
    static final int VAL_ARR = 0x08;
    static final int VAL_STU = 0x0a;
    static final int VAL_BSQ = 0x0b;
    static final int VAL_EXT = 0x0d;
    static final int VAL_BLN = 0x0e;

    static final int FLAG_FP = 1 << 1;
    static final int FLAG_SGN = 1 << 2;

    /** {@code DDS_TOPIC_FIXED_SIZE}. */
    static final int TOPIC_FIXED_SIZE = 1 << 4;

    static CycloneProgram build(MessageType root) {
        List<MessageType> order = root.typeClosure();
        Map<MessageType, Integer> start = new HashMap<>();
        int pc = 0;
        int instructions = 0;
        for (MessageType t : order) {
            start.put(t, pc);
            for (Field f : t.members) {
                pc += instructionLength(f);
            }
            pc += 1; // RTS
            instructions += t.members.length + 1;
        }
        int[] ops = new int[pc];
        int at = 0;
        for (MessageType t : order) {
            for (int i = 0; i < t.members.length; i++) {
                at = emit(ops, at, t.members[i], t.cOffsets[i], start);
            }
            ops[at++] = OP_RTS;
        }
        return new CycloneProgram(ops, instructions, root.isFixedSize() ? TOPIC_FIXED_SIZE : 0);
    }

    private static int instructionLength(Field f) {
        boolean bst = f.kind() == FieldKind.STRING && f.stringBound() > 0;
        boolean stu = f.kind() == FieldKind.MESSAGE;
        boolean bounded = f.arity() == Arity.SEQUENCE && f.length() > 0;
        return switch (f.arity()) {
            case SINGLE -> stu || bst ? 3 : 2;
            case ARRAY -> stu || bst ? 5 : 3;
            case SEQUENCE -> (stu ? 4 : bst ? 3 : 2) + (bounded ? 1 : 0);
        };
    }

    private static int emit(int[] ops, int pc, Field f, int offset, Map<MessageType, Integer> start) {
        int code = elementCode(f);
        int flags = f.kind().isFloatingPoint() ? FLAG_FP : f.kind().isInteger() && f.kind().isSigned() ? FLAG_SGN : 0;
        int jump = f.kind() == FieldKind.MESSAGE ? start.get(f.messageType()) - pc : 0;
        int at = pc;
        switch (f.arity()) {
            case SINGLE -> {
                if (f.kind() == FieldKind.MESSAGE) {
                    ops[at++] = OP_ADR | VAL_EXT << 16;
                    ops[at++] = offset;
                    ops[at++] = 3 << 16 | (jump & 0xffff); // the jump is a signed 16-bit offset: backward for a type laid out earlier
                } else {
                    ops[at++] = OP_ADR | code << 16 | flags;
                    ops[at++] = offset;
                    if (code == VAL_BST) {
                        ops[at++] = f.stringBound() + 1;
                    }
                }
            }
            case ARRAY -> {
                ops[at++] = OP_ADR | VAL_ARR << 16 | code << 8 | flags;
                ops[at++] = offset;
                ops[at++] = f.length();
                if (code == VAL_BST) {
                    ops[at++] = 0;
                    ops[at++] = f.stringBound() + 1;
                } else if (code == VAL_STU) {
                    ops[at++] = 5 << 16 | (jump & 0xffff);
                    ops[at++] = MessageType.cElementSize(f);
                }
            }
            case SEQUENCE -> {
                boolean bounded = f.length() > 0;
                ops[at++] = OP_ADR | (bounded ? VAL_BSQ : VAL_SEQ) << 16 | code << 8 | flags;
                ops[at++] = offset;
                if (bounded) {
                    ops[at++] = f.length();
                }
                if (code == VAL_BST) {
                    ops[at++] = f.stringBound() + 1;
                } else if (code == VAL_STU) {
                    ops[at++] = MessageType.cElementSize(f);
                    ops[at++] = (bounded ? 5 : 4) << 16 | (jump & 0xffff);
                }
            }
        }
        return at;
    }

    private static int elementCode(Field f) {
        return switch (f.kind()) {
            case BOOL -> VAL_BLN;
            case STRING -> f.stringBound() > 0 ? VAL_BST : VAL_STR;
            case MESSAGE -> VAL_STU;
            default -> switch (f.kind().size()) {
                case 1 -> VAL_1BY;
                case 2 -> VAL_2BY;
                case 4 -> VAL_4BY;
                default -> VAL_8BY;
            };
        };
    }
}

package dev.myelin.ros2.msg;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * IDL for message types as rosidl would write it for DDS ({@code module pkg { module msg {
 * module dds_ { struct Name_ ... }}}}), every type after the types it uses. Tests feed it to
 * Cyclone's {@code idlc} to get an independent opcode program and C layout.
 */
final class IdlFromDefinitions {
    private IdlFromDefinitions() {
    }

    static String idl(List<MessageType> roots) {
        Set<MessageType> ordered = new LinkedHashSet<>();
        for (MessageType t : roots) {
            postOrder(t, ordered);
        }
        StringBuilder sb = new StringBuilder();
        for (MessageType t : ordered) {
            sb.append("module ").append(t.packageName()).append(" { module msg { module dds_ {\n");
            sb.append("  struct ").append(t.shortName()).append("_ {\n");
            for (Field f : t.fields()) {
                sb.append("    ").append(member(f)).append(";\n");
            }
            sb.append("  };\n}; }; };\n");
        }
        return sb.toString();
    }

    static String cName(MessageType t) {
        return t.packageName() + "_msg_dds__" + t.shortName() + "_";
    }

    private static void postOrder(MessageType t, Set<MessageType> out) {
        if (out.contains(t)) {
            return;
        }
        for (Field f : t.fields()) {
            if (f.kind() == FieldKind.MESSAGE) {
                postOrder(f.messageType(), out);
            }
        }
        out.add(t);
    }

    private static String member(Field f) {
        String element = switch (f.kind()) {
            case BOOL -> "boolean";
            case BYTE -> "octet";
            case CHAR, UINT8 -> "uint8";
            case INT8 -> "int8";
            case INT16 -> "int16";
            case UINT16 -> "uint16";
            case INT32 -> "int32";
            case UINT32 -> "uint32";
            case INT64 -> "int64";
            case UINT64 -> "uint64";
            case FLOAT32 -> "float";
            case FLOAT64 -> "double";
            case STRING -> f.stringBound() > 0 ? "string<" + f.stringBound() + ">" : "string";
            case MESSAGE -> f.messageType().packageName() + "::msg::dds_::" + f.messageType().shortName() + "_";
        };
        return switch (f.arity()) {
            case SINGLE -> element + " " + f.name();
            case ARRAY -> element + " " + f.name() + "[" + f.length() + "]";
            case SEQUENCE -> "sequence<" + element + (f.length() > 0 ? ", " + f.length() : "") + " > " + f.name();
        };
    }

    /** A C program printing, for each type, size, alignment, flags, type name and opcodes of idlc's descriptor. */
    static String printer(List<MessageType> types, String header) {
        List<String> lines = new ArrayList<>();
        lines.add("#include <stdio.h>");
        lines.add("#include \"dds/ddsi/ddsi_cdrstream.h\"");
        lines.add("#include \"" + header + "\"");
        lines.add("static void dump(const char *name, const dds_topic_descriptor_t *d) {");
        lines.add("  printf(\"TYPE %s %u %u %u %s %u\", name, d->m_size, d->m_align, d->m_flagset, d->m_typename, d->m_nops);");
        lines.add("  uint32_t words = dds_stream_countops(d->m_ops, d->m_nkeys, d->m_keys);");
        lines.add("  for (uint32_t i = 0; i < words; i++)");
        lines.add("    printf(\" %u\", d->m_ops[i]);");
        lines.add("  printf(\"\\n\");");
        lines.add("}");
        lines.add("int main(void) {");
        for (MessageType t : types) {
            lines.add("  dump(\"" + t.name() + "\", &" + cName(t) + "_desc);");
        }
        lines.add("  return 0;");
        lines.add("}");
        return String.join("\n", lines) + "\n";
    }
}

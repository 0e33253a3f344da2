package dev.myelin.ros2;

import dev.myelin.ros2.dds.Cyclone;
import dev.myelin.ros2.msg.MessageType;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Native {@code dds_topic_descriptor_t}s built at run time from message types: C size and
 * alignment, flags, the DDS type name and the opcode program. Built once per type and kept for
 * the life of the JVM, because Cyclone may refer to a descriptor for as long as any topic of that
 * type exists in any domain of the process.
 */
final class TopicDescriptors {
    private static final Map<MessageType, MemorySegment> DESCRIPTORS = new ConcurrentHashMap<>();

    private TopicDescriptors() {
    }

    static MemorySegment of(MessageType type) {
        return DESCRIPTORS.computeIfAbsent(type, TopicDescriptors::build);
    }

    private static MemorySegment build(MessageType type) {
        Arena arena = Arena.global();
        int[] ops = type.cycloneOps();
        MemorySegment opsSegment = arena.allocate(ValueLayout.JAVA_INT, ops.length);
        MemorySegment.copy(ops, 0, opsSegment, ValueLayout.JAVA_INT, 0, ops.length);
        MemorySegment typeName = arena.allocateFrom(type.ddsTypeName());
        MemorySegment meta = arena.allocateFrom("");
        MemorySegment d = arena.allocate(Cyclone.DESCRIPTOR_SIZE, 8); // zeroed: no keys, no type information
        d.set(ValueLayout.JAVA_INT, Cyclone.DESCRIPTOR_M_SIZE, type.cSize());
        d.set(ValueLayout.JAVA_INT, Cyclone.DESCRIPTOR_M_ALIGN, type.cAlign());
        d.set(ValueLayout.JAVA_INT, Cyclone.DESCRIPTOR_M_FLAGSET, type.cycloneFlags());
        d.set(ValueLayout.JAVA_INT, Cyclone.DESCRIPTOR_M_NKEYS, 0);
        d.set(ValueLayout.ADDRESS, Cyclone.DESCRIPTOR_M_TYPENAME, typeName);
        d.set(ValueLayout.ADDRESS, Cyclone.DESCRIPTOR_M_KEYS, MemorySegment.NULL);
        d.set(ValueLayout.JAVA_INT, Cyclone.DESCRIPTOR_M_NOPS, type.cycloneInstructionCount());
        d.set(ValueLayout.ADDRESS, Cyclone.DESCRIPTOR_M_OPS, opsSegment);
        d.set(ValueLayout.ADDRESS, Cyclone.DESCRIPTOR_M_META, meta);
        return d;
    }
}

package dev.myelin.ros2.graph;

import java.util.List;

/**
 * One node as a participant announces it: namespace, name and the GIDs of its readers and
 * writers ({@code rmw_dds_common/msg/NodeEntitiesInfo}).
 */
public record NodeEntities(String namespace, String name, List<Gid> readers, List<Gid> writers) {
    public NodeEntities {
        readers = List.copyOf(readers);
        writers = List.copyOf(writers);
    }

    /** {@code /ns/name}, or {@code /name} in the root namespace. */
    public String fullyQualifiedName() {
        return (namespace.equals("/") || namespace.isEmpty() ? "" : namespace) + "/" + name;
    }
}

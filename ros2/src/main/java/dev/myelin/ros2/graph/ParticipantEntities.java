package dev.myelin.ros2.graph;

import java.util.List;

/** A participant's announcement: its GID and its nodes ({@code rmw_dds_common/msg/ParticipantEntitiesInfo}). */
public record ParticipantEntities(Gid gid, List<NodeEntities> nodes) {
    public ParticipantEntities {
        nodes = List.copyOf(nodes);
    }
}

package dev.myelin.ros2.graph;

import dev.myelin.ros2.msg.Field;
import dev.myelin.ros2.msg.Message;
import dev.myelin.ros2.msg.MessageArray;
import dev.myelin.ros2.msg.MessageType;
import dev.myelin.ros2.msg.MessageTypes;

import java.util.ArrayList;
import java.util.List;

/**
 * The {@code ros_discovery_info} topic: its DDS name, its QoS, and the conversion between
 * {@link ParticipantEntities} and the {@code rmw_dds_common/msg/ParticipantEntitiesInfo} message
 * in one GID layout. The message types come from the shipped definitions; Humble's layout
 * redefines {@code Gid} as {@code char[24]} in a registry of its own.
 */
public final class DiscoveryInfo {
    /** DDS topic name, without the {@code rt/} prefix ROS topics get. */
    public static final String TOPIC = "ros_discovery_info";
    /** ROS type name. */
    public static final String TYPE = "rmw_dds_common/msg/ParticipantEntitiesInfo";
    /** Longest node name or namespace the message takes. */
    public static final int NAME_BOUND = 256;

    private final GidLayout layout;
    private final MessageType type;
    private final Field gid;
    private final Field nodes;
    private final Field namespace;
    private final Field name;
    private final Field readers;
    private final Field writers;
    private final Field gidData;

    /** The types of {@code layout}, taken from {@code types} for {@link GidLayout#IRON}. */
    public DiscoveryInfo(GidLayout layout, MessageTypes types) {
        this.layout = layout;
        MessageTypes registry = types;
        if (layout == GidLayout.HUMBLE) {
            registry = new MessageTypes();
            registry.define("rmw_dds_common/msg/Gid", "char[24] data\n");
        }
        this.type = registry.get(TYPE);
        this.gid = type.field("gid");
        this.nodes = type.field("node_entities_info_seq");
        MessageType node = nodes.messageType();
        this.namespace = node.field("node_namespace");
        this.name = node.field("node_name");
        this.readers = node.field("reader_gid_seq");
        this.writers = node.field("writer_gid_seq");
        this.gidData = gid.messageType().field("data");
        if (gidData.length() != layout.size()) {
            throw new IllegalStateException("rmw_dds_common/msg/Gid holds " + gidData.length() + " bytes, not the "
                    + layout.size() + " of the " + layout + " layout");
        }
    }

    public GidLayout layout() {
        return layout;
    }

    /** {@code rmw_dds_common/msg/ParticipantEntitiesInfo} in this layout. */
    public MessageType type() {
        return type;
    }

    /** Writes {@code info} into {@code into} (a message of {@link #type()}). */
    public void write(ParticipantEntities info, Message into) {
        into.clear();
        setGid(into.child(gid), info.gid());
        MessageArray seq = into.messages(nodes);
        seq.resize(info.nodes().size());
        for (int i = 0; i < info.nodes().size(); i++) {
            NodeEntities n = info.nodes().get(i);
            Message m = seq.get(i);
            m.setString(namespace, n.namespace());
            m.setString(name, n.name());
            setGids(m.messages(readers), n.readers());
            setGids(m.messages(writers), n.writers());
        }
    }

    /** Reads a received message. */
    public ParticipantEntities read(Message m) {
        List<NodeEntities> list = new ArrayList<>();
        MessageArray seq = m.messages(nodes);
        for (int i = 0; i < seq.size(); i++) {
            Message n = seq.get(i);
            list.add(new NodeEntities(n.getString(namespace), n.getString(name), gids(n.messages(readers)),
                    gids(n.messages(writers))));
        }
        return new ParticipantEntities(gidOf(m.child(gid)), list);
    }

    private void setGids(MessageArray array, List<Gid> values) {
        array.resize(values.size());
        for (int i = 0; i < values.size(); i++) {
            setGid(array.get(i), values.get(i));
        }
    }

    private void setGid(Message m, Gid value) {
        byte[] bytes = value.bytes(layout);
        System.arraycopy(bytes, 0, m.primitives(gidData).byteArray(), 0, bytes.length);
    }

    private List<Gid> gids(MessageArray array) {
        List<Gid> out = new ArrayList<>(array.size());
        for (int i = 0; i < array.size(); i++) {
            out.add(gidOf(array.get(i)));
        }
        return out;
    }

    private Gid gidOf(Message m) {
        return Gid.of(m.primitives(gidData).byteArray());
    }
}

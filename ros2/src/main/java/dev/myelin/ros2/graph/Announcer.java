package dev.myelin.ros2.graph;

import dev.myelin.ros2.dds.Cyclone;
import dev.myelin.ros2.dds.DdsException;
import dev.myelin.ros2.msg.CLayoutWriter;
import dev.myelin.ros2.msg.Message;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A participant's entry in the ROS graph: the registry of its nodes and of every reader and writer
 * each node created, published whole on {@code ros_discovery_info} after every change (a new
 * sample replaces the previous one for this participant; the writer is reliable, transient-local,
 * keep-last 1, so late joiners get the current list). Nodes are kept in creation order, endpoints
 * in the order they were added.
 *
 * <p>Thread-safe; changes are published under the registry's lock, so samples never go out of order.
 */
public final class Announcer {
    private static final class Entry {
        final String namespace;
        final String name;
        final Set<Gid> readers = new LinkedHashSet<>();
        final Set<Gid> writers = new LinkedHashSet<>();

        Entry(String namespace, String name) {
            this.namespace = namespace;
            this.name = name;
        }
    }

    /** Keep-last depth of the announcement writer. */
    public static final int QOS_DEPTH = 1;

    private final Gid participant;
    private final int writer;
    private final DiscoveryInfo info;
    private final CLayoutWriter layout;
    private final Message message;
    private final Map<Object, Entry> nodes = new LinkedHashMap<>();
    private long published;
    private boolean closed;

    /**
     * @param participant the participant's GID
     * @param writer a writer on {@link DiscoveryInfo#TOPIC} with {@link #QOS_DEPTH} and the QoS above
     * @param info the message layout
     */
    public Announcer(Gid participant, int writer, DiscoveryInfo info) {
        this.participant = participant;
        this.writer = writer;
        this.info = info;
        this.layout = new CLayoutWriter(info.type());
        this.message = info.type().newMessage();
    }

    /** Adds a node (any object identifies it) and publishes. */
    public synchronized void addNode(Object node, String namespace, String name) {
        if (name.length() > DiscoveryInfo.NAME_BOUND || namespace.length() > DiscoveryInfo.NAME_BOUND) {
            throw new IllegalArgumentException("node " + namespace + "/" + name + ": names and namespaces of more than "
                    + DiscoveryInfo.NAME_BOUND + " characters cannot be announced");
        }
        nodes.put(node, new Entry(namespace, name));
        publish();
    }

    /** Removes a node and its endpoints, and publishes. */
    public synchronized void removeNode(Object node) {
        if (nodes.remove(node) != null) {
            publish();
        }
    }

    /** Records a reader ({@code writer == false}) or writer of {@code node} and publishes. */
    public synchronized void addEndpoint(Object node, Gid gid, boolean isWriter) {
        Entry e = nodes.get(node);
        if (e == null) {
            throw new IllegalStateException("endpoint " + gid + " added for a node that is not registered");
        }
        if ((isWriter ? e.writers : e.readers).add(gid)) {
            publish();
        }
    }

    /** Forgets a reader or writer of {@code node} and publishes. */
    public synchronized void removeEndpoint(Object node, Gid gid) {
        Entry e = nodes.get(node);
        if (e != null && (e.readers.remove(gid) | e.writers.remove(gid))) {
            publish();
        }
    }

    /** What is announced now. */
    public synchronized ParticipantEntities current() {
        List<NodeEntities> list = new ArrayList<>();
        for (Entry e : nodes.values()) {
            list.add(new NodeEntities(e.namespace, e.name, new ArrayList<>(e.readers), new ArrayList<>(e.writers)));
        }
        return new ParticipantEntities(participant, list);
    }

    /** Samples written so far. */
    public synchronized long publishedCount() {
        return published;
    }

    /** Stops publishing (the writer is deleted with the participant). */
    public synchronized void close() {
        closed = true;
    }

    private void publish() {
        if (closed) {
            return;
        }
        info.write(current(), message);
        int rc = Cyclone.write(writer, layout.write(message));
        if (rc < 0) {
            throw new DdsException("dds_write on " + DiscoveryInfo.TOPIC, rc, Cyclone.retcodeText(rc));
        }
        published++;
    }
}

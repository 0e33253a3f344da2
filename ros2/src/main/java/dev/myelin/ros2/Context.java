package dev.myelin.ros2;

import dev.myelin.ros2.dds.Cyclone;
import dev.myelin.ros2.dds.CycloneLibrary;
import dev.myelin.ros2.graph.Announcer;
import dev.myelin.ros2.graph.DiscoveryInfo;
import dev.myelin.ros2.graph.Gid;
import dev.myelin.ros2.graph.GidLayout;
import dev.myelin.ros2.graph.NodeGraph;
import dev.myelin.ros2.graph.ParticipantEntities;
import dev.myelin.ros2.graph.UserData;
import dev.myelin.ros2.msg.MessageType;
import dev.myelin.ros2.msg.MessageTypes;
import dev.myelin.ros2.msg.TypeHash;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One DDS domain participant and everything shared by the nodes created from it: the domain id,
 * loopback-only mode, the message types, global remapping rules, the executor thread that
 * delivers samples, and the graph view. Defaults come from the environment the way ROS 2 reads
 * it: {@code ROS_DOMAIN_ID} (default 0), loopback-only when {@code ROS_LOCALHOST_ONLY=1} or
 * {@code ROS_AUTOMATIC_DISCOVERY_RANGE} is {@code LOCALHOST} (or {@code OFF}).
 *
 * <p>The participant carries {@code enclave=/;} in its USER_DATA and announces its nodes and their
 * readers and writers on {@code ros_discovery_info} ({@link Announcer}), so that ROS 2 tools list
 * them; {@link #nodeGraph()} reads every participant's announcement.
 *
 * <p>Closing the context (or the JVM exiting) deletes every native entity it created.
 * Thread-safe.
 */
public final class Context implements AutoCloseable {
    /** Highest domain id whose DDSI port numbers still fit in 16 bits (7400 + 250 d + 10 + 2 i). */
    public static final int MAX_DOMAIN_ID = 232;

    private record TopicEntry(int handle, MessageType type) {
    }

    private final int domainId;
    private final boolean localhostOnly;
    private final MessageTypes types;
    private final Remapping remapping;
    private final boolean parameterServices;
    private final int participant;
    private final Map<String, TopicEntry> topics = new HashMap<>();
    private final List<Node> nodes = new ArrayList<>();
    private final Thread shutdownHook;
    private final DiscoveryInfo discoveryInfo;
    private final Gid participantGid;
    private final Announcer announcer;
    private Executor executor;
    private Graph graph;
    private NodeGraph nodeGraph;
    private volatile boolean closed;

    private Context(Builder b) {
        CycloneLibrary.lookup(); // a clear error when Cyclone is missing, before anything else
        this.domainId = b.domainId;
        this.localhostOnly = b.localhostOnly;
        this.types = b.types;
        this.remapping = b.remapping;
        this.parameterServices = b.parameterServices;
        Domains.acquire(domainId, localhostOnly);
        MemorySegment participantQos = Cyclone.createQos();
        try {
            Cyclone.setUserData(participantQos, UserData.participant(UserData.DEFAULT_ENCLAVE).getBytes(StandardCharsets.US_ASCII));
            this.participant = Cyclone.createParticipant(domainId, participantQos);
        } catch (RuntimeException e) {
            Domains.release(domainId);
            throw e;
        } finally {
            Cyclone.deleteQos(participantQos);
        }
        try {
            this.discoveryInfo = new DiscoveryInfo(b.gidLayout, types);
            this.participantGid = gidOf(participant);
            int writer = createDiscoveryEndpoint(true);
            this.announcer = new Announcer(participantGid, writer, discoveryInfo);
        } catch (RuntimeException e) {
            Cyclone.delete(participant);
            Domains.release(domainId);
            throw e;
        }
        this.shutdownHook = Thread.ofPlatform().unstarted(this::close);
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /** A builder with the environment's defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** A context configured from the environment only. */
    public static Context fromEnvironment() {
        return builder().build();
    }

    public int domainId() {
        return domainId;
    }

    public boolean isLocalhostOnly() {
        return localhostOnly;
    }

    public MessageTypes messageTypes() {
        return types;
    }

    public Remapping remapping() {
        return remapping;
    }

    /** A node in namespace {@code /}. */
    public Node createNode(String name) {
        return createNode(name, "/");
    }

    /** A node; the context's remapping rules apply to it. */
    public Node createNode(String name, String namespace) {
        return createNode(name, namespace, Remapping.none());
    }

    /** A node with extra remapping rules, checked before the context's. */
    public Node createNode(String name, String namespace, Remapping rules) {
        checkOpen();
        return started(register(new Node(this, false, name, namespace, rules.with(remapping))));
    }

    /** Whether nodes serve the parameter services from creation (see {@link Builder#parameterServices}). */
    public boolean parameterServices() {
        return parameterServices;
    }

    Node started(Node node) {
        if (parameterServices) {
            try {
                node.serveParameters(dev.myelin.ros2.param.ParameterStore.none());
            } catch (RuntimeException e) {
                node.close();
                throw e;
            }
        }
        return node;
    }

    /** Discovered ROS topics, publishers and subscriptions on this domain (local ones included). */
    public synchronized Graph graph() {
        checkOpen();
        if (graph == null) {
            graph = new Graph(participant);
        }
        return graph;
    }

    /**
     * Nodes announced on the domain ({@code ros2 node list/info}), this context's included. Reads
     * announcements in this context's GID layout.
     */
    public synchronized NodeGraph nodeGraph() {
        checkOpen();
        if (nodeGraph == null) {
            Graph g = graph();
            nodeGraph = new NodeGraph(discoveryInfo, createDiscoveryEndpoint(false),
                    Cyclone.createReader(participant, Cyclone.BUILTIN_TOPIC_DCPSPARTICIPANT, MemorySegment.NULL),
                    g::ddsEndpoints);
        }
        return nodeGraph;
    }

    /** The participant's GID (its DDS GUID). */
    public Gid participantGid() {
        return participantGid;
    }

    /** The GID layout of this context's {@code ros_discovery_info}. */
    public GidLayout gidLayout() {
        return discoveryInfo.layout();
    }

    /** What this participant announces now on {@code ros_discovery_info}. */
    public ParticipantEntities announcement() {
        return announcer.current();
    }

    /** Writer (reliable, transient-local, keep-last 1) or reader (same, keep-all) on {@code ros_discovery_info}. */
    private int createDiscoveryEndpoint(boolean writer) {
        MemorySegment q = Cyclone.createQos();
        try {
            Cyclone.setReliability(q, Cyclone.RELIABILITY_RELIABLE, 100_000_000L);
            Cyclone.setDurability(q, Cyclone.DURABILITY_TRANSIENT_LOCAL);
            Cyclone.setHistory(q, writer ? Cyclone.HISTORY_KEEP_LAST : Cyclone.HISTORY_KEEP_ALL, Announcer.QOS_DEPTH);
            Cyclone.setUserData(q, TypeHash.userDataEntry(TypeHash.of(discoveryInfo.type())).getBytes(StandardCharsets.US_ASCII));
            int topic = ddsTopic(DiscoveryInfo.TOPIC, discoveryInfo.type());
            return writer ? Cyclone.createWriter(participant, topic, q) : Cyclone.createReader(participant, topic, q);
        } finally {
            Cyclone.deleteQos(q);
        }
    }

    static Gid gidOf(int entity) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment guid = arena.allocate(16);
            Cyclone.getGuid(entity, guid);
            return Gid.of(guid.toArray(java.lang.foreign.ValueLayout.JAVA_BYTE));
        }
    }

    synchronized Node register(Node node) {
        checkOpen();
        announcer.addNode(node, node.namespace(), node.name());
        nodes.add(node);
        return node;
    }

    synchronized void forget(Node node) {
        nodes.remove(node);
        if (!closed) {
            announcer.removeNode(node);
        }
    }

    /** Records a reader or writer of {@code node} in the announcement. */
    void announceEndpoint(Node node, Gid gid, boolean writer) {
        announcer.addEndpoint(node, gid, writer);
    }

    /** Removes a reader or writer of {@code node} from the announcement. */
    void withdrawEndpoint(Node node, Gid gid) {
        if (!closed) {
            announcer.removeEndpoint(node, gid);
        }
    }

    int participant() {
        return participant;
    }

    /** The DDS topic entity for a ROS topic, created on first use; one type per topic. */
    synchronized int topic(String fullyQualifiedName, MessageType type) {
        return ddsTopic(TopicNames.toDds(fullyQualifiedName), type);
    }

    /** The DDS topic entity named {@code ddsName} as is ({@code rt/x}, {@code rq/xRequest}), created on first use; one type per topic. */
    synchronized int ddsTopic(String ddsName, MessageType type) {
        checkOpen();
        TopicEntry entry = topics.get(ddsName);
        if (entry != null) {
            if (entry.type() != type) {
                throw new IllegalArgumentException("DDS topic " + ddsName + " is already used with type "
                        + entry.type() + " in this context, not " + type);
            }
            return entry.handle();
        }
        int handle = Cyclone.createTopic(participant, TopicDescriptors.of(type), ddsName);
        topics.put(ddsName, new TopicEntry(handle, type));
        return handle;
    }

    synchronized void attach(Subscription subscription) {
        checkOpen();
        if (executor == null) {
            executor = new Executor(participant, "myelin-ros2-executor-d" + domainId);
        }
        executor.add(subscription, subscription.readCondition());
    }

    void detach(Subscription subscription) {
        Executor e;
        synchronized (this) {
            e = executor;
        }
        if (e != null && !closed) {
            e.remove(subscription, subscription.readCondition());
        }
    }

    void checkOpen() {
        if (closed) {
            throw new IllegalStateException("ROS 2 context on domain " + domainId + " is closed");
        }
    }

    /** Closes every node, stops the executor and deletes the participant. Idempotent; any thread. */
    @Override
    public void close() {
        List<Node> open;
        Executor e;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            open = new ArrayList<>(nodes);
            e = executor;
        }
        if (e != null) {
            e.close();
        }
        announcer.close();
        for (Node n : open) {
            n.close();
        }
        Cyclone.delete(participant); // deletes topics, readers, writers and conditions still left
        Domains.release(domainId);
        if (Thread.currentThread() != shutdownHook) {
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException shuttingDown) {
                // the JVM is already exiting; the hook has run or will find the context closed
            }
        }
    }

    @Override
    public String toString() {
        return "Context[domain " + domainId + (localhostOnly ? ", loopback only" : "") + "]";
    }

    /** The participant's GUID (16 bytes: 12-byte prefix, 4-byte entity id). */
    public byte[] participantGuidBytes() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment guid = arena.allocate(16);
            Cyclone.getGuid(participant, guid);
            return guid.toArray(java.lang.foreign.ValueLayout.JAVA_BYTE);
        }
    }

    /** The participant's GUID as 32 hex digits. */
    String participantGuid() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment guid = arena.allocate(16);
            Cyclone.getGuid(participant, guid);
            return Graph.hex(guid);
        }
    }

    /**
     * Configuration of a {@link Context}. Starts from the environment; setters override it;
     * {@link #build()} validates and opens the participant.
     */
    public static final class Builder {
        private int domainId;
        private boolean localhostOnly;
        private MessageTypes types = MessageTypes.standard();
        private Remapping remapping = Remapping.none();
        private String domainSource = "default";
        private GidLayout gidLayout = GidLayout.IRON;
        private boolean parameterServices = true;

        private Builder() {
            String env = System.getenv("ROS_DOMAIN_ID");
            if (env != null && !env.isBlank()) {
                try {
                    domainId = Integer.parseInt(env.strip());
                    domainSource = "ROS_DOMAIN_ID";
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("ROS_DOMAIN_ID='" + env + "' is not a number");
                }
            }
            String range = System.getenv("ROS_AUTOMATIC_DISCOVERY_RANGE");
            localhostOnly = "1".equals(System.getenv("ROS_LOCALHOST_ONLY"))
                    || (range != null && (range.equalsIgnoreCase("LOCALHOST") || range.equalsIgnoreCase("OFF")));
        }

        public Builder domainId(int id) {
            this.domainId = id;
            this.domainSource = "domainId()";
            return this;
        }

        /** GID size on {@code ros_discovery_info}: {@link GidLayout#IRON} (default) or Humble's 24 bytes. */
        public Builder gidLayout(GidLayout layout) {
            this.gidLayout = Objects.requireNonNull(layout, "gidLayout");
            return this;
        }

        public Builder localhostOnly(boolean value) {
            this.localhostOnly = value;
            return this;
        }

        /**
         * Whether every node serves the six rcl_interfaces parameter services and publishes
         * {@code /parameter_events} from creation, as rclcpp nodes do (default true; a node without
         * declared parameters serves an empty list). Short-lived tool nodes may turn it off.
         */
        public Builder parameterServices(boolean value) {
            this.parameterServices = value;
            return this;
        }

        public Builder messageTypes(MessageTypes registry) {
            this.types = Objects.requireNonNull(registry, "messageTypes");
            return this;
        }

        /** Adds global remapping rules ({@code from:=to}). */
        public Builder remap(String... rules) {
            this.remapping = remapping.with(Remapping.parse(List.of(rules)));
            return this;
        }

        /**
         * Reads ROS command-line arguments: after {@code --ros-args}, {@code -r/--remap from:=to};
         * everything else is ignored. Rules before {@code --ros-args} are not considered.
         */
        public Builder arguments(String... args) {
            List<String> rules = new ArrayList<>();
            boolean ros = false;
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                if (a.equals("--ros-args")) {
                    ros = true;
                } else if (a.equals("--")) {
                    ros = false;
                } else if (ros && (a.equals("-r") || a.equals("--remap"))) {
                    if (i + 1 >= args.length) {
                        throw new IllegalArgumentException(a + " needs a rule from:=to");
                    }
                    rules.add(args[++i]);
                }
            }
            this.remapping = remapping.with(Remapping.parse(rules));
            return this;
        }

        /**
         * Opens the participant.
         *
         * @throws IllegalArgumentException for a domain id outside 0..{@value #MAX_DOMAIN_ID}
         * @throws dev.myelin.ros2.dds.DdsUnavailableException when the Cyclone library is missing
         * @throws dev.myelin.ros2.dds.DdsException when Cyclone refuses the participant
         */
        public Context build() {
            if (domainId < 0 || domainId > MAX_DOMAIN_ID) {
                throw new IllegalArgumentException("domain id " + domainId + " (from " + domainSource
                        + ") is outside 0.." + MAX_DOMAIN_ID);
            }
            return new Context(this);
        }
    }
}

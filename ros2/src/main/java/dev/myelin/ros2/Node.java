package dev.myelin.ros2;

import dev.myelin.ros2.dds.Cyclone;
import dev.myelin.ros2.msg.MessageType;

import dev.myelin.ros2.graph.Gid;
import dev.myelin.ros2.msg.TypeHash;

import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A ROS node: a name and namespace under which topics are resolved (relative names go under the
 * namespace, {@code ~/x} under the node, remapping rules apply), and the owner of the publishers
 * and subscriptions it creates. Nodes of one {@link Context} share its DDS participant.
 *
 * <pre>{@code
 * try (Node node = Node.builder("controller").namespace("/robot1").localhostOnly(true).build()) {
 *     MessageType twist = node.messageType("geometry_msgs/msg/Twist");
 *     Publisher cmd = node.createPublisher("cmd_vel", twist, Qos.DEFAULT);
 *     Subscription odom = node.createSubscription("odom", node.messageType("nav_msgs/msg/Odometry"), Qos.SENSOR_DATA);
 *     ...
 * }
 * }</pre>
 *
 * <p>Thread-safe.
 */
public final class Node implements AutoCloseable {
    private final Context context;
    private final boolean ownsContext;
    private final String name;
    private final String namespace;
    private final Remapping remapping;
    private final List<AutoCloseable> entities = new CopyOnWriteArrayList<>();
    private final Map<Integer, Gid> endpointGids = new ConcurrentHashMap<>();
    private volatile boolean closed;
    private RosoutLogger logger;
    private dev.myelin.ros2.param.ParameterServer parameterServer;

    Node(Context context, boolean ownsContext, String name, String namespace, Remapping remapping) {
        this.context = context;
        this.ownsContext = ownsContext;
        this.remapping = remapping;
        String n = remapping.nodeName(TopicNames.validateNodeName(name));
        this.name = n;
        this.namespace = remapping.namespace(n, namespace);
    }

    /** A builder for a node that owns its own context (closed with the node). */
    public static Builder builder(String name) {
        return new Builder(name);
    }

    public String name() {
        return name;
    }

    /** Namespace, {@code "/"} or {@code "/a/b"}. */
    public String namespace() {
        return namespace;
    }

    /** {@code namespace/name}, e.g. {@code /robot1/controller}. */
    public String fullyQualifiedName() {
        return (namespace.equals("/") ? "" : namespace) + "/" + name;
    }

    public Context context() {
        return context;
    }

    public int domainId() {
        return context.domainId();
    }

    /** A message type from the context's registry. */
    public MessageType messageType(String typeName) {
        return context.messageTypes().get(typeName);
    }

    /** This node's logger on {@code /rosout}; its publisher is created on first use. */
    public synchronized RosoutLogger logger() {
        checkOpen();
        if (logger == null) {
            logger = new RosoutLogger(this);
        }
        return logger;
    }

    /** The fully qualified topic name {@code topic} resolves to for this node (expansion, then remapping). */
    public String resolveTopicName(String topic) {
        return remapping.resolve(topic, name, namespace);
    }

    /**
     * Creates a publisher.
     *
     * @throws IllegalArgumentException for an invalid topic name, or a topic already used with another type
     */
    public Publisher createPublisher(String topic, MessageType type, Qos qos) {
        return createPublisher(topic, type, qos, EndpointOptions.TOPIC);
    }

    /**
     * Creates a publisher whose DDS topic name and USER_DATA follow {@code options} (a service's
     * request or reply writer, or a topic with extra USER_DATA).
     */
    public Publisher createPublisher(String topic, MessageType type, Qos qos, EndpointOptions options) {
        checkOpen();
        String fqn = resolveTopicName(topic);
        int writer = createEndpoint(true, options.ddsTopicName(fqn), type, qos, userData(type, options));
        Publisher p = new Publisher(this, fqn, type, qos, writer);
        entities.add(p);
        return p;
    }

    /** Creates a publisher, looking the type up by name ({@code pkg/msg/Name}). */
    public Publisher createPublisher(String topic, String typeName, Qos qos) {
        return createPublisher(topic, messageType(typeName), qos);
    }

    /** A subscription read by polling ({@link Subscription#readLatest}). */
    public Subscription createSubscription(String topic, MessageType type, Qos qos) {
        return subscribe(topic, type, qos, null, null);
    }

    /** A subscription that calls {@code handler} on the executor thread for every sample. */
    public Subscription createSubscription(String topic, MessageType type, Qos qos, MessageHandler handler) {
        if (handler == null) {
            throw new IllegalArgumentException("handler is null");
        }
        return subscribe(topic, type, qos, handler, null);
    }

    /**
     * A subscription that passes samples still serialized to {@code handler}, without decoding them,
     * only when its owner calls {@link Subscription#poll()}: it is not attached to the executor, so
     * a publisher in this process that delivers to it does no more than store the sample in the
     * reader's history (Cyclone delivers to local readers in the writer's call, and a reader watched
     * by a waitset also wakes the thread waiting on it from there). {@code qos}'s depth must hold what
     * arrives between two polls.
     */
    public Subscription createPolledRawSubscription(String topic, MessageType type, Qos qos, RawSampleHandler handler) {
        if (handler == null) {
            throw new IllegalArgumentException("handler is null");
        }
        checkOpen();
        String fqn = resolveTopicName(topic);
        int reader = createEndpoint(false, EndpointOptions.TOPIC.ddsTopicName(fqn), type, qos, userData(type, EndpointOptions.TOPIC));
        Subscription s;
        try {
            s = new Subscription(this, fqn, type, qos, reader, null, handler, true);
        } catch (RuntimeException e) {
            deleteEndpoint(reader);
            throw e;
        }
        entities.add(s);
        return s;
    }

    /** A subscription that passes samples still serialized to {@code handler}, without decoding them. */
    public Subscription createRawSubscription(String topic, MessageType type, Qos qos, RawSampleHandler handler) {
        if (handler == null) {
            throw new IllegalArgumentException("handler is null");
        }
        return subscribe(topic, type, qos, null, handler);
    }

    /**
     * A subscription whose DDS topic name and USER_DATA follow {@code options}, calling
     * {@code handler} on the executor thread for every sample.
     */
    public Subscription createSubscription(String topic, MessageType type, Qos qos, EndpointOptions options,
                                           MessageHandler handler) {
        if (handler == null) {
            throw new IllegalArgumentException("handler is null");
        }
        return subscribe(topic, type, qos, handler, null, options);
    }

    private Subscription subscribe(String topic, MessageType type, Qos qos, MessageHandler handler, RawSampleHandler raw) {
        return subscribe(topic, type, qos, handler, raw, EndpointOptions.TOPIC);
    }

    private Subscription subscribe(String topic, MessageType type, Qos qos, MessageHandler handler, RawSampleHandler raw,
                                   EndpointOptions options) {
        checkOpen();
        String fqn = resolveTopicName(topic);
        int reader = createEndpoint(false, options.ddsTopicName(fqn), type, qos, userData(type, options));
        Subscription s;
        try {
            s = new Subscription(this, fqn, type, qos, reader, handler, raw);
            context.attach(s);
        } catch (RuntimeException e) {
            deleteEndpoint(reader);
            throw e;
        }
        entities.add(s);
        return s;
    }

    /** {@code typehash=RIHS01_...;}, the USER_DATA of a topic endpoint of {@code type}. */
    static String topicUserData(MessageType type) {
        return TypeHash.userDataEntry(TypeHash.of(type));
    }

    /**
     * USER_DATA of an endpoint: the entries of {@code options} in order ({@code serviceid=...;} first on a
     * service's endpoints), then the message type's hash unless {@code options} carries a {@code typehash}
     * (a service endpoint announces its service type's hash).
     */
    static String userData(MessageType type, EndpointOptions options) {
        String entries = new String(options.userDataBytes(), StandardCharsets.US_ASCII);
        return options.userData().containsKey("typehash") ? entries : entries + topicUserData(type);
    }
    /**
     * Creates a DDS writer ({@code writer}) or reader of this node on the DDS topic {@code ddsTopic}
     * (used as is: {@code rt/...}, {@code rq/...}, {@code rr/...}) with USER_DATA {@code userData},
     * and adds its GID to the node's announcement on {@code ros_discovery_info}. Every reader and
     * writer of a node is created here and deleted with {@link #deleteEndpoint}.
     *
     * @return the DDS entity handle
     */
    int createEndpoint(boolean writer, String ddsTopic, MessageType type, Qos qos, String userData) {
        checkOpen();
        int topicHandle = context.ddsTopic(ddsTopic, type);
        MemorySegment q = nativeQos(qos);
        int entity;
        try {
            Cyclone.setUserData(q, userData.getBytes(StandardCharsets.US_ASCII));
            entity = writer ? Cyclone.createWriter(context.participant(), topicHandle, q)
                    : Cyclone.createReader(context.participant(), topicHandle, q);
        } finally {
            Cyclone.deleteQos(q);
        }
        try {
            Gid gid = Context.gidOf(entity);
            endpointGids.put(entity, gid);
            context.announceEndpoint(this, gid, writer);
        } catch (RuntimeException e) {
            endpointGids.remove(entity);
            Cyclone.delete(entity);
            throw e;
        }
        return entity;
    }

    /** Deletes a reader or writer made by {@link #createEndpoint} and withdraws it from the announcement. */
    void deleteEndpoint(int entity) {
        Gid gid = endpointGids.remove(entity);
        Cyclone.delete(entity);
        if (gid != null) {
            context.withdrawEndpoint(this, gid);
        }
    }

    /** GIDs of this node's readers and writers, as announced. */
    public List<Gid> endpointGids() {
        return List.copyOf(endpointGids.values());
    }

    static MemorySegment nativeQos(Qos qos) {
        MemorySegment q = Cyclone.createQos();
        Cyclone.setReliability(q, qos.reliability() == Qos.Reliability.RELIABLE
                ? Cyclone.RELIABILITY_RELIABLE : Cyclone.RELIABILITY_BEST_EFFORT, 100_000_000L);
        Cyclone.setDurability(q, qos.durability() == Qos.Durability.TRANSIENT_LOCAL
                ? Cyclone.DURABILITY_TRANSIENT_LOCAL : Cyclone.DURABILITY_VOLATILE);
        Cyclone.setHistory(q, Cyclone.HISTORY_KEEP_LAST, qos.depth());
        if (qos.durability() == Qos.Durability.TRANSIENT_LOCAL) {
            // late joiners get the whole history, not Cyclone's default of the last sample (as rmw_cyclonedds does)
            Cyclone.setDurabilityService(q, Cyclone.HISTORY_KEEP_LAST, qos.depth());
        }
        return q;
    }

    /**
     * A service server: requests on {@code rq/<name>Request} are handed to {@code handler} on a
     * thread of the server's own (never the executor's), replies go to the client that asked.
     *
     * @param serviceType {@code pkg/srv/Name}
     */
    public dev.myelin.ros2.service.ServiceServer createService(String name, String serviceType,
                                                                dev.myelin.ros2.service.ServiceHandler handler) {
        checkOpen();
        dev.myelin.ros2.service.ServiceServer server = dev.myelin.ros2.service.ServiceServer.create(this, name,
                dev.myelin.ros2.service.ServiceType.of(context.messageTypes(), serviceType), handler,
                dev.myelin.ros2.service.ServiceType.DEFAULT_QOS);
        entities.add(server);
        return server;
    }

    /** A client of service {@code name} of type {@code serviceType} ({@code pkg/srv/Name}). */
    public dev.myelin.ros2.service.ServiceClient createClient(String name, String serviceType) {
        checkOpen();
        dev.myelin.ros2.service.ServiceClient client = dev.myelin.ros2.service.ServiceClient.create(this, name,
                dev.myelin.ros2.service.ServiceType.of(context.messageTypes(), serviceType),
                dev.myelin.ros2.service.ServiceType.DEFAULT_QOS);
        entities.add(client);
        return client;
    }

    /**
     * Serves {@code store} as this node's parameters (the six rcl_interfaces services and
     * {@code /parameter_events}), replacing what the node served before.
     */
    public synchronized dev.myelin.ros2.param.ParameterServer serveParameters(dev.myelin.ros2.param.ParameterStore store) {
        checkOpen();
        if (parameterServer != null) {
            parameterServer.close();
            entities.remove(parameterServer);
        }
        parameterServer = null;
        parameterServer = dev.myelin.ros2.param.ParameterServer.start(this, store);
        return parameterServer;
    }

    /** The parameters this node serves, or null when it serves none. */
    public synchronized dev.myelin.ros2.param.ParameterStore parameters() {
        return parameterServer == null ? null : parameterServer.store();
    }

    /** Registers something the node closes with itself (service servers and clients built on this node). */
    public void own(AutoCloseable entity) {
        entities.add(entity);
    }

    void forget(AutoCloseable entity) {
        entities.remove(entity);
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("node " + fullyQualifiedName() + " is closed");
        }
        context.checkOpen();
    }

    /** Closes every publisher and subscription of this node, and the context if the node owns it. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (AutoCloseable e : new ArrayList<>(entities)) {
            try {
                e.close();
            } catch (Exception ignored) {
                // closing is best effort: the participant's deletion removes whatever is left
            }
        }
        context.forget(this);
        if (ownsContext) {
            context.close();
        }
    }

    @Override
    public String toString() {
        return "Node[" + fullyQualifiedName() + ", domain " + domainId() + "]";
    }

    /** Builds a node with its own {@link Context} (environment defaults, overridable here). */
    public static final class Builder {
        private final String name;
        private String namespace = "/";
        private final Context.Builder context = Context.builder();
        private final List<String> rules = new ArrayList<>();

        private Builder(String name) {
            this.name = name;
        }

        public Builder namespace(String ns) {
            this.namespace = ns;
            return this;
        }

        public Builder domainId(int domainId) {
            context.domainId(domainId);
            return this;
        }

        public Builder localhostOnly(boolean localhostOnly) {
            context.localhostOnly(localhostOnly);
            return this;
        }

        public Builder messageTypes(dev.myelin.ros2.msg.MessageTypes types) {
            context.messageTypes(types);
            return this;
        }

        /** Adds a remapping rule {@code from:=to}. */
        public Builder remap(String rule) {
            rules.add(rule);
            return this;
        }

        /** ROS command-line arguments: {@code --ros-args -r a:=b --remap c:=d} (other arguments are ignored). */
        public Builder arguments(String... args) {
            context.arguments(args);
            return this;
        }

        public Node build() {
            Context ctx = context.build();
            try {
                Remapping local = Remapping.parse(rules);
                return ctx.started(ctx.register(new Node(ctx, true, name, namespace, local.with(ctx.remapping()))));
            } catch (RuntimeException e) {
                ctx.close();
                throw e;
            }
        }
    }
}

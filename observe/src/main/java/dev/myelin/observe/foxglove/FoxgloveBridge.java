package dev.myelin.observe.foxglove;

import dev.myelin.ros2.Context;
import dev.myelin.ros2.Node;
import dev.myelin.ros2.Qos;
import dev.myelin.ros2.Subscription;
import dev.myelin.ros2.TopicEndpoint;
import dev.myelin.ros2.msg.MessageType;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;

/**
 * ROS 2 topics on a {@link FoxgloveServer}: discovers the topics published on a domain (every half second), and
 * for each one of a known message type (or only those named) advertises a {@code cdr} channel with the type's full
 * {@code ros2msg} definition and forwards every sample, still serialized as DDS delivered it.
 *
 * <p>It runs its own DDS participant and threads, so its work never shares a thread with a control loop in the
 * same process; subscriptions are best effort, which matches reliable and best-effort publishers alike. Its readers
 * are polled every {@link #POLL_PERIOD_NANOS} from its own thread rather than watched by a waitset: Cyclone DDS
 * delivers to readers in the same process within the writer's {@code dds_write}, and a watched reader would also
 * wake a thread from inside that call, so a control loop publishing {@code /cmd_vel} at 1 kHz would pay for every
 * viewer's wake-up. A polled reader only stores the sample in its history ({@link #HISTORY} deep, enough for the
 * period at several kHz); the bridge takes it on its own time.
 */
public final class FoxgloveBridge implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(FoxgloveBridge.class.getName());
    private static final long DISCOVERY_PERIOD_MS = 500;
    /** How often the bridge takes what its readers hold. */
    static final long POLL_PERIOD_NANOS = 5_000_000L;
    /** Samples each reader keeps between two polls. */
    static final int HISTORY = 100;

    /**
     * @param host          address to listen on ({@code 0.0.0.0} for every interface)
     * @param port          WebSocket port (0: any free one)
     * @param domain        ROS domain id, or null for {@code $ROS_DOMAIN_ID}
     * @param localhostOnly loopback discovery only, or null for the environment's choice
     * @param topics        topics to bridge (fully qualified); empty for every topic of a known type
     * @param maxQueued     frames queued per client before its messages are dropped
     * @param messagePaths  extra directories of {@code <pkg>/msg/<Name>.msg} definitions, searched before the shipped ones
     */
    public record Options(String host, int port, Integer domain, Boolean localhostOnly, List<String> topics, int maxQueued,
                          List<java.nio.file.Path> messagePaths) {
        public Options {
            topics = List.copyOf(topics);
            messagePaths = List.copyOf(messagePaths);
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("foxglove port must be 0-65535, got " + port);
            }
        }

        public Options(String host, int port, Integer domain, Boolean localhostOnly, List<String> topics, int maxQueued) {
            this(host, port, domain, localhostOnly, topics, maxQueued, List.of());
        }

        public static Options port(int port) {
            return new Options("0.0.0.0", port, null, null, List.of(), FoxgloveServer.DEFAULT_MAX_QUEUED);
        }

        public Options domain(Integer d, Boolean localhost) {
            return new Options(host, port, d, localhost, topics, maxQueued, messagePaths);
        }
    }

    private final FoxgloveServer server;
    private final Context context;
    private final Node node;
    private final Set<String> wanted;
    private final Map<String, FoxgloveServer.ChannelInfo> bridged = new ConcurrentHashMap<>();
    private final Set<String> skipped = new HashSet<>();
    private final Thread discovery;
    private final Thread poller;
    private volatile Subscription[] subscriptions = new Subscription[0];
    private volatile boolean closed;

    private FoxgloveBridge(FoxgloveServer server, Context context, Set<String> wanted) {
        this.server = server;
        this.context = context;
        this.node = context.createNode("myelin_foxglove");
        this.wanted = wanted;
        this.discovery = Thread.ofPlatform().daemon().name("myelin-foxglove-discovery").unstarted(this::discover);
        this.poller = Thread.ofPlatform().daemon().name("myelin-foxglove-poll").unstarted(this::poll);
    }

    /** Starts the server and the discovery of topics. */
    public static FoxgloveBridge start(Options o) throws IOException {
        Context.Builder b = Context.builder();
        if (o.domain() != null) {
            b.domainId(o.domain());
        }
        if (o.localhostOnly() != null) {
            b.localhostOnly(o.localhostOnly());
        }
        if (!o.messagePaths().isEmpty()) {
            dev.myelin.ros2.msg.MessageTypes types = new dev.myelin.ros2.msg.MessageTypes();
            o.messagePaths().forEach(types::addSearchPath);
            b.messageTypes(types);
        }
        FoxgloveServer server = FoxgloveServer.start("myelin", new InetSocketAddress(o.host(), o.port()), o.maxQueued());
        Context context;
        try {
            context = b.build();
        } catch (RuntimeException e) {
            server.close();
            throw e;
        }
        FoxgloveBridge bridge = new FoxgloveBridge(server, context, Set.copyOf(o.topics()));
        bridge.refresh();
        bridge.discovery.start();
        bridge.poller.start();
        return bridge;
    }

    public FoxgloveServer server() {
        return server;
    }

    public int port() {
        return server.port();
    }

    /** Topics bridged so far. */
    public Set<String> topics() {
        return Set.copyOf(bridged.keySet());
    }

    private void discover() {
        while (!closed) {
            try {
                Thread.sleep(DISCOVERY_PERIOD_MS);
                refresh();
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                if (!closed) {
                    LOG.log(Level.WARNING, "foxglove topic discovery: " + e.getMessage());
                }
            }
        }
    }

    private void poll() {
        while (!closed) {
            for (Subscription s : subscriptions) {
                try {
                    s.poll();
                } catch (RuntimeException e) {
                    if (!closed) {
                        LOG.log(Level.WARNING, "foxglove: reading " + s.topicName() + ": " + e.getMessage());
                    }
                }
            }
            LockSupport.parkNanos(POLL_PERIOD_NANOS);
        }
    }

    /** Bridges every newly published topic; called by the discovery thread (and once at start). */
    synchronized void refresh() {
        if (closed) {
            return;
        }
        for (TopicEndpoint e : context.graph().endpoints()) {
            if (e.kind() != TopicEndpoint.Kind.PUBLISHER || bridged.containsKey(e.topic())
                    || (!wanted.isEmpty() && !wanted.contains(e.topic()))) {
                continue;
            }
            MessageType type;
            String full;
            try {
                type = context.messageTypes().get(e.type());
                full = context.messageTypes().fullDefinition(type.name());
            } catch (RuntimeException unknown) {
                if (skipped.add(e.topic() + " " + e.type())) {
                    LOG.log(Level.INFO, "foxglove: not bridging " + e.topic() + ": " + unknown.getMessage());
                }
                continue;
            }
            FoxgloveServer.ChannelInfo channel = server.advertiseRos2(e.topic(), type.name(), full);
            bridged.put(e.topic(), channel);
            Subscription sub = node.createPolledRawSubscription(e.topic(), type, Qos.SENSOR_DATA.withDepth(HISTORY),
                    (sample, length, receiveNanos) -> server.publish(channel, sample, length, receiveNanos));
            Subscription[] grown = Arrays.copyOf(subscriptions, subscriptions.length + 1);
            grown[grown.length - 1] = sub;
            subscriptions = grown;
        }
    }

    @Override
    public void close() {
        closed = true;
        discovery.interrupt();
        LockSupport.unpark(poller);
        try {
            discovery.join(2000);
            poller.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (this) {
            context.close();
        }
        server.close();
    }
}

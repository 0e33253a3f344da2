package dev.myelin.ros2.service;

import dev.myelin.ros2.EndpointOptions;
import dev.myelin.ros2.Node;
import dev.myelin.ros2.Publisher;
import dev.myelin.ros2.Qos;
import dev.myelin.ros2.Subscription;
import dev.myelin.ros2.msg.Field;
import dev.myelin.ros2.msg.Message;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Calls one service. Each request carries this client's request-writer instance handle and a
 * process-wide sequence number; a reply is kept only when its header names this client and a
 * call still waiting for that number, so replies meant for other clients of the same service
 * (which share the reply topic) are ignored. Calls are asynchronous ({@link #call}) with a
 * timeout; {@link #callAndWait} blocks the caller.
 *
 * <p>Thread-safe. Futures complete on the node's executor thread (keep dependents short) or, on
 * timeout, on the JDK's delayer thread.
 */
public final class ServiceClient implements AutoCloseable {
    private static final AtomicLong SEQUENCE = new AtomicLong();

    private final String name;
    private final ServiceType type;
    private final Publisher requests;
    private final Subscription replies;
    private final long guid;
    private final String id;
    private final Field reqGuid;
    private final Field reqSeq;
    private final Field reqBody;
    private final Field repGuid;
    private final Field repSeq;
    private final Field repBody;
    private final Map<Long, CompletableFuture<Message>> pending = new ConcurrentHashMap<>();
    private final AtomicLong foreign = new AtomicLong();

    private ServiceClient(Node node, String name, ServiceType type, Qos qos) {
        this.type = type;
        this.name = node.resolveTopicName(name);
        this.reqGuid = type.requestWire().field("client_guid");
        this.reqSeq = type.requestWire().field("sequence_number");
        this.reqBody = type.requestWire().field("body");
        this.repGuid = type.responseWire().field("client_guid");
        this.repSeq = type.responseWire().field("sequence_number");
        this.repBody = type.responseWire().field("body");
        String id = ServiceIds.next(node.context());
        String hash = dev.myelin.ros2.msg.TypeHash.ofService(type.name(), type.request(), type.response());
        this.id = id;
        this.requests = node.createPublisher(this.name, type.requestWire(), qos,
                EndpointOptions.serviceRequest().withUserData("clientid", id).withUserData("typehash", hash));
        this.guid = requests.instanceHandle();
        try {
            this.replies = node.createSubscription(this.name, type.responseWire(), qos,
                    EndpointOptions.serviceReply().withUserData("clientid", id).withUserData("typehash", hash), (m, t) -> onReply(m));
        } catch (RuntimeException e) {
            requests.close();
            throw e;
        }
    }

    /** Use {@link Node#createClient}. */
    public static ServiceClient create(Node node, String name, ServiceType type, Qos qos) {
        return new ServiceClient(node, name, type, qos);
    }

    private void onReply(Message reply) {
        if (reply.getLong(repGuid) != guid) {
            foreign.incrementAndGet();
            return;
        }
        CompletableFuture<Message> f = pending.remove(reply.getLong(repSeq));
        if (f != null) {
            Message copy = type.response().newMessage();
            copy.copyFrom(reply.child(repBody));
            f.complete(copy);
        }
    }

    /** A new request of this service's type, to fill in and pass to {@link #call}. */
    public Message newRequest() {
        return type.request().newMessage();
    }

    /**
     * Sends {@code request} (of the request type; copied before this returns) and returns the
     * future reply, which fails with {@link TimeoutException} after {@code timeout}.
     */
    public CompletableFuture<Message> call(Message request, Duration timeout) {
        if (request.type() != type.request()) {
            throw new IllegalArgumentException("service " + name + " takes " + type.request() + ", not " + request.type());
        }
        long seq = SEQUENCE.incrementAndGet();
        Message wire = type.requestWire().newMessage();
        wire.setLong(reqGuid, guid);
        wire.setLong(reqSeq, seq);
        wire.child(reqBody).copyFrom(request);
        CompletableFuture<Message> f = new CompletableFuture<>();
        pending.put(seq, f);
        f.orTimeout(timeout.toNanos(), TimeUnit.NANOSECONDS).whenComplete((r, e) -> pending.remove(seq));
        try {
            requests.publish(wire);
        } catch (RuntimeException e) {
            pending.remove(seq);
            f.completeExceptionally(e);
        }
        return f;
    }

    /**
     * {@link #call} and wait for the reply.
     *
     * @throws TimeoutException when no reply came within {@code timeout}
     */
    public Message callAndWait(Message request, Duration timeout) throws TimeoutException, InterruptedException {
        try {
            return call(request, timeout).get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof TimeoutException t) {
                throw new TimeoutException("service " + name + " did not reply within " + timeout.toMillis() + " ms");
            }
            throw new IllegalStateException("call of " + name + " failed: " + e.getCause(), e.getCause());
        }
    }

    /** True once a server's request reader and reply writer are both matched. */
    public boolean isServiceReady() {
        return requests.matchedSubscriptions() > 0 && replies.matchedPublications() > 0;
    }

    /** Waits until {@link #isServiceReady()}; false on timeout. */
    public boolean waitForService(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!isServiceReady()) {
            if (System.nanoTime() - deadline > 0) {
                return false;
            }
            Thread.sleep(5);
        }
        return true;
    }

    /** Replies seen that were addressed to other clients of the same service. */
    public long foreignReplyCount() {
        return foreign.get();
    }

    /** The {@code clientid=} this client's endpoints carry in USER_DATA. */
    public String id() {
        return id;
    }

    /** The instance handle this client writes into its requests' headers. */
    public long guid() {
        return guid;
    }

    public String name() {
        return name;
    }

    public ServiceType type() {
        return type;
    }

    /** Deletes the endpoints; calls still waiting fail. Idempotent. */
    @Override
    public void close() {
        replies.close();
        requests.close();
        pending.values().forEach(f -> f.completeExceptionally(new IllegalStateException("client of " + name + " closed")));
        pending.clear();
    }

    @Override
    public String toString() {
        return "ServiceClient[" + name + ", " + type + "]";
    }
}

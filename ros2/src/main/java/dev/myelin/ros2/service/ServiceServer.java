package dev.myelin.ros2.service;

import dev.myelin.ros2.EndpointOptions;
import dev.myelin.ros2.Node;
import dev.myelin.ros2.Publisher;
import dev.myelin.ros2.Qos;
import dev.myelin.ros2.Subscription;
import dev.myelin.ros2.msg.Field;
import dev.myelin.ros2.msg.Message;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Serves one service. The node's executor thread only copies each request and queues it; the
 * server's own worker thread runs the {@link ServiceHandler}, so a slow or failing handler delays
 * only this service's later requests — never the executor, other subscriptions, or a control
 * loop. The reply carries the request's header, so only the client that asked keeps it. Before
 * replying the server waits until every client whose request writer it has matched also has its
 * reply reader matched (paired by {@code clientid=}), as rmw_cyclonedds does, because a client's
 * reply reader may still be in discovery when its first request arrives. The pairing is checked by
 * client id on every reply (equal matched counts do not mean the same clients: one client leaving
 * while another is half discovered keeps the counts). It waits up to 1 s, not rmw_cyclonedds's
 * 100 ms, as discovery on a loaded machine can take longer; a client still unpaired after a whole
 * wait (one that never shows a reply reader) is not waited for again while its writer stays.
 *
 * <p>At most {@value #QUEUE} requests wait; more are dropped (and counted) rather than piling up.
 */
public final class ServiceServer implements AutoCloseable {
    static final int QUEUE = 256;
    private static final long REPLY_MATCH_WAIT_NANOS = 1_000_000_000L;

    private final String name;
    private final String id;
    private final ServiceType type;
    private final ServiceHandler handler;
    private final Publisher replies;
    private final Subscription requests;
    private final ThreadPoolExecutor worker;
    private final Field guid;
    private final Field seq;
    private final Field body;
    private final Field replyGuid;
    private final Field replySeq;
    private final Field replyBody;
    private final AtomicLong served = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private volatile String lastFailure;
    // worker thread: clients whose reply reader did not appear within a whole wait
    private final java.util.Set<String> notWaitedFor = new java.util.HashSet<>();

    private ServiceServer(Node node, String name, ServiceType type, ServiceHandler handler, Qos qos) {
        this.type = type;
        this.handler = handler;
        this.guid = type.requestWire().field("client_guid");
        this.seq = type.requestWire().field("sequence_number");
        this.body = type.requestWire().field("body");
        this.replyGuid = type.responseWire().field("client_guid");
        this.replySeq = type.responseWire().field("sequence_number");
        this.replyBody = type.responseWire().field("body");
        String id = ServiceIds.next(node.context());
        String hash = dev.myelin.ros2.msg.TypeHash.ofService(type.name(), type.request(), type.response());
        this.id = id;
        String fqn = node.resolveTopicName(name);
        this.name = fqn;
        this.worker = new ThreadPoolExecutor(1, 1, 30, TimeUnit.SECONDS, new ArrayBlockingQueue<>(QUEUE),
                Thread.ofPlatform().daemon().name("myelin-service" + fqn).factory());
        worker.allowCoreThreadTimeOut(true); // a service nobody calls holds no thread
        this.replies = node.createPublisher(fqn, type.responseWire(), qos,
                EndpointOptions.serviceReply().withUserData("serviceid", id).withUserData("typehash", hash));
        try {
            this.requests = node.createSubscription(fqn, type.requestWire(), qos,
                    EndpointOptions.serviceRequest().withUserData("serviceid", id).withUserData("typehash", hash), (m, t) -> enqueue(m));
        } catch (RuntimeException e) {
            replies.close();
            worker.shutdownNow();
            throw e;
        }
    }

    /** Use {@link Node#createService}. */
    public static ServiceServer create(Node node, String name, ServiceType type, ServiceHandler handler, Qos qos) {
        if (handler == null) {
            throw new IllegalArgumentException("service handler is null");
        }
        return new ServiceServer(node, name, type, handler, qos);
    }

    private void enqueue(Message wireRequest) {
        Message copy = type.requestWire().newMessage();
        copy.copyFrom(wireRequest);
        try {
            worker.execute(() -> serve(copy));
        } catch (RejectedExecutionException full) {
            dropped.incrementAndGet();
        }
    }

    private void serve(Message request) {
        Message reply = type.responseWire().newMessage();
        reply.setLong(replyGuid, request.getLong(guid));
        reply.setLong(replySeq, request.getLong(seq));
        try {
            handler.handle(request.child(body), reply.child(replyBody));
        } catch (Exception | Error e) {
            lastFailure = e.toString();
            if (failed.incrementAndGet() == 1) {
                System.err.println("myelin ros2: handler of service " + name + " threw " + e
                        + " (further failures are only counted)");
            }
            return;
        }
        long deadline = System.nanoTime() + REPLY_MATCH_WAIT_NANOS;
        java.util.Set<String> unpaired;
        while (!(unpaired = unpairedClients()).isEmpty() || replies.matchedSubscriptions() == 0) {
            if (System.nanoTime() - deadline >= 0) {
                notWaitedFor.addAll(unpaired);
                break;
            }
            try {
                Thread.sleep(2);
            } catch (InterruptedException e) {
                return;
            }
        }
        try {
            replies.publish(reply);
            served.incrementAndGet();
        } catch (RuntimeException e) {
            lastFailure = e.toString();
            failed.incrementAndGet();
        }
    }

    /**
     * The clients whose request writer is matched but whose reply reader is not (paired by
     * {@code clientid=} in USER_DATA; a client without one is never listed), less those already
     * waited for in vain; forgets those whose writer has gone.
     */
    private java.util.Set<String> unpairedClients() {
        java.util.Set<String> clients = clientIds(requests.matchedPublicationUserData());
        notWaitedFor.retainAll(clients);
        clients.removeAll(clientIds(replies.matchedSubscriptionUserData()));
        clients.removeAll(notWaitedFor);
        return clients;
    }

    private static java.util.Set<String> clientIds(java.util.List<String> userData) {
        java.util.Set<String> ids = new java.util.HashSet<>();
        for (String u : userData) {
            for (String entry : u.split(";")) {
                if (entry.startsWith("clientid=")) {
                    ids.add(entry.substring("clientid=".length()));
                }
            }
        }
        return ids;
    }

    /** The {@code serviceid=} this server's endpoints carry in USER_DATA. */
    public String id() {
        return id;
    }

    /** The {@code clientid=}s of the clients whose reply readers this server's reply writer has matched. */
    public java.util.Set<String> matchedClientIds() {
        return clientIds(replies.matchedSubscriptionUserData());
    }

    /** Fully qualified service name. */
    public String name() {
        return name;
    }

    public ServiceType type() {
        return type;
    }

    /** Requests answered. */
    public long servedCount() {
        return served.get();
    }

    /** Requests whose handler threw (no reply was sent). */
    public long failedCount() {
        return failed.get();
    }

    /** Requests dropped because {@value #QUEUE} were already waiting. */
    public long droppedCount() {
        return dropped.get();
    }

    /** The last handler failure, or null. */
    public String lastFailure() {
        return lastFailure;
    }

    /** Stops taking requests, lets the one in progress finish (up to 1 s), deletes the endpoints. Idempotent. */
    @Override
    public void close() {
        requests.close();
        worker.shutdown();
        try {
            worker.awaitTermination(1, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        worker.shutdownNow();
        replies.close();
    }

    @Override
    public String toString() {
        return "ServiceServer[" + name + ", " + type + "]";
    }
}

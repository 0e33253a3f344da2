package dev.myelin.ros2;

import dev.myelin.ros2.dds.Cyclone;
import dev.myelin.ros2.dds.DdsException;
import dev.myelin.ros2.msg.CLayoutWriter;
import dev.myelin.ros2.msg.Message;
import dev.myelin.ros2.msg.MessageType;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Publishes one topic. {@link #publish} lays the message out in the type's C layout and hands it
 * to Cyclone's serializer ({@code dds_write}); after the first messages have sized the scratch
 * buffers it allocates nothing. Thread-safe without a lock: each publishing thread lays messages out
 * in its own scratch buffers, Cyclone serializes the writes, and {@link #close} waits for the calls
 * in flight before it deletes the writer.
 */
public final class Publisher implements AutoCloseable {
    private final Node node;
    private final String topicName;
    private final MessageType type;
    private final Qos qos;
    private final int writer;
    private final ThreadLocal<CLayoutWriter> layouts;
    private final MemorySegment matchedStatus = Arena.ofAuto().allocate(Cyclone.MATCHED_STATUS_SIZE, 8);
    private final AtomicLong published = new AtomicLong();
    /** Calls in flight that use the writer, with {@link #CLOSED} set once {@link #close} began. */
    private final AtomicLong users = new AtomicLong();
    private static final long CLOSED = 1L << 62;

    Publisher(Node node, String topicName, MessageType type, Qos qos, int writer) {
        this.node = node;
        this.topicName = topicName;
        this.type = type;
        this.qos = qos;
        this.writer = writer;
        this.layouts = ThreadLocal.withInitial(() -> new CLayoutWriter(type));
    }

    /**
     * Sends {@code message}, which must be of this topic's type. Returns once Cyclone has taken
     * the sample (a reliable writer with a full history may block up to 100 ms).
     *
     * @throws IllegalArgumentException for a message of another type or a string past its bound
     * @throws IllegalStateException after {@link #close()}
     * @throws DdsException when Cyclone refuses the write
     */
    public void publish(Message message) {
        if (!enter()) {
            throw new IllegalStateException("publisher of " + topicName + " is closed");
        }
        try {
            MemorySegment sample = layouts.get().write(message);
            int rc = Cyclone.write(writer, sample);
            if (rc < 0) {
                throw new DdsException("dds_write on " + topicName, rc, Cyclone.retcodeText(rc));
            }
            published.incrementAndGet();
        } finally {
            exit();
        }
    }

    /** Counts a call that uses the writer; false (nothing counted) once closing began. */
    private boolean enter() {
        if ((users.incrementAndGet() & CLOSED) != 0) {
            users.decrementAndGet();
            return false;
        }
        return true;
    }

    private void exit() {
        users.decrementAndGet();
    }

    /** Fully qualified ROS topic name, after remapping. */
    public String topicName() {
        return topicName;
    }

    public MessageType type() {
        return type;
    }

    public Qos qos() {
        return qos;
    }

    /** The writer's DDS instance handle (what rmw_cyclonedds puts in a request header to name its client). */
    public long instanceHandle() {
        return Cyclone.instanceHandle(writer);
    }

    /** Messages published so far. */
    public long publishedCount() {
        return published.get();
    }

    /** Subscriptions currently matched (compatible QoS and type). */
    public int matchedSubscriptions() {
        if (!enter()) {
            return 0;
        }
        try {
            synchronized (matchedStatus) { // one status buffer; never taken by publish
                return Cyclone.matchedSubscriptions(writer, matchedStatus);
            }
        } finally {
            exit();
        }
    }

    /** The USER_DATA text of every matched subscription (empty when closed). */
    public java.util.List<String> matchedSubscriptionUserData() {
        if (!enter()) {
            return java.util.List.of();
        }
        try {
            return Cyclone.matchedUserData(writer, true);
        } finally {
            exit();
        }
    }

    /** Waits until at least {@code count} subscriptions match; returns whether they did in time. */
    public boolean waitForSubscriptions(int count, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (matchedSubscriptions() < count) {
            if (System.nanoTime() - deadline > 0) {
                return false;
            }
            Thread.sleep(5);
        }
        return true;
    }

    /**
     * Waits until every matched reliable subscription has acknowledged everything published.
     *
     * @return false on timeout
     */
    public boolean waitForAcknowledgements(Duration timeout) {
        if (!enter()) {
            return true;
        }
        int rc;
        try {
            rc = Cyclone.waitForAcks(writer, timeout.toNanos());
        } finally {
            exit();
        }
        if (rc == Cyclone.RETCODE_TIMEOUT) {
            return false;
        }
        Cyclone.check(rc, "dds_wait_for_acks on " + topicName);
        return true;
    }

    /** Deletes the writer once the calls in flight have returned; later calls see it closed. Idempotent. */
    @Override
    public void close() {
        long s;
        do {
            s = users.get();
            if ((s & CLOSED) != 0) {
                return;
            }
        } while (!users.compareAndSet(s, s | CLOSED));
        while ((users.get() & ~CLOSED) != 0) {
            LockSupport.parkNanos(100_000L); // a write may block up to 100 ms, an acknowledgement wait its timeout
        }
        node.deleteEndpoint(writer);
        node.forget(this);
    }

    @Override
    public String toString() {
        return "Publisher[" + topicName + ", " + type + ", " + qos + "]";
    }
}

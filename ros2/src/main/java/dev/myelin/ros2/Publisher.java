package dev.myelin.ros2;

import dev.myelin.ros2.dds.Cyclone;
import dev.myelin.ros2.dds.DdsException;
import dev.myelin.ros2.msg.CLayoutWriter;
import dev.myelin.ros2.msg.Message;
import dev.myelin.ros2.msg.MessageType;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.time.Duration;

/**
 * Publishes one topic. {@link #publish} lays the message out in the type's C layout and hands it
 * to Cyclone's serializer ({@code dds_write}); after the first messages have sized the scratch
 * buffers it allocates nothing. Thread-safe: concurrent publishes are serialized.
 */
public final class Publisher implements AutoCloseable {
    private final Node node;
    private final String topicName;
    private final MessageType type;
    private final Qos qos;
    private final int writer;
    private final CLayoutWriter layout;
    private final MemorySegment matchedStatus = Arena.ofAuto().allocate(Cyclone.MATCHED_STATUS_SIZE, 8);
    private long published;
    private boolean closed;

    Publisher(Node node, String topicName, MessageType type, Qos qos, int writer) {
        this.node = node;
        this.topicName = topicName;
        this.type = type;
        this.qos = qos;
        this.writer = writer;
        this.layout = new CLayoutWriter(type);
    }

    /**
     * Sends {@code message}, which must be of this topic's type. Returns once Cyclone has taken
     * the sample (a reliable writer with a full history may block up to 100 ms).
     *
     * @throws IllegalArgumentException for a message of another type or a string past its bound
     * @throws IllegalStateException after {@link #close()}
     * @throws DdsException when Cyclone refuses the write
     */
    public synchronized void publish(Message message) {
        if (closed) {
            throw new IllegalStateException("publisher of " + topicName + " is closed");
        }
        MemorySegment sample = layout.write(message);
        int rc = Cyclone.write(writer, sample);
        if (rc < 0) {
            throw new DdsException("dds_write on " + topicName, rc, Cyclone.retcodeText(rc));
        }
        published++;
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
    public synchronized long publishedCount() {
        return published;
    }

    /** Subscriptions currently matched (compatible QoS and type). */
    public synchronized int matchedSubscriptions() {
        if (closed) {
            return 0;
        }
        return Cyclone.matchedSubscriptions(writer, matchedStatus);
    }

    /** The USER_DATA text of every matched subscription (empty when closed). */
    public synchronized java.util.List<String> matchedSubscriptionUserData() {
        return closed ? java.util.List.of() : Cyclone.matchedUserData(writer, true);
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
        int rc;
        synchronized (this) {
            if (closed) {
                return true;
            }
            rc = Cyclone.waitForAcks(writer, timeout.toNanos());
        }
        if (rc == Cyclone.RETCODE_TIMEOUT) {
            return false;
        }
        Cyclone.check(rc, "dds_wait_for_acks on " + topicName);
        return true;
    }

    /** Deletes the writer. Idempotent. */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        node.deleteEndpoint(writer);
        node.forget(this);
    }

    @Override
    public String toString() {
        return "Publisher[" + topicName + ", " + type + ", " + qos + "]";
    }
}

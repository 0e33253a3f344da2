package dev.myelin.ros2.perf;

import dev.myelin.ros2.MessageHandler;
import dev.myelin.ros2.Node;
import dev.myelin.ros2.Publisher;
import dev.myelin.ros2.Qos;
import dev.myelin.ros2.Subscription;
import dev.myelin.ros2.msg.Field;
import dev.myelin.ros2.msg.Message;
import dev.myelin.ros2.msg.MessageType;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Round-trip latency: publishes a ping, waits for the peer to echo it on the pong topic, and
 * sends the next ping from the pong's handler, so one sample is in flight at a time (the way
 * {@code ddsperf ping} works). The round trip is measured from just before {@code publish} to
 * the pong handler on the executor thread. Pings carry their number (Twist: {@code linear.x},
 * anything with a header: {@code header.stamp.sec}), so a stale echo is never counted.
 */
public final class PingPong {
    /** QoS of both directions: reliable, volatile, keep last 1, as ddsperf's ping/pong. */
    public static final Qos QOS = new Qos(Qos.Reliability.RELIABLE, Qos.Durability.VOLATILE, 1);

    /**
     * @param roundTripNanos measured round trips, in order
     * @param allocatedBytes bytes the executor thread allocated over the measured round trips
     *        (publish, take, decode, handler)
     */
    public record Result(long[] roundTripNanos, long allocatedBytes) {
        public double allocatedBytesPerMessage() {
            return (double) allocatedBytes / roundTripNanos.length;
        }
    }

    private PingPong() {
    }

    /**
     * Runs {@code warmup} unmeasured then {@code count} measured round trips against a peer that
     * echoes {@code pingTopic} to {@code pongTopic}.
     *
     * @param sample the message to send (its sequence field is overwritten)
     * @throws IllegalStateException when no peer matches or the peer stops answering for {@code stallTimeout}
     */
    public static Result run(Node node, Message sample, String pingTopic, String pongTopic, int warmup, int count,
                             Duration stallTimeout) throws InterruptedException {
        MessageType type = sample.type();
        Field sequence = sequenceField(type);
        Pinger pinger = new Pinger(sample, sequence, warmup, count);
        try (Subscription pong = node.createSubscription(pongTopic, type, QOS, pinger);
             Publisher ping = node.createPublisher(pingTopic, type, QOS)) {
            pinger.publisher = ping;
            if (!ping.waitForSubscriptions(1, Duration.ofSeconds(30)) || !pong.waitForPublications(1, Duration.ofSeconds(30))) {
                throw new IllegalStateException("no pong peer matched " + ping.topicName() + " / " + pong.topicName());
            }
            Thread.sleep(200); // let the peer's reader finish matching the other way
            pinger.send(0);
            int lastProgress = -1;
            while (!pinger.done.await(stallTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
                int now = pinger.sequence;
                if (now == lastProgress) {
                    throw new IllegalStateException("pong peer stopped answering at ping " + now + " of " + (warmup + count));
                }
                lastProgress = now;
            }
            if (pinger.failure != null) {
                throw new IllegalStateException("ping failed: " + pinger.failure, pinger.failure);
            }
            return new Result(pinger.roundTrips, pinger.allocationEnd - pinger.allocationStart);
        }
    }

    /** The field a ping's number travels in. */
    static Field sequenceField(MessageType type) {
        if (type.name().equals("geometry_msgs/msg/Twist")) {
            return type.field("linear.x");
        }
        try {
            return type.field("header.stamp.sec");
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("ping-pong needs a Twist or a type with a header, not " + type);
        }
    }

    private static final class Pinger implements MessageHandler {
        private static final com.sun.management.ThreadMXBean THREADS =
                (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

        private final Message ping;
        private final Field sequenceField;
        private final int warmup;
        private final long[] roundTrips;
        final CountDownLatch done = new CountDownLatch(1);
        volatile int sequence;
        volatile Throwable failure;
        Publisher publisher;
        private long sentAt;
        long allocationStart;
        long allocationEnd;

        Pinger(Message ping, Field sequenceField, int warmup, int count) {
            this.ping = ping;
            this.sequenceField = sequenceField;
            this.warmup = warmup;
            this.roundTrips = new long[count];
        }

        void send(int s) {
            if (sequenceField.kind().isFloatingPoint()) {
                ping.setDouble(sequenceField, s);
            } else {
                ping.setLong(sequenceField, s);
            }
            sentAt = System.nanoTime();
            publisher.publish(ping);
        }

        @Override
        public void onMessage(Message pong, long receiveTimeNanos) {
            long now = System.nanoTime();
            int s = sequence;
            long echoed = (long) pong.getDouble(sequenceField);
            if (echoed != s) {
                return; // a stale echo
            }
            if (s >= warmup) {
                roundTrips[s - warmup] = now - sentAt;
            }
            int next = s + 1;
            sequence = next;
            try {
                if (next == warmup) {
                    allocationStart = THREADS.getCurrentThreadAllocatedBytes();
                }
                if (next == warmup + roundTrips.length) {
                    allocationEnd = THREADS.getCurrentThreadAllocatedBytes();
                    done.countDown();
                    return;
                }
                send(next);
            } catch (RuntimeException e) {
                failure = e;
                done.countDown();
            }
        }
    }
}

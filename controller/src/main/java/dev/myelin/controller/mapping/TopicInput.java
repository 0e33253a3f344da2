package dev.myelin.controller.mapping;

import dev.myelin.ros2.Node;
import dev.myelin.ros2.Qos;
import dev.myelin.ros2.Subscription;
import dev.myelin.ros2.msg.Message;
import dev.myelin.ros2.msg.MessageType;

/**
 * One subscribed input topic: the executor fills the subscription's latest-sample slot, the loop
 * thread copies it into {@link #message()} at most once per tick with {@link #poll}. Slices sharing
 * a topic share one input. Loop thread only (except construction and {@link #close}).
 */
public final class TopicInput implements AutoCloseable {
    private final Subscription subscription;
    private final Message message;
    private long polledTick = -1;
    private long receiveNanos = Subscription.NO_SAMPLE;
    private long decodedCount = -1;

    public TopicInput(Node node, String topic, MessageType type, Qos qos) {
        this.subscription = node.createSubscription(topic, type, qos);
        this.message = type.newMessage();
    }

    /**
     * Copies the newest sample into {@link #message()} unless already done on this tick or nothing
     * new arrived since the last copy (a 1 kHz loop over 10 Hz sensors decodes each sample once).
     *
     * @return its receive time ({@link System#nanoTime()} clock) or {@link Subscription#NO_SAMPLE}
     */
    public long poll(long tick) {
        if (tick != polledTick) {
            polledTick = tick;
            long count = subscription.receivedCount();
            if (count != decodedCount) {
                long t = subscription.readLatest(message);
                // The executor counts a sample just before storing it: keep the count only once the copy
                // is that sample (a newer receive time), so a sample stored a moment later is not skipped.
                if (t != receiveNanos) {
                    decodedCount = count;
                }
                receiveNanos = t;
            }
        }
        return receiveNanos;
    }

    /** The newest sample as of the last poll. */
    public Message message() {
        return message;
    }

    /** Valid samples received so far (any thread). */
    public long receivedCount() {
        return subscription.receivedCount();
    }

    public Subscription subscription() {
        return subscription;
    }

    @Override
    public void close() {
        subscription.close();
    }
}

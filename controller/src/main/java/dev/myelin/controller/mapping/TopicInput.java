package dev.myelin.controller.mapping;

import dev.myelin.ros2.Node;
import dev.myelin.ros2.Qos;
import dev.myelin.ros2.Subscription;
import dev.myelin.ros2.msg.Message;
import dev.myelin.ros2.msg.MessageType;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * One subscribed input topic, handed from the DDS executor to the loop thread through a triple
 * buffer: the executor copies each sample into its back slot and exchanges it with the middle one;
 * the loop exchanges its front slot with the middle one when a fresher sample is there. Both sides
 * are wait-free: the loop never spins on a half-written sample, so a real-time loop thread cannot
 * be stalled by a preempted executor (no priority inversion), and nothing allocates once the
 * slots have grown to the sample sizes. Slices sharing a topic share one input.
 *
 * <p>{@link #poll} and {@link #message} on the loop thread only; construction and {@link #close}
 * from the controlling thread.
 */
public final class TopicInput implements AutoCloseable {
    private static final int FRESH = 4;
    private static final int INDEX = 3;

    private final Subscription subscription;
    private final Message[] slots = new Message[3];
    private final long[] receiveTimes = {Subscription.NO_SAMPLE, Subscription.NO_SAMPLE, Subscription.NO_SAMPLE};
    /** Index of the middle slot, plus {@link #FRESH} while it holds a sample the loop has not taken. */
    private final AtomicInteger middle = new AtomicInteger(1);
    private int back = 0;   // executor thread
    private int front = 2;  // loop thread
    private long polledTick = -1;

    public TopicInput(Node node, String topic, MessageType type, Qos qos) {
        for (int i = 0; i < 3; i++) {
            slots[i] = type.newMessage();
        }
        this.subscription = node.createSubscription(topic, type, qos, this::onSample);
    }

    /** Executor thread: copy, then publish the copy as the middle slot. */
    private void onSample(Message sample, long receiveNanos) {
        int b = back;
        slots[b].copyFrom(sample);
        receiveTimes[b] = receiveNanos;
        back = middle.getAndSet(b | FRESH) & INDEX; // the exchange is the release of the copy above
    }

    /**
     * Takes the newest sample into {@link #message()} unless already done on this tick. Loop
     * thread; wait-free, allocation-free.
     *
     * @return its receive time ({@link System#nanoTime()} clock) or {@link Subscription#NO_SAMPLE}
     */
    public long poll(long tick) {
        if (tick != polledTick) {
            polledTick = tick;
            if ((middle.get() & FRESH) != 0) {
                front = middle.getAndSet(front) & INDEX;
            }
        }
        return receiveTimes[front];
    }

    /** The sample taken by the last {@link #poll} (the object changes between polls). Loop thread. */
    public Message message() {
        return slots[front];
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

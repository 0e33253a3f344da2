package dev.myelin.controller.safety;

import dev.myelin.controller.mapping.TopicInput;
import dev.myelin.ros2.Node;
import dev.myelin.ros2.Qos;
import dev.myelin.ros2.Subscription;
import dev.myelin.ros2.msg.Field;
import dev.myelin.ros2.msg.MessageType;

/**
 * The e-stop latch: a {@code std_msgs/Bool} true on the e-stop topic latches it; it clears only on an
 * explicit reset (a true on the reset topic, or {@link #requestReset()}) seen while the e-stop input
 * no longer reads true. Without an e-stop topic it never latches. {@link #poll} on the loop thread
 * (allocation-free); {@link #latched} and {@link #requestReset} from any thread.
 */
public final class EstopLatch implements AutoCloseable {
    private final TopicInput estop;
    private final TopicInput reset;
    private final Field data;
    private long resetsSeen;
    private volatile boolean latched;
    private volatile boolean resetRequested;

    /**
     * Subscribes to {@code estopTopic} (null: no e-stop, the latch never closes) and {@code resetTopic}
     * (null: reset only through {@link #requestReset()}).
     */
    public EstopLatch(Node node, String estopTopic, String resetTopic) {
        if (estopTopic == null) {
            estop = null;
            reset = null;
            data = null;
            return;
        }
        MessageType bool = node.messageType("std_msgs/msg/Bool");
        data = bool.field("data");
        estop = new TopicInput(node, estopTopic, bool, Qos.DEFAULT);
        TopicInput r = null;
        if (resetTopic != null) {
            try {
                r = new TopicInput(node, resetTopic, bool, Qos.DEFAULT);
            } catch (RuntimeException e) {
                estop.close();
                throw e;
            }
        }
        reset = r;
    }

    /** Reads the e-stop and reset inputs of this tick and latches or clears. Loop thread; allocation-free. */
    public void poll(long tick) {
        if (estop == null) {
            return;
        }
        boolean pressed = estop.poll(tick) != Subscription.NO_SAMPLE && estop.message().getBoolean(data);
        if (pressed) {
            latched = true;
        }
        if (reset != null) {
            long n = reset.receivedCount();
            if (n != resetsSeen) {
                resetsSeen = n;
                if (reset.poll(tick) != Subscription.NO_SAMPLE && reset.message().getBoolean(data)) {
                    resetRequested = true;
                }
            }
        }
        if (resetRequested) {
            resetRequested = false;
            if (!pressed) {
                latched = false; // an explicit reset with the button released
            }
        }
    }

    /** True while the e-stop is latched. Any thread. */
    public boolean latched() {
        return latched;
    }

    /** Clears the latch at the next {@link #poll} unless the e-stop input still reads true. Any thread. */
    public void requestReset() {
        resetRequested = true;
    }

    @Override
    public void close() {
        if (estop != null) {
            estop.close();
        }
        if (reset != null) {
            reset.close();
        }
    }
}

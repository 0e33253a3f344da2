package dev.myelin.ros2;

import dev.myelin.ros2.msg.Message;

/**
 * Receives decoded samples of a {@link Subscription}, on the context's executor thread, in
 * arrival order. The message is owned by the subscription and reused for the next sample: copy
 * what must outlive the call ({@link Message#copyFrom}). A handler that throws is counted
 * ({@link Subscription#handlerErrorCount()}) and keeps receiving.
 */
@FunctionalInterface
public interface MessageHandler {
    /**
     * @param message the sample, valid during the call
     * @param receiveTimeNanos when it was taken from the middleware, on the {@link System#nanoTime()} clock
     */
    void onMessage(Message message, long receiveTimeNanos);
}

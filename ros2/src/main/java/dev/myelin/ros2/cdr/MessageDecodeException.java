package dev.myelin.ros2.cdr;

/**
 * A serialized sample does not decode: truncated, wrong encapsulation, a length that runs past the
 * end, a string without its terminating NUL, a sequence longer than its bound. Subscriptions count
 * and drop such samples; the exception never reaches a subscriber's loop.
 */
public final class MessageDecodeException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public MessageDecodeException(String message) {
        super(message);
    }
}

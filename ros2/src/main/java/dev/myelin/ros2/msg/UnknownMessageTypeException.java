package dev.myelin.ros2.msg;

/** No definition is known for a message type name. */
public final class UnknownMessageTypeException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public UnknownMessageTypeException(String message) {
        super(message);
    }
}

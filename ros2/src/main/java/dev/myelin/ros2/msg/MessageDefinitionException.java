package dev.myelin.ros2.msg;

/**
 * A message definition is malformed or refers to a type that does not exist. The message names
 * the type, the line and what was wrong; nothing of the failed definition is registered.
 */
public final class MessageDefinitionException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public MessageDefinitionException(String message) {
        super(message);
    }
}

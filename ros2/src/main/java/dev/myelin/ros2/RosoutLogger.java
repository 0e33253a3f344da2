package dev.myelin.ros2;

import dev.myelin.ros2.msg.Field;
import dev.myelin.ros2.msg.Message;
import dev.myelin.ros2.msg.MessageType;

/**
 * A node's log lines on {@code /rosout} as {@code rcl_interfaces/msg/Log} (reliable,
 * transient-local, keep-last 1000, as rcl publishes them), so that {@code ros2 topic echo /rosout}
 * and rqt_console show them. The logger name is the node's fully qualified name with dots
 * ({@code /robot1/controller} logs as {@code robot1.controller}); file, function and line are the
 * caller's. Lines below {@link #level()} are dropped. Obtain it with {@link Node#logger()}.
 *
 * <p>Logging allocates (stack walk, strings): keep it off control loops' steady state. Thread-safe.
 */
public final class RosoutLogger {
    /** Severities, with the values of {@code rcl_interfaces/msg/Log}. */
    public enum Level {
        DEBUG(10), INFO(20), WARN(30), ERROR(40), FATAL(50);

        private final int value;

        Level(int value) {
            this.value = value;
        }

        /** The {@code level} field's value. */
        public int value() {
            return value;
        }
    }

    /** Depth of the {@code /rosout} writer. */
    public static final int DEPTH = 1000;

    private static final StackWalker WALKER = StackWalker.getInstance();

    private final Publisher publisher;
    private final String name;
    private final Message message;
    private final Field sec;
    private final Field nanosec;
    private final Field levelField;
    private final Field nameField;
    private final Field msg;
    private final Field file;
    private final Field function;
    private final Field line;
    private volatile Level level = Level.INFO;

    RosoutLogger(Node node) {
        MessageType type = node.messageType("rcl_interfaces/msg/Log");
        this.publisher = node.createPublisher("/rosout", type, Qos.TRANSIENT_LOCAL.withDepth(DEPTH));
        this.name = node.fullyQualifiedName().substring(1).replace('/', '.');
        this.message = type.newMessage();
        this.sec = type.field("stamp.sec");
        this.nanosec = type.field("stamp.nanosec");
        this.levelField = type.field("level");
        this.nameField = type.field("name");
        this.msg = type.field("msg");
        this.file = type.field("file");
        this.function = type.field("function");
        this.line = type.field("line");
    }

    /** The logger name, e.g. {@code robot1.controller}. */
    public String name() {
        return name;
    }

    /** The lowest severity published (default {@link Level#INFO}, as rcl's). */
    public Level level() {
        return level;
    }

    public void setLevel(Level minimum) {
        this.level = java.util.Objects.requireNonNull(minimum, "level");
    }

    public void debug(String text) {
        log(Level.DEBUG, text);
    }

    public void info(String text) {
        log(Level.INFO, text);
    }

    public void warn(String text) {
        log(Level.WARN, text);
    }

    public void error(String text) {
        log(Level.ERROR, text);
    }

    public void fatal(String text) {
        log(Level.FATAL, text);
    }

    /** Publishes {@code text} at {@code severity} unless it is below {@link #level()}; returns whether it was published. */
    public boolean log(Level severity, String text) {
        if (severity.value < level.value) {
            return false;
        }
        StackWalker.StackFrame caller = WALKER.walk(frames -> frames
                .filter(f -> !f.getClassName().equals(RosoutLogger.class.getName()))
                .findFirst().orElse(null));
        long now = System.currentTimeMillis() * 1_000_000L;
        synchronized (this) {
            message.setLong(sec, now / 1_000_000_000L);
            message.setLong(nanosec, now % 1_000_000_000L);
            message.setLong(levelField, severity.value);
            message.setString(nameField, name);
            message.setString(msg, text);
            message.setString(file, caller == null || caller.getFileName() == null ? "" : caller.getFileName());
            message.setString(function, caller == null ? "" : caller.getClassName() + "." + caller.getMethodName());
            message.setLong(line, caller == null ? 0 : Math.max(0, caller.getLineNumber()));
            publisher.publish(message);
        }
        return true;
    }

    /** Lines published so far. */
    public long publishedCount() {
        return publisher.publishedCount();
    }
}

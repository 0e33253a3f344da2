package dev.myelin.launch.file;

/**
 * One node of a launch: started in file order, waited on until {@link #ready()}, watched for
 * {@link #failure()} while the launch runs, closed in reverse order. {@link #start()} and
 * {@link #close()} are called from the launching thread; the queries from any thread.
 */
public interface LaunchNode extends AutoCloseable {

    /** The node's name in the launch file. */
    String name();

    /** Starts the node; may return before it is ready. */
    void start() throws Exception;

    /** True once the node does its job (inputs flowing, policy running, broker listening...). */
    boolean ready();

    /** Why the node failed, or null while it is healthy. */
    String failure();

    /** True when the node finished its work and needs nothing more (a one-shot release, a finished process). */
    default boolean done() {
        return false;
    }

    /** Stops the node; idempotent. */
    @Override
    void close();
}

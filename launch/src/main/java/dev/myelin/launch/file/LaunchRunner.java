package dev.myelin.launch.file;

import dev.myelin.bridge.mqtt.BrokerEndpoint;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Runs a {@link LaunchFile}: creates and starts its nodes in file order, waiting for each to report
 * ready (within its {@code ready_timeout}) before the next starts; watches them for failure; closes
 * them in reverse order. A node that fails to start or become ready stops the launch: every node
 * already started is closed and {@link #start()} throws naming the node. One thread drives a runner.
 */
public final class LaunchRunner implements AutoCloseable {

    /** How a node finds the nodes started before it. */
    public interface Peers {
        /** The started node {@code name} of {@code type}; the error names the parameter that refers to it. */
        <T extends LaunchNode> T node(String name, Class<T> type, NodeParams params, String key);

        /** A broker: the name of a started broker node, or a URI (tcp://host:port, ssl://host:port). */
        BrokerEndpoint broker(String ref, NodeParams params);
    }

    /** A node failed to start, to become ready, or while running. */
    public static final class LaunchFailedException extends RuntimeException {
        public LaunchFailedException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private final LaunchFile file;
    private final PrintStream log;
    private final Map<String, LaunchNode> started = new LinkedHashMap<>();
    private final Peers peers = new Peers() {
        @Override
        public <T extends LaunchNode> T node(String name, Class<T> type, NodeParams params, String key) {
            LaunchNode n = started.get(name);
            if (n == null) {
                throw params.error(key, "no node '" + name + "' was started before this one (nodes start in file order)");
            }
            if (!type.isInstance(n)) {
                throw params.error(key, "node '" + name + "' is not a " + type.getSimpleName().replace("Node", "").toLowerCase(Locale.ROOT)
                        + " node");
            }
            return type.cast(n);
        }

        @Override
        public BrokerEndpoint broker(String ref, NodeParams params) {
            if (ref.contains("://")) {
                try {
                    return new BrokerEndpoint(ref, null, null, null);
                } catch (IllegalArgumentException e) {
                    throw params.error("broker", e.getMessage());
                }
            }
            return node(ref, BrokerNode.class, params, "broker").endpoint();
        }
    };

    /**
     * Runs every check that {@link #start()} would, in file order, without starting anything: each node's
     * parameters as its kind reads them (a controller's parameter file included, also for a separate
     * process), and references to nodes declared before it (a broker, a controller).
     *
     * @throws LaunchFileException naming the file, the line and the key of the first problem
     */
    public static void check(LaunchFile file) {
        Map<String, Class<?>> declared = new LinkedHashMap<>();
        Peers declaredOnly = new Peers() {
            @Override
            public <T extends LaunchNode> T node(String name, Class<T> type, NodeParams params, String key) {
                Class<?> c = declared.get(name);
                if (c == null) {
                    throw params.error(key, "no node '" + name + "' is declared before this one (nodes start in file order)");
                }
                if (!type.isAssignableFrom(c)) {
                    throw params.error(key, "node '" + name + "' is not a "
                            + type.getSimpleName().replace("Node", "").toLowerCase(Locale.ROOT) + " node");
                }
                return null;
            }

            @Override
            public BrokerEndpoint broker(String ref, NodeParams params) {
                if (ref.contains("://")) {
                    try {
                        new BrokerEndpoint(ref, null, null, null);
                    } catch (IllegalArgumentException e) {
                        throw params.error("broker", e.getMessage());
                    }
                    return null;
                }
                node(ref, BrokerNode.class, params, "broker");
                return null;
            }
        };
        for (LaunchFile.NodeSpec spec : file.nodes()) {
            LaunchNode node;
            try {
                if (spec.separate() && spec.paramFile() != null) {
                    ControllerNode.readParams(spec, spec.kind().equals("controller"));
                }
                node = NodeKinds.create(spec, declaredOnly);
            } catch (LaunchFileException e) {
                throw e;
            } catch (Exception e) {
                throw new LaunchFileException(spec.params().source(), spec.line(), null, "node '" + spec.name() + "' ("
                        + spec.kind() + "): " + e.getMessage());
            }
            declared.put(spec.name(), node.getClass());
        }
    }

    public LaunchRunner(LaunchFile file, PrintStream log) {
        this.file = file;
        this.log = log;
    }

    /** Starts every node in order, each once the one before is ready. */
    public void start() throws InterruptedException {
        for (LaunchFile.NodeSpec spec : file.nodes()) {
            long t0 = System.nanoTime();
            LaunchNode node;
            try {
                node = NodeKinds.create(spec, peers);
            } catch (Exception e) {
                close();
                throw new LaunchFailedException("node '" + spec.name() + "' (" + spec.kind() + "): " + e.getMessage(), e);
            }
            started.put(spec.name(), node);
            try {
                node.start();
            } catch (Exception e) {
                close();
                throw new LaunchFailedException("node '" + spec.name() + "' (" + spec.kind() + ") failed to start: " + e.getMessage(), e);
            }
            long deadline = t0 + spec.readyTimeout().toNanos();
            while (!node.ready()) {
                String f = node.failure();
                if (f != null) {
                    close();
                    throw new LaunchFailedException("node '" + spec.name() + "' (" + spec.kind() + ") failed before it was ready: " + f, null);
                }
                if (System.nanoTime() > deadline) {
                    close();
                    throw new LaunchFailedException("node '" + spec.name() + "' (" + spec.kind() + ") was not ready within "
                            + spec.readyTimeout().toMillis() / 1000.0 + " s (ready_timeout)", null);
                }
                Thread.sleep(20);
            }
            log.printf(Locale.ROOT, "[launch] %s (%s%s) ready in %d ms%n", spec.name(), spec.kind(),
                    spec.separate() ? ", separate process" : "", (System.nanoTime() - t0) / 1_000_000);
        }
    }

    /** The first failure of a running node, as "node 'x': why", or null. */
    public String failure() {
        for (Map.Entry<String, LaunchNode> e : started.entrySet()) {
            String f = e.getValue().failure();
            if (f != null) {
                return "node '" + e.getKey() + "': " + f;
            }
        }
        return null;
    }

    /** True when every node is done, or a node marked {@code on_exit: shutdown} is. */
    public boolean finished() {
        if (started.isEmpty()) {
            return false;
        }
        for (LaunchFile.NodeSpec s : file.nodes()) {
            LaunchNode n = started.get(s.name());
            if (s.shutdownOnExit() && n != null && n.done()) {
                return true;
            }
        }
        return started.values().stream().allMatch(LaunchNode::done);
    }

    /** A started node by name, or null. */
    public LaunchNode node(String name) {
        return started.get(name);
    }

    /** Closes the started nodes in reverse order; idempotent. */
    @Override
    public void close() {
        List<String> names = new ArrayList<>(started.keySet());
        for (int i = names.size() - 1; i >= 0; i--) {
            LaunchNode n = started.remove(names.get(i));
            try {
                n.close();
                log.println("[launch] " + names.get(i) + " stopped");
            } catch (RuntimeException e) {
                log.println("[launch] " + names.get(i) + " did not stop cleanly: " + e);
            }
        }
    }
}

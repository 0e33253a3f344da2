package dev.myelin.launch.file;

import dev.myelin.bridge.mqtt.BrokerEndpoint;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Runs a {@link LaunchFile}, or nodes a program built itself ({@link Planned}): creates and starts them in
 * order, waiting for each to report ready (within its {@code ready_timeout}) before the next starts; watches
 * them for failure; closes them in reverse order. A node that fails to start or become ready stops the launch:
 * every node already started is closed and {@link #start()} throws naming the node. One thread drives a runner.
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

    /**
     * A node built by the program that launches it (the demo): its kind as a launch file would name it, and how
     * long it may take from its start to reporting ready.
     */
    public record Planned(String kind, LaunchNode node, Duration readyTimeout) {
        public Planned {
            Objects.requireNonNull(kind, "kind");
            Objects.requireNonNull(node, "node");
            Objects.requireNonNull(readyTimeout, "readyTimeout");
        }
    }

    /** How a step's node comes to be: from its launch file entry and the nodes started before it, or given. */
    private interface Creation {
        LaunchNode create(Peers peers) throws Exception;
    }

    /** One node to start, in order. */
    private record Step(String name, String kind, boolean separate, boolean shutdownOnExit, Duration readyTimeout,
                        Creation creation) {
    }

    private final List<Step> steps;
    private final Consumer<String> log;
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

    /** The nodes of {@code file}, each created (with its parameters checked) when its turn comes. */
    public LaunchRunner(LaunchFile file, PrintStream log) {
        this(log::println, file.nodes().stream().map(spec -> new Step(spec.name(), spec.kind(), spec.separate(),
                spec.shutdownOnExit(), spec.readyTimeout(), peers -> NodeKinds.create(spec, peers))).toList());
    }

    /** Nodes already built, started in list order; {@code log} takes the runner's lines (ready, stopped). */
    public LaunchRunner(List<Planned> nodes, Consumer<String> log) {
        this(log, nodes.stream().map(n -> new Step(n.node().name(), n.kind(), false, false, n.readyTimeout(),
                peers -> n.node())).toList());
    }

    private LaunchRunner(Consumer<String> log, List<Step> steps) {
        java.util.Set<String> names = new java.util.HashSet<>();
        for (Step s : steps) {
            if (!names.add(s.name())) {
                throw new IllegalArgumentException("two nodes are named '" + s.name() + "'");
            }
        }
        this.steps = steps;
        this.log = log;
    }

    /** Starts every node in order, each once the one before is ready. */
    public void start() throws InterruptedException {
        for (Step step : steps) {
            long t0 = System.nanoTime();
            LaunchNode node;
            try {
                node = step.creation().create(peers);
            } catch (Exception e) {
                close();
                throw new LaunchFailedException("node '" + step.name() + "' (" + step.kind() + "): " + e.getMessage(), e);
            }
            started.put(step.name(), node);
            try {
                node.start();
            } catch (Exception e) {
                close();
                throw new LaunchFailedException("node '" + step.name() + "' (" + step.kind() + ") failed to start: " + e.getMessage(), e);
            }
            long deadline = t0 + step.readyTimeout().toNanos();
            while (!node.ready()) {
                String f = node.failure();
                if (f != null) {
                    close();
                    throw new LaunchFailedException("node '" + step.name() + "' (" + step.kind() + ") failed before it was ready: " + f, null);
                }
                if (System.nanoTime() > deadline) {
                    close();
                    throw new LaunchFailedException("node '" + step.name() + "' (" + step.kind() + ") was not ready within "
                            + step.readyTimeout().toMillis() / 1000.0 + " s (ready_timeout)", null);
                }
                Thread.sleep(20);
            }
            log.accept(String.format(Locale.ROOT, "[launch] %s (%s%s) ready in %d ms", step.name(), step.kind(),
                    step.separate() ? ", separate process" : "", (System.nanoTime() - t0) / 1_000_000));
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
        for (Step s : steps) {
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
                log.accept("[launch] " + names.get(i) + " stopped");
            } catch (RuntimeException e) {
                log.accept("[launch] " + names.get(i) + " did not stop cleanly: " + e);
            }
        }
    }
}

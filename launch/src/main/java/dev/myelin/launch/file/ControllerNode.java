package dev.myelin.launch.file;

import dev.myelin.controller.Controller;
import dev.myelin.controller.config.ControllerParams;
import dev.myelin.controller.hosting.PreparedPolicy;
import dev.myelin.controller.loop.IdleStrategy;
import dev.myelin.controller.ros.ControllerInterfaces;
import dev.myelin.controller.ros.ControllerParameters;
import dev.myelin.policy.bundle.TrustedKeys;
import dev.myelin.ros2.Context;
import dev.myelin.ros2.Node;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * {@code kind: controller}: the on-robot control loop ({@link Controller}) with its parameters from
 * {@code param_file} or inline {@code ros__parameters}. Parameters: {@code bundle} (optional: an
 * {@code ota-agent} node can install the policy instead), {@code engine}, {@code rate}, {@code idle},
 * {@code inactive}, {@code domain}, {@code localhost_only}. Ready once configured (and, with a
 * bundle, running it). {@code ./myelin controller} starts the same node.
 */
public final class ControllerNode implements LaunchNode {
    private final String name;
    private final ControllerParams params;
    private final Path bundle;
    private final boolean activate;
    private final RosSettings ros;
    private final TrustedKeys trusted;
    private Context context;
    private Node node;
    private volatile Controller controller;
    /** The parameter text behind {@link #params}, served as node parameters with the lifecycle; null: not served. */
    private ControllerParameters rosParameters;
    private Supplier<Context> contextFactory;
    private Configured configured;
    private volatile PreparedPolicy first;

    /** Called by {@link #start()} once the controller is configured, before its first policy is swapped in. */
    @FunctionalInterface
    public interface Configured {
        /**
         * @param first the verified and warmed-up bundle about to run, or null without a bundle
         */
        void configured(Controller controller, Context context, PreparedPolicy first) throws Exception;
    }

    /**
     * @param trusted keys the controller itself checks bundle files against; null: the parameters' {@code trusted_keys}
     */
    public ControllerNode(String name, ControllerParams params, Path bundle, boolean activate, RosSettings ros,
                          TrustedKeys trusted) {
        this.name = name;
        this.params = params;
        this.bundle = bundle;
        this.activate = activate;
        this.ros = ros;
        this.trusted = trusted;
    }

    /** Serves {@code parameters} (the text behind the node's parameters) as the node's ROS parameters. Before start. */
    public ControllerNode serveParameters(ControllerParameters parameters) {
        this.rosParameters = parameters;
        return this;
    }

    /** Opens the node's ROS context with {@code open} instead of from its {@link RosSettings}' domain and loopback. */
    public ControllerNode contextFactory(Supplier<Context> open) {
        this.contextFactory = open;
        return this;
    }

    /** Runs {@code hook} on {@link #start()} between configuring and swapping the first policy in. Before start. */
    public ControllerNode onConfigured(Configured hook) {
        this.configured = hook;
        return this;
    }

    /**
     * The node's controller parameters, from {@code param_file} (which must be a regular file) or inline
     * {@code ros__parameters}; null when {@code parse} is false (then only the file's presence is checked).
     * A problem in the parameter file is reported at the node's line with the parameter file's own line and key.
     */
    static ControllerParams readParams(LaunchFile.NodeSpec s, boolean parse) throws java.io.IOException {
        NodeParams p = s.params();
        try {
            if (s.paramFile() != null) {
                if (!Files.isRegularFile(s.paramFile())) {
                    throw new LaunchFileException(p.source(), s.line(), "param_file", s.paramFile()
                            + (Files.exists(s.paramFile()) ? " is not a regular file" : " does not exist"));
                }
                return parse ? ControllerParams.read(s.paramFile()) : null;
            }
            return ControllerParams.fromParameters(p.source(), s.name(),
                    new com.fasterxml.jackson.databind.ObjectMapper().valueToTree(s.rosParameters()), s.rosParameterLines(),
                    p.baseDir());
        } catch (dev.myelin.controller.config.ParamsException e) {
            throw new LaunchFileException(p.source(), s.line(), s.paramFile() != null ? "param_file" : "ros__parameters",
                    e.getMessage());
        }
    }

    static ControllerNode of(LaunchFile.NodeSpec s) throws java.io.IOException {
        NodeParams p = s.params();
        ControllerParams cp = readParams(s, true);
        if (p.has("engine")) {
            cp = cp.withEngine(p.string("engine", null));
        }
        if (p.has("rate") || p.has("idle")) {
            IdleStrategy idle;
            try {
                idle = p.has("idle") ? IdleStrategy.named(p.string("idle", null)) : cp.idleStrategy();
            } catch (IllegalArgumentException e) {
                throw p.error("idle", e.getMessage());
            }
            cp = cp.withRate(p.real("rate", cp.rateHz(), 10, 1000), idle);
        }
        Path bundle = p.path("bundle");
        if (bundle != null && !Files.isRegularFile(bundle)) {
            throw p.error("bundle", bundle + " does not exist");
        }
        ControllerNode node = new ControllerNode(s.name(), cp, bundle, !p.bool("inactive", false) && cp.startActive(),
                RosSettings.of(s), null);
        node.rosParameters = rosParameters(s);
        return node;
    }

    /** The same parameters as the ROS parameters the controller's node serves (get/set/list/describe). */
    private static ControllerParameters rosParameters(LaunchFile.NodeSpec s) throws java.io.IOException {
        NodeParams p = s.params();
        try {
            if (s.paramFile() != null) {
                return ControllerParameters.of(Files.readString(s.paramFile()), s.paramFile().toString(),
                        s.paramFile().toAbsolutePath().getParent());
            }
            return ControllerParameters.of(LaunchFile.rosParametersText(s),
                    p.source() + " node '" + s.name() + "' ros__parameters", p.baseDir());
        } catch (dev.myelin.controller.config.ParamsException e) {
            throw new LaunchFileException(p.source(), s.line(), s.paramFile() != null ? "param_file" : "ros__parameters",
                    e.getMessage());
        }
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void start() throws Exception {
        context = contextFactory != null ? contextFactory.get() : ros.open();
        try {
            node = context.createNode(params.nodeName(), ros.namespace(), ros.remapping());
            Controller c = trusted != null ? new Controller(params, node, trusted) : new Controller(params, node);
            if (rosParameters != null) {
                ControllerInterfaces.start(c, node, rosParameters);
            }
            PreparedPolicy p = bundle != null ? c.host().prepare(bundle) : null;
            first = p;
            c.configure();
            if (configured != null) {
                configured.configured(c, context, p);
            }
            if (p != null) {
                c.host().swap(p, Duration.ofSeconds(5));
            }
            if (activate) {
                c.activate();
            }
            controller = c;
        } catch (Exception | Error e) {
            close();
            throw e;
        }
    }

    /** The bundle the node started with, verified and warmed up (after {@link #start()}); null without one. */
    public PreparedPolicy firstPolicy() {
        return first;
    }

    /** The ROS node the controller runs on (after {@link #start()}). */
    public Node rosNode() {
        return node;
    }

    /** The ROS context the controller's node lives in (after {@link #start()}), for nodes that run beside it. */
    Context rosContext() {
        return context;
    }

    /** The controller (after {@link #start()}). */
    public Controller controller() {
        Controller c = controller;
        if (c == null) {
            throw new IllegalStateException("controller " + name + " is not started");
        }
        return c;
    }

    public ControllerParams params() {
        return params;
    }

    /** The ROS domain the controller joined (after start). */
    public int domainId() {
        return context.domainId();
    }

    @Override
    public boolean ready() {
        Controller c = controller;
        return c != null && c.loop() != null && c.loop().isRunning() && (bundle == null || c.host().current() != null);
    }

    @Override
    public String failure() {
        Controller c = controller;
        if (c == null || c.loop() == null) {
            return null;
        }
        if (!c.loop().isRunning()) {
            Throwable e = c.loop().lastError();
            return "control loop stopped" + (e != null ? ": " + e : "");
        }
        return null;
    }

    @Override
    public void close() {
        Controller c = controller;
        controller = null;
        if (c != null) {
            c.close();
        }
        if (node != null) {
            node.close();
            node = null;
        }
        if (context != null) {
            context.close();
            context = null;
        }
    }
}

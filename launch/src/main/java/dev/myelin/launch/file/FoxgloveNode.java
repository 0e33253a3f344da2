package dev.myelin.launch.file;

import dev.myelin.observe.foxglove.FoxgloveBridge;
import dev.myelin.observe.foxglove.FoxgloveServer;

import java.util.List;

/**
 * {@code kind: foxglove}: a Foxglove live view of the launch's ROS domain ({@code port}, default 8765, 0 = any free
 * one; {@code host}; {@code topics}, default every topic; {@code max_queued} frames per client; {@code domain},
 * {@code localhost_only}).
 */
public final class FoxgloveNode implements LaunchNode {
    private final String name;
    private final FoxgloveBridge.Options options;
    private volatile FoxgloveBridge bridge;

    public FoxgloveNode(String name, FoxgloveBridge.Options options) {
        this.name = name;
        this.options = options;
    }

    static FoxgloveNode of(LaunchFile.NodeSpec spec) {
        NodeParams p = spec.params();
        RosSettings ros = RosSettings.of(spec);
        List<String> topics = p.has("topics") ? p.list("topics") : List.of();
        return new FoxgloveNode(spec.name(), new FoxgloveBridge.Options(p.string("host", "0.0.0.0"),
                (int) p.integer("port", 8765, 0, 65535), ros.domain(), ros.localhostOnly(), topics,
                (int) p.integer("max_queued", FoxgloveServer.DEFAULT_MAX_QUEUED, 1, 1 << 20)));
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void start() throws Exception {
        bridge = FoxgloveBridge.start(options);
        System.out.println("[" + name + "] foxglove: ws://" + options.host() + ":" + bridge.port());
    }

    /** The port it listens on (after {@link #start()}). */
    public int port() {
        return bridge.port();
    }

    @Override
    public boolean ready() {
        return bridge != null;
    }

    @Override
    public String failure() {
        return null;
    }

    @Override
    public void close() {
        FoxgloveBridge b = bridge;
        bridge = null;
        if (b != null) {
            b.close();
        }
    }
}

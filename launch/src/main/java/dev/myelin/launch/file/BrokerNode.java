package dev.myelin.launch.file;

import dev.myelin.bridge.mqtt.BrokerEndpoint;
import dev.myelin.bridge.mqtt.EmbeddedBroker;

import java.nio.file.Path;

/** {@code kind: broker}: the embedded HiveMQ CE broker on 127.0.0.1 ({@code port}, 0 = any free one; {@code work_dir}). */
public final class BrokerNode implements LaunchNode {
    private final String name;
    private final int port;
    private final Path workDir;
    private volatile EmbeddedBroker broker;

    public BrokerNode(String name, int port, Path workDir) {
        this.name = name;
        this.port = port;
        this.workDir = workDir;
    }

    static BrokerNode of(LaunchFile.NodeSpec spec) {
        NodeParams p = spec.params();
        return new BrokerNode(spec.name(), (int) p.integer("port", 1883, 0, 65535), p.path("work_dir"));
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void start() throws Exception {
        broker = EmbeddedBroker.start(port, workDir);
    }

    /** The broker's address (after {@link #start()}). */
    public BrokerEndpoint endpoint() {
        EmbeddedBroker b = broker;
        if (b == null) {
            throw new IllegalStateException("broker " + name + " is not started");
        }
        return b.endpoint();
    }

    public String uri() {
        return broker == null ? "(not started)" : broker.uri();
    }

    @Override
    public boolean ready() {
        return broker != null;
    }

    @Override
    public String failure() {
        return null;
    }

    @Override
    public void close() {
        EmbeddedBroker b = broker;
        broker = null;
        if (b != null) {
            b.close();
        }
    }
}

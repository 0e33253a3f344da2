package dev.myelin.bridge.mqtt;

import com.hivemq.embedded.EmbeddedHiveMQ;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

/**
 * A HiveMQ Community Edition broker inside this process, listening on loopback only, so a fleet can be tried
 * (demo, scale benchmark, tests) with nothing installed. Its configuration, data and extension folders are
 * created under a work folder (a fresh temporary one by default, removed again by {@link #close()}).
 * Persistence is in memory: a stopped broker forgets sessions and retained messages. Anonymous clients may
 * connect; use Mosquitto or another broker for TLS and per-robot ACLs. Start and close from one thread.
 */
public final class EmbeddedBroker implements AutoCloseable {

    private final EmbeddedHiveMQ hivemq;
    private final int port;
    private final Path workDir;
    private final boolean ownsWorkDir;

    private EmbeddedBroker(EmbeddedHiveMQ hivemq, int port, Path workDir, boolean ownsWorkDir) {
        this.hivemq = hivemq;
        this.port = port;
        this.workDir = workDir;
        this.ownsWorkDir = ownsWorkDir;
    }

    /** Starts a broker on a free loopback port in a temporary work folder. */
    public static EmbeddedBroker start() throws IOException {
        return start(0, null);
    }

    /**
     * Starts a broker on {@code 127.0.0.1:port} (0: a free port) using {@code workDir} (null: a temporary
     * folder that {@link #close()} removes). Returns once the listener accepts connections.
     */
    public static EmbeddedBroker start(int port, Path workDir) throws IOException {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be 0..65535, got " + port);
        }
        boolean owns = workDir == null;
        Path root = owns ? Files.createTempDirectory("myelin-broker-") : Files.createDirectories(workDir);
        int p = port == 0 ? freeLoopbackPort() : port;
        Path conf = Files.createDirectories(root.resolve("conf"));
        Path data = Files.createDirectories(root.resolve("data"));
        Path ext = Files.createDirectories(root.resolve("extensions"));
        Files.writeString(conf.resolve("config.xml"), """
                <?xml version="1.0"?>
                <hivemq>
                    <listeners>
                        <tcp-listener>
                            <port>%d</port>
                            <bind-address>127.0.0.1</bind-address>
                        </tcp-listener>
                    </listeners>
                    <mqtt>
                        <queued-messages>
                            <max-queue-size>10000</max-queue-size>
                        </queued-messages>
                        <packets>
                            <max-packet-size>%d</max-packet-size>
                        </packets>
                    </mqtt>
                    <persistence>
                        <mode>in-memory</mode>
                    </persistence>
                    <anonymous-usage-statistics>
                        <enabled>false</enabled>
                    </anonymous-usage-statistics>
                </hivemq>
                """.formatted(p, MqttLink.MAX_PACKET_BYTES));
        EmbeddedHiveMQ h = EmbeddedHiveMQ.builder().withConfigurationFolder(conf).withDataFolder(data)
                .withExtensionsFolder(ext).withoutLoggingBootstrap().build();
        try {
            h.start().get(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closeQuietly(h);
            throw new IOException("interrupted while starting the embedded broker", e);
        } catch (ExecutionException | TimeoutException e) {
            closeQuietly(h);
            if (owns) {
                deleteTree(root);
            }
            throw new IOException("embedded HiveMQ broker did not start on 127.0.0.1:" + p + ": " + e.getMessage(), e);
        }
        return new EmbeddedBroker(h, p, root, owns);
    }

    public int port() {
        return port;
    }

    /** {@code tcp://127.0.0.1:<port>}. */
    public String uri() {
        return "tcp://127.0.0.1:" + port;
    }

    public BrokerEndpoint endpoint() {
        return BrokerEndpoint.tcp("127.0.0.1", port);
    }

    /** Stops the broker and removes its temporary work folder. Idempotent. */
    @Override
    public void close() {
        closeQuietly(hivemq);
        if (ownsWorkDir) {
            deleteTree(workDir);
        }
    }

    private static void closeQuietly(EmbeddedHiveMQ h) {
        try {
            h.close();
        } catch (ExecutionException e) {
            // already stopped or failed to start: nothing left to stop
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A loopback port nothing listens on right now. */
    public static int freeLoopbackPort() throws IOException {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            return s.getLocalPort();
        }
    }

    static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> s = Files.walk(root)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException | UncheckedIOException e) {
            // a leftover temporary folder is harmless
        }
    }
}

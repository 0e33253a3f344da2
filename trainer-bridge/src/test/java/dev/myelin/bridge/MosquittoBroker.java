package dev.myelin.bridge;

import dev.myelin.bridge.mqtt.BrokerEndpoint;
import dev.myelin.bridge.mqtt.EmbeddedBroker;
import dev.myelin.bridge.mqtt.MqttLink;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A Mosquitto broker (Debian package {@code mosquitto}) started by a test on a free loopback port with a
 * generated configuration: optionally TLS with a CA and server certificate generated here with
 * {@code openssl}, and username/password authentication with per-user ACLs. No persistence: a restart
 * forgets sessions and retained messages, as a crashed broker would.
 */
public final class MosquittoBroker implements AutoCloseable {

    private final Path dir;
    private final int port;
    private final boolean tls;
    private Process process;

    private MosquittoBroker(Path dir, int port, boolean tls) {
        this.dir = dir;
        this.port = port;
        this.tls = tls;
    }

    public static String binary() {
        for (String p : new String[] {"/usr/sbin/mosquitto", "/usr/bin/mosquitto", "/usr/local/sbin/mosquitto"}) {
            if (Files.isExecutable(Path.of(p))) {
                return p;
            }
        }
        throw new IllegalStateException("mosquitto is not installed (Debian package mosquitto; ./myelin installs it)");
    }

    /** Configuration of a broker to start. */
    public static final class Config {
        boolean tls;
        boolean packetLimit = true;
        final Map<String, String> users = new LinkedHashMap<>();
        final List<String> acl = new ArrayList<>();

        public Config tls() {
            this.tls = true;
            return this;
        }

        /**
         * Leaves out the broker's packet size limit ({@code max_packet_size}, on by default), as a broker
         * configured elsewhere might: then only the limit the clients announce protects them.
         */
        public Config withoutPacketLimit() {
            this.packetLimit = false;
            return this;
        }

        /** Adds a user; the first one switches anonymous access off. */
        public Config user(String name, String password) {
            users.put(name, password);
            return this;
        }

        /** Adds ACL lines ({@code user NAME}, {@code topic read|write|readwrite FILTER}). */
        public Config acl(String... lines) {
            acl.addAll(List.of(lines));
            return this;
        }
    }

    public static MosquittoBroker start(Path dir, Config config) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        int port = EmbeddedBroker.freeLoopbackPort();
        StringBuilder conf = new StringBuilder();
        conf.append("listener ").append(port).append(" 127.0.0.1\n");
        conf.append("persistence false\n");
        if (config.packetLimit) {
            conf.append("max_packet_size ").append(MqttLink.MAX_PACKET_BYTES).append('\n');
        }
        // Started as root, Mosquitto would switch to user "mosquitto", who cannot read the test's folder.
        conf.append("user ").append(System.getProperty("user.name")).append('\n');
        conf.append("log_dest stderr\nlog_type error\nlog_type warning\nlog_type notice\n");
        if (config.users.isEmpty()) {
            conf.append("allow_anonymous true\n");
        } else {
            conf.append("allow_anonymous false\n");
            Path pw = dir.resolve("passwd");
            Files.writeString(pw, "");
            for (Map.Entry<String, String> u : config.users.entrySet()) {
                run(dir, "mosquitto_passwd", "-b", pw.toString(), u.getKey(), u.getValue());
            }
            conf.append("password_file ").append(pw).append('\n');
        }
        if (!config.acl.isEmpty()) {
            Path acl = dir.resolve("acl");
            Files.writeString(acl, String.join("\n", config.acl) + "\n");
            conf.append("acl_file ").append(acl).append('\n');
        }
        if (config.tls) {
            generateCertificates(dir);
            conf.append("cafile ").append(dir.resolve("ca.pem")).append('\n');
            conf.append("certfile ").append(dir.resolve("server.pem")).append('\n');
            conf.append("keyfile ").append(dir.resolve("server.key")).append('\n');
        }
        Files.writeString(dir.resolve("mosquitto.conf"), conf);
        MosquittoBroker b = new MosquittoBroker(dir, port, config.tls);
        b.launch();
        return b;
    }

    /** Starts the broker process (again, after {@link #stop()}) and waits until it accepts connections. */
    public void launch() throws IOException, InterruptedException {
        process = new ProcessBuilder(binary(), "-c", dir.resolve("mosquitto.conf").toString())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("mosquitto.log").toFile()))
                .start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("mosquitto exited: " + Files.readString(dir.resolve("mosquitto.log")));
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return;
            } catch (IOException e) {
                Thread.sleep(50);
            }
        }
        throw new IOException("mosquitto did not listen on 127.0.0.1:" + port);
    }

    /** Stops the broker process (SIGTERM, then SIGKILL) and waits for it. */
    public void stop() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        }
    }

    /** The broker's log so far (connections, disconnections and their reasons, errors). */
    public String log() {
        try {
            return Files.readString(dir.resolve("mosquitto.log"));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    public int port() {
        return port;
    }

    public Path caCertificate() {
        return dir.resolve("ca.pem");
    }

    public BrokerEndpoint endpoint() {
        return tls ? new BrokerEndpoint("ssl://127.0.0.1:" + port, null, null, caCertificate())
                : BrokerEndpoint.tcp("127.0.0.1", port);
    }

    @Override
    public void close() {
        try {
            stop();
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    /** A throw-away CA and a server certificate for 127.0.0.1 / localhost signed by it. */
    private static void generateCertificates(Path dir) throws IOException, InterruptedException {
        run(dir, "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                "-keyout", "ca.key", "-out", "ca.pem", "-days", "2", "-subj", "/CN=myelin-test-ca");
        run(dir, "openssl", "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                "-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=localhost");
        Files.writeString(dir.resolve("server.ext"), "subjectAltName=IP:127.0.0.1,DNS:localhost\n");
        run(dir, "openssl", "x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
                "-out", "server.pem", "-days", "2", "-extfile", "server.ext");
    }

    private static void run(Path dir, String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IOException(String.join(" ", cmd) + " failed: " + out);
        }
    }
}

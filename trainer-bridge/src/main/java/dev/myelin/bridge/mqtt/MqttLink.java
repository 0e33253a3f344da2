package dev.myelin.bridge.mqtt;

import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttClientException;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.MqttSubscription;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.eclipse.paho.mqttv5.common.util.MqttTopicValidator;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.InetAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.net.SocketFactory;
import javax.net.ssl.SSLSocketFactory;

/**
 * One MQTT 5 connection (Eclipse Paho) that stays up. After every connection loss it throws the Paho client
 * away and connects a fresh one (backing off from 0.5 s to 5 s), because Paho 1.2.5's own automatic
 * reconnect can keep stale in-flight state that makes the broker drop the connection again ("protocol
 * error") or leaves the client hanging; what was in flight is the application's to send again, and every
 * sender here does (status and manifests on connect, unacknowledged experience batches, chunk requests).
 * On every connect it subscribes again to every filter it was given and runs the connect listeners, so
 * retained state (the current release manifest, chunks) is delivered again after each outage. The session is
 * durable when {@link Options#sessionExpiry} is non-zero (MQTT 5 ends a session at disconnect unless told).
 * Sockets are opened with TCP_NODELAY: small acknowledgements must not wait for Nagle's algorithm.
 *
 * <p>Handlers run on Paho's callback thread: they must hand work to their own thread and never block there,
 * nor publish (a publish from the callback thread can deadlock the client while it disconnects).
 * {@link #subscribe}, {@link #publish} and {@link #close} may be called from any thread.
 */
public final class MqttLink implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(MqttLink.class.getName());
    private static final long FIRST_RETRY_MS = 500;
    private static final long MAX_RETRY_MS = 5_000;

    /**
     * The MQTT 5 Maximum Packet Size every link announces on connect, and the limit configured on the brokers
     * (embedded HiveMQ: {@code <mqtt><packets><max-packet-size>}; Mosquitto: {@code max_packet_size}). The
     * largest legitimate payload is a signed release manifest (at most 256 KiB; chunks and experience batches
     * are at most 128 KiB, commands and reports 8 KiB); topics are at most about 300 bytes (every level a
     * validated name), and the fixed header, packet id and properties a few dozen bytes: 4 KiB covers them.
     * A broker must not deliver a larger packet to a client that announced this limit (MQTT 5.0, 3.1.2.11.4):
     * it drops it, so a 100 MB publish never reaches a robot's memory, nor comes back after a reconnect.
     */
    public static final int MAX_PACKET_BYTES = 256 * 1024 + 4096;

    /** Receives the messages of one subscription; called on Paho's callback thread. */
    @FunctionalInterface
    public interface Handler {
        void onMessage(String topic, byte[] payload, boolean retained);
    }

    /** Connection settings. Required: client id and endpoint; the rest has defaults. */
    public static final class Options {
        String clientId;
        BrokerEndpoint endpoint;
        Duration sessionExpiry = Duration.ofHours(24);
        int keepAliveSeconds = 10;
        String willTopic;
        byte[] willPayload;
        boolean willRetained;
        int maxPacketBytes = MAX_PACKET_BYTES;

        public Options clientId(String id) {
            this.clientId = id;
            return this;
        }

        public Options endpoint(BrokerEndpoint e) {
            this.endpoint = e;
            return this;
        }

        /** How long the broker keeps the session (subscriptions, queued QoS 1 messages) while disconnected. */
        public Options sessionExpiry(Duration d) {
            this.sessionExpiry = d;
            return this;
        }

        public Options keepAliveSeconds(int s) {
            this.keepAliveSeconds = s;
            return this;
        }

        /** The Maximum Packet Size announced to the broker (default {@link #MAX_PACKET_BYTES}). */
        public Options maxPacketBytes(int bytes) {
            this.maxPacketBytes = bytes;
            return this;
        }

        /** The message the broker publishes for us when the connection drops without a DISCONNECT. */
        public Options will(String topic, byte[] payload, boolean retained) {
            this.willTopic = topic;
            this.willPayload = payload.clone();
            this.willRetained = retained;
            return this;
        }

        void conclude() {
            if (clientId == null || clientId.isEmpty() || clientId.length() > 128) {
                throw new IllegalArgumentException("MQTT client id must be 1-128 characters, got '" + clientId + "'");
            }
            if (endpoint == null) {
                throw new IllegalArgumentException("broker endpoint is missing");
            }
            if (sessionExpiry == null || sessionExpiry.isNegative()) {
                throw new IllegalArgumentException("session expiry must be >= 0");
            }
            if (maxPacketBytes < 1024) {
                throw new IllegalArgumentException("maximum packet size must be >= 1024 bytes, got " + maxPacketBytes);
            }
        }
    }

    private record Subscription(int qos, Handler handler) {
    }

    private final Options options;
    private final SocketFactory sockets;
    private final Map<String, Subscription> subscriptions = new ConcurrentHashMap<>();
    private final List<Runnable> connectListeners = new CopyOnWriteArrayList<>();
    private final ScheduledExecutorService connector;
    private final AtomicBoolean started = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile MqttAsyncClient client;
    private volatile long connects;
    private long retryMs = FIRST_RETRY_MS;

    public MqttLink(Options options) throws IOException {
        options.conclude();
        this.options = options;
        this.sockets = options.endpoint.tls() ? new NoDelaySslSockets(options.endpoint.tlsSocketFactory())
                : new NoDelaySockets();
        this.connector = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "mqtt-connect-" + options.clientId);
            t.setDaemon(true);
            return t;
        });
    }

    public String clientId() {
        return options.clientId;
    }

    /** Adds (or replaces) a subscription; it is (re)made on every connect. Any thread. */
    public void subscribe(String filter, int qos, Handler handler) {
        MqttTopicValidator.validate(filter, true, true);
        subscriptions.put(filter, new Subscription(qos, handler));
        MqttAsyncClient c = client;
        if (c != null && c.isConnected()) {
            sendSubscribe(c, new MqttSubscription[] {new MqttSubscription(filter, qos)});
        }
    }

    public void unsubscribe(String filter) {
        MqttAsyncClient c = client;
        if (subscriptions.remove(filter) != null && c != null && c.isConnected()) {
            try {
                c.unsubscribe(filter);
            } catch (MqttException e) {
                LOG.log(Level.DEBUG, "unsubscribe " + filter + ": " + e.getMessage());
            }
        }
    }

    /** Runs {@code r} on every successful connect, after subscriptions were sent; on Paho's callback thread. */
    public void onConnected(Runnable r) {
        connectListeners.add(r);
    }

    public void removeOnConnected(Runnable r) {
        connectListeners.remove(r);
    }

    /** Starts connecting in the background; keeps the connection up until {@link #close()}. */
    public void start() {
        if (started.compareAndSet(false, true)) {
            schedule(0);
        }
    }

    /** Starts and waits up to {@code timeout} for the first connection; false when not connected by then. */
    public boolean startAndAwait(Duration timeout) throws InterruptedException {
        start();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!isConnected() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        return isConnected();
    }

    public boolean isConnected() {
        MqttAsyncClient c = client;
        return c != null && c.isConnected();
    }

    /** Successful connects so far (the first and every reconnect). */
    public long connects() {
        return connects;
    }

    private void schedule(long delayMs) {
        try {
            connector.schedule(this::connectFresh, delayMs, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // closed
        }
    }

    /** On the connector thread: discard the old client, connect a new one; on failure try again later. */
    private void connectFresh() {
        MqttAsyncClient current = client;
        if (closed.get() || (current != null && current.isConnected())) {
            return; // closed, or a second request after the link is already up again
        }
        discard(client);
        MqttAsyncClient c;
        try {
            c = new MqttAsyncClient(options.endpoint.uri(), options.clientId, new MemoryPersistence());
        } catch (MqttException e) {
            LOG.log(Level.ERROR, options.clientId + ": cannot create an MQTT client: " + e.getMessage());
            schedule(MAX_RETRY_MS);
            return;
        }
        c.setCallback(new Callback(c));
        client = c;
        try {
            c.connect(connectionOptions()).waitForCompletion(10_000);
            retryMs = FIRST_RETRY_MS;
        } catch (MqttException e) {
            LOG.log(Level.DEBUG, options.clientId + ": connect to " + options.endpoint + " failed: " + e.getMessage());
            if (!closed.get() && !c.isConnected()) {
                schedule(retryMs);
                retryMs = Math.min(retryMs * 2, MAX_RETRY_MS);
            }
        }
    }

    private static void discard(MqttAsyncClient old) {
        if (old == null) {
            return;
        }
        try {
            old.disconnectForcibly(0, 100, false);
        } catch (MqttException e) {
            // already disconnected
        }
        try {
            old.close(true);
        } catch (MqttException e) {
            // nothing left to release
        }
    }

    private MqttConnectionOptions connectionOptions() throws MqttException {
        MqttConnectionOptions o = new MqttConnectionOptions();
        o.setCleanStart(false);
        o.setSessionExpiryInterval(options.sessionExpiry.toSeconds());
        o.setAutomaticReconnect(false);
        o.setKeepAliveInterval(options.keepAliveSeconds);
        o.setConnectionTimeout(10);
        o.setMaximumPacketSize((long) options.maxPacketBytes);
        o.setSocketFactory(sockets);
        if (options.endpoint.username() != null) {
            o.setUserName(options.endpoint.username());
            char[] p = options.endpoint.password();
            if (p != null) {
                o.setPassword(new String(p).getBytes(java.nio.charset.StandardCharsets.UTF_8));
            }
        }
        if (options.endpoint.tls()) {
            o.setHttpsHostnameVerificationEnabled(true);
        }
        if (options.willTopic != null) {
            o.setWill(options.willTopic, new MqttMessage(options.willPayload, 1, options.willRetained, new MqttProperties()));
        }
        return o;
    }

    /**
     * Publishes without waiting; the token completes when the broker acknowledged (QoS 1).
     *
     * @throws MqttException when not connected (nothing is buffered while disconnected)
     */
    public IMqttToken publish(String topic, byte[] payload, int qos, boolean retained) throws MqttException {
        MqttAsyncClient c = client;
        if (c == null || !c.isConnected()) {
            throw new MqttException(MqttClientException.REASON_CODE_CLIENT_NOT_CONNECTED);
        }
        return c.publish(topic, payload, qos, retained);
    }

    /**
     * Publishes and waits for the broker's acknowledgement; false (nothing thrown) when not connected, or
     * not acknowledged within {@code timeout}. Never call on Paho's callback thread.
     */
    public boolean publishAndWait(String topic, byte[] payload, int qos, boolean retained, Duration timeout) {
        try {
            IMqttToken t = publish(topic, payload, qos, retained);
            t.waitForCompletion(timeout.toMillis());
            return t.isComplete() && t.getException() == null;
        } catch (MqttException e) {
            LOG.log(Level.DEBUG, options.clientId + ": publish " + topic + " failed: " + e.getMessage());
            return false;
        }
    }

    private void sendSubscribe(MqttAsyncClient c, MqttSubscription[] subs) {
        try {
            c.subscribe(subs);
        } catch (MqttException e) {
            LOG.log(Level.DEBUG, options.clientId + ": subscribe failed: " + e.getMessage());
        }
    }

    /** Disconnects cleanly (no last will) and releases the client. Idempotent. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        connector.shutdownNow();
        try {
            connector.awaitTermination(15, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        MqttAsyncClient c = client;
        if (c == null) {
            return;
        }
        try {
            if (c.isConnected()) {
                c.disconnect(2_000).waitForCompletion(3_000);
            }
        } catch (MqttException e) {
            LOG.log(Level.DEBUG, options.clientId + ": disconnect: " + e.getMessage());
        }
        discard(c);
    }

    /**
     * Drops the connection without DISCONNECT, as a crash or a cable pull would (the broker then publishes the
     * last will); the link connects again by itself. For fault tests and demos.
     */
    public void dropConnection() {
        MqttAsyncClient c = client;
        if (c != null) {
            try {
                c.disconnectForcibly(0, 100, false);
            } catch (MqttException e) {
                LOG.log(Level.DEBUG, options.clientId + ": forced disconnect: " + e.getMessage());
            }
            if (!closed.get()) {
                schedule(FIRST_RETRY_MS);
            }
        }
    }

    /** Events of one Paho client; events of a client already replaced are ignored. */
    private final class Callback implements MqttCallback {
        private final MqttAsyncClient owner;

        Callback(MqttAsyncClient owner) {
            this.owner = owner;
        }

        private boolean current() {
            return client == owner && !closed.get();
        }

        @Override
        public void disconnected(MqttDisconnectResponse r) {
            LOG.log(Level.DEBUG, options.clientId + ": disconnected: " + r);
            if (current()) {
                schedule(FIRST_RETRY_MS);
            }
        }

        @Override
        public void mqttErrorOccurred(MqttException e) {
            LOG.log(Level.DEBUG, options.clientId + ": " + e.getMessage());
        }

        @Override
        public void messageArrived(String topic, MqttMessage message) {
            if (!current()) {
                return;
            }
            byte[] payload = message.getPayload();
            for (Map.Entry<String, Subscription> e : subscriptions.entrySet()) {
                if (MqttTopicValidator.isMatched(e.getKey(), topic)) {
                    try {
                        e.getValue().handler.onMessage(topic, payload, message.isRetained());
                    } catch (RuntimeException ex) {
                        LOG.log(Level.WARNING, options.clientId + ": handler for " + topic + " failed", ex);
                    }
                }
            }
        }

        @Override
        public void deliveryComplete(IMqttToken token) {
        }

        @Override
        public void connectComplete(boolean reconnect, String serverUri) {
            if (!current()) {
                return;
            }
            connects++;
            MqttSubscription[] subs = subscriptions.entrySet().stream()
                    .map(e -> new MqttSubscription(e.getKey(), e.getValue().qos)).toArray(MqttSubscription[]::new);
            if (subs.length > 0) {
                sendSubscribe(owner, subs);
            }
            for (Runnable r : connectListeners) {
                try {
                    r.run();
                } catch (RuntimeException ex) {
                    LOG.log(Level.WARNING, options.clientId + ": connect listener failed", ex);
                }
            }
        }

        @Override
        public void authPacketArrived(int reasonCode, MqttProperties properties) {
        }
    }

    /** Plain TCP sockets with Nagle's algorithm off. */
    private static final class NoDelaySockets extends SocketFactory {
        @Override
        public Socket createSocket() throws IOException {
            Socket s = new Socket();
            s.setTcpNoDelay(true);
            return s;
        }

        @Override
        public Socket createSocket(String host, int port) throws IOException {
            return noDelay(new Socket(host, port));
        }

        @Override
        public Socket createSocket(String host, int port, InetAddress local, int localPort) throws IOException {
            return noDelay(new Socket(host, port, local, localPort));
        }

        @Override
        public Socket createSocket(InetAddress host, int port) throws IOException {
            return noDelay(new Socket(host, port));
        }

        @Override
        public Socket createSocket(InetAddress host, int port, InetAddress local, int localPort) throws IOException {
            return noDelay(new Socket(host, port, local, localPort));
        }
    }

    /** TLS sockets (trusting the endpoint's CA) with Nagle's algorithm off. */
    private static final class NoDelaySslSockets extends SSLSocketFactory {
        private final SSLSocketFactory tls;

        NoDelaySslSockets(SocketFactory tls) {
            this.tls = (SSLSocketFactory) tls;
        }

        @Override
        public String[] getDefaultCipherSuites() {
            return tls.getDefaultCipherSuites();
        }

        @Override
        public String[] getSupportedCipherSuites() {
            return tls.getSupportedCipherSuites();
        }

        @Override
        public Socket createSocket() throws IOException {
            return noDelay(tls.createSocket());
        }

        @Override
        public Socket createSocket(Socket s, String host, int port, boolean autoClose) throws IOException {
            return noDelay(tls.createSocket(s, host, port, autoClose));
        }

        @Override
        public Socket createSocket(String host, int port) throws IOException {
            return noDelay(tls.createSocket(host, port));
        }

        @Override
        public Socket createSocket(String host, int port, InetAddress local, int localPort) throws IOException {
            return noDelay(tls.createSocket(host, port, local, localPort));
        }

        @Override
        public Socket createSocket(InetAddress host, int port) throws IOException {
            return noDelay(tls.createSocket(host, port));
        }

        @Override
        public Socket createSocket(InetAddress host, int port, InetAddress local, int localPort) throws IOException {
            return noDelay(tls.createSocket(host, port, local, localPort));
        }
    }

    private static Socket noDelay(Socket s) throws IOException {
        s.setTcpNoDelay(true);
        return s;
    }
}

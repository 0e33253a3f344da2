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
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One MQTT 5 connection (Eclipse Paho) that stays up: it keeps trying the first connect in the background,
 * lets Paho reconnect automatically afterwards, and on every (re)connect subscribes again to every filter it
 * was given and runs the connect listeners (so retained state, such as the current release manifest, is
 * delivered again after each outage). The session is durable when {@link Options#sessionExpiry} is non-zero
 * (MQTT 5 ends a session at disconnect unless told otherwise).
 *
 * <p>Handlers run on Paho's callback thread: they must hand work to their own thread and never block or
 * wait for a publish there. {@link #subscribe}, {@link #publish} and {@link #close} may be called from any
 * thread.
 */
public final class MqttLink implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(MqttLink.class.getName());

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
        }
    }

    private record Subscription(int qos, Handler handler) {
    }

    private final Options options;
    private final MqttAsyncClient client;
    private final Map<String, Subscription> subscriptions = new ConcurrentHashMap<>();
    private final List<Runnable> connectListeners = new CopyOnWriteArrayList<>();
    private final ScheduledExecutorService retry;
    private final AtomicBoolean started = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile boolean everConnected;
    private volatile long connects;

    public MqttLink(Options options) throws IOException {
        options.conclude();
        this.options = options;
        try {
            this.client = new MqttAsyncClient(options.endpoint.uri(), options.clientId, new MemoryPersistence());
        } catch (MqttException e) {
            throw new IOException("cannot create MQTT client for " + options.endpoint + ": " + e.getMessage(), e);
        }
        this.retry = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "mqtt-connect-" + options.clientId);
            t.setDaemon(true);
            return t;
        });
        client.setCallback(new Callback());
    }

    public String clientId() {
        return options.clientId;
    }

    /** Adds (or replaces) a subscription; it is (re)made on every connect. Any thread. */
    public void subscribe(String filter, int qos, Handler handler) {
        MqttTopicValidator.validate(filter, true, true);
        subscriptions.put(filter, new Subscription(qos, handler));
        if (client.isConnected()) {
            sendSubscribe(new MqttSubscription[] {new MqttSubscription(filter, qos)});
        }
    }

    /**
     * Subscribes again to filters already added, so the broker delivers their retained messages again
     * (MQTT 5 retain handling 0). Used to re-request chunks. Any thread.
     */
    public void resubscribe(List<String> filters) {
        if (!client.isConnected()) {
            return;
        }
        MqttSubscription[] subs = filters.stream().filter(subscriptions::containsKey)
                .map(f -> new MqttSubscription(f, subscriptions.get(f).qos)).toArray(MqttSubscription[]::new);
        if (subs.length > 0) {
            sendSubscribe(subs);
        }
    }

    public void unsubscribe(String filter) {
        if (subscriptions.remove(filter) != null && client.isConnected()) {
            try {
                client.unsubscribe(filter);
            } catch (MqttException e) {
                LOG.log(Level.DEBUG, "unsubscribe " + filter + ": " + e.getMessage());
            }
        }
    }

    /** Runs {@code r} on every successful (re)connect, after subscriptions were sent; on Paho's callback thread. */
    public void onConnected(Runnable r) {
        connectListeners.add(r);
    }

    public void removeOnConnected(Runnable r) {
        connectListeners.remove(r);
    }

    /** Starts connecting in the background and keeps trying until connected or closed. */
    public void start() {
        if (started.compareAndSet(false, true)) {
            retry.execute(this::tryConnect);
        }
    }

    /** Starts and waits up to {@code timeout} for the first connection; false when not connected by then. */
    public boolean startAndAwait(Duration timeout) throws InterruptedException {
        start();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!client.isConnected() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        return client.isConnected();
    }

    public boolean isConnected() {
        return client.isConnected();
    }

    /** Successful connects so far (first connect and reconnects). */
    public long connects() {
        return connects;
    }

    private void tryConnect() {
        if (closed.get() || everConnected) {
            return;
        }
        try {
            client.connect(connectionOptions()).waitForCompletion(10_000);
        } catch (MqttException e) {
            LOG.log(Level.DEBUG, options.clientId + ": connect to " + options.endpoint + " failed: " + e.getMessage());
            if (!closed.get() && !client.isConnected()) {
                retry.schedule(this::tryConnect, 500, TimeUnit.MILLISECONDS);
            }
        }
    }

    private MqttConnectionOptions connectionOptions() throws MqttException {
        MqttConnectionOptions o = new MqttConnectionOptions();
        o.setCleanStart(false);
        o.setSessionExpiryInterval(options.sessionExpiry.toSeconds());
        o.setAutomaticReconnect(true);
        o.setAutomaticReconnectDelay(1, 5);
        o.setKeepAliveInterval(options.keepAliveSeconds);
        o.setConnectionTimeout(10);
        if (options.endpoint.username() != null) {
            o.setUserName(options.endpoint.username());
            char[] p = options.endpoint.password();
            if (p != null) {
                o.setPassword(new String(p).getBytes(java.nio.charset.StandardCharsets.UTF_8));
            }
        }
        if (options.endpoint.tls()) {
            try {
                o.setSocketFactory(options.endpoint.tlsSocketFactory());
            } catch (IOException e) {
                throw new MqttException(MqttClientException.REASON_CODE_SSL_CONFIG_ERROR, e);
            }
            o.setHttpsHostnameVerificationEnabled(true);
        }
        if (options.willTopic != null) {
            MqttMessage will = new MqttMessage(options.willPayload, 1, options.willRetained, new MqttProperties());
            o.setWill(options.willTopic, will);
        }
        return o;
    }

    /** Publishes without waiting; the token completes when the broker acknowledged (QoS 1). */
    public IMqttToken publish(String topic, byte[] payload, int qos, boolean retained) throws MqttException {
        return client.publish(topic, payload, qos, retained);
    }

    /**
     * Publishes and waits for the broker's acknowledgement; false (nothing thrown) when not connected, or
     * not acknowledged within {@code timeout}. Never call on Paho's callback thread.
     */
    public boolean publishAndWait(String topic, byte[] payload, int qos, boolean retained, Duration timeout) {
        if (!client.isConnected()) {
            return false;
        }
        try {
            IMqttToken t = client.publish(topic, payload, qos, retained);
            t.waitForCompletion(timeout.toMillis());
            return t.isComplete() && t.getException() == null;
        } catch (MqttException e) {
            LOG.log(Level.DEBUG, options.clientId + ": publish " + topic + " failed: " + e.getMessage());
            return false;
        }
    }

    private void sendSubscribe(MqttSubscription[] subs) {
        try {
            client.subscribe(subs);
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
        retry.shutdownNow();
        try {
            if (client.isConnected()) {
                client.disconnect(2_000).waitForCompletion(3_000);
            }
        } catch (MqttException e) {
            LOG.log(Level.DEBUG, options.clientId + ": disconnect: " + e.getMessage());
        }
        try {
            client.close(true);
        } catch (MqttException e) {
            LOG.log(Level.DEBUG, options.clientId + ": close: " + e.getMessage());
        }
    }

    /**
     * Drops the connection without DISCONNECT, as a crash or a cable pull would (the broker then publishes the
     * last will); Paho reconnects automatically. For fault tests and demos.
     */
    public void dropConnection() {
        try {
            client.disconnectForcibly(0, 100, false);
        } catch (MqttException e) {
            LOG.log(Level.DEBUG, options.clientId + ": forced disconnect: " + e.getMessage());
        }
    }

    private final class Callback implements MqttCallback {
        @Override
        public void disconnected(MqttDisconnectResponse r) {
            LOG.log(Level.DEBUG, options.clientId + ": disconnected: " + r);
        }

        @Override
        public void mqttErrorOccurred(MqttException e) {
            LOG.log(Level.DEBUG, options.clientId + ": " + e.getMessage());
        }

        @Override
        public void messageArrived(String topic, MqttMessage message) {
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
            everConnected = true;
            connects++;
            MqttSubscription[] subs = subscriptions.entrySet().stream()
                    .map(e -> new MqttSubscription(e.getKey(), e.getValue().qos)).toArray(MqttSubscription[]::new);
            if (subs.length > 0) {
                sendSubscribe(subs);
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
}

package dev.myelin.observe.foxglove;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A Foxglove protocol client for benchmarks and checks (the JDK's WebSocket client): subscribes to every channel the
 * server advertises (or those of the topics given) and counts what arrives. A stalling probe stops asking for frames after its first message, so the
 * server's writes pile up in the socket buffers exactly as with a client that hangs.
 */
public final class FoxgloveProbe implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final boolean stall;
    private final java.util.Set<String> topics;
    private final AtomicLong messages = new AtomicLong();
    private final AtomicLong bytes = new AtomicLong();
    private final AtomicInteger subscriptions = new AtomicInteger();
    private final StringBuilder text = new StringBuilder();
    private final WebSocket ws;
    /** Sends one after the other (the JDK client allows one outstanding send); the first may come before the constructor ends. */
    private CompletableFuture<?> sending = CompletableFuture.completedFuture(null);
    private long frameBytes;

    private FoxgloveProbe(URI uri, boolean stall, java.util.Set<String> topics) throws IOException {
        this.stall = stall;
        this.topics = java.util.Set.copyOf(topics);
        try {
            this.ws = HttpClient.newHttpClient().newWebSocketBuilder().subprotocols(FoxgloveServer.SUBPROTOCOL)
                    .connectTimeout(Duration.ofSeconds(5)).buildAsync(uri, new Listener()).get(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted connecting to " + uri, e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IOException("cannot connect to " + uri + ": " + e.getMessage(), e);
        }
    }

    /** Connects; {@code stall}: stop reading after the first message. */
    public static FoxgloveProbe connect(URI uri, boolean stall) throws IOException {
        return new FoxgloveProbe(uri, stall, java.util.Set.of());
    }

    /** Connects, subscribing only to channels of these topics. */
    public static FoxgloveProbe connect(URI uri, boolean stall, java.util.Set<String> topics) throws IOException {
        return new FoxgloveProbe(uri, stall, topics);
    }

    public long messages() {
        return messages.get();
    }

    public long bytes() {
        return bytes.get();
    }

    /** Subscriptions requested so far. */
    public int subscriptions() {
        return subscriptions.get();
    }

    private synchronized void send(WebSocket webSocket, String json) {
        sending = sending.thenCompose(x -> webSocket.sendText(json, true));
    }

    private final class Listener implements WebSocket.Listener {
        @Override
        public void onOpen(WebSocket webSocket) {
            webSocket.request(1);
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
                String json = text.toString();
                text.setLength(0);
                try {
                    JsonNode msg = JSON.readTree(json);
                    if ("advertise".equals(msg.path("op").asText())) {
                        ObjectNode sub = JSON.createObjectNode().put("op", "subscribe");
                        var list = sub.putArray("subscriptions");
                        for (JsonNode c : msg.path("channels")) {
                            if (!topics.isEmpty() && !topics.contains(c.path("topic").asText())) {
                                continue;
                            }
                            list.addObject().put("id", subscriptions.getAndIncrement()).put("channelId", c.path("id").asInt());
                        }
                        if (!list.isEmpty()) {
                            send(webSocket, sub.toString());
                        }
                    }
                } catch (IOException e) {
                    throw new IllegalStateException("server sent malformed JSON: " + json, e);
                }
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            System.err.println("foxglove probe: server closed the connection: " + statusCode + " " + reason);
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            System.err.println("foxglove probe: " + error);
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
            frameBytes += data.remaining();
            if (last) {
                messages.incrementAndGet();
                bytes.addAndGet(frameBytes);
                frameBytes = 0;
            }
            if (!(stall && messages.get() > 0)) {
                webSocket.request(1);
            }
            return null;
        }
    }

    @Override
    public void close() {
        ws.abort();
    }

    /**
     * {@code FoxgloveProbe URL read|stall}: a probe in a process of its own, so that it costs the measured process
     * nothing; prints {@code connected}, then when stdin closes one line {@code messages=N bytes=B subscriptions=S}.
     */
    public static void main(String[] args) throws Exception {
        if (args.length != 2 || !(args[1].equals("read") || args[1].equals("stall"))) {
            System.err.println("usage: FoxgloveProbe ws://HOST:PORT read|stall");
            System.exit(2);
        }
        try (FoxgloveProbe p = connect(URI.create(args[0]), args[1].equals("stall"))) {
            System.out.println("connected");
            System.out.flush();
            System.in.transferTo(java.io.OutputStream.nullOutputStream());
            System.out.println("messages=" + p.messages() + " bytes=" + p.bytes() + " subscriptions=" + p.subscriptions());
        }
    }
}

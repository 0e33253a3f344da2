package dev.myelin.observe.foxglove;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A Foxglove WebSocket protocol server (subprotocol {@value #SUBPROTOCOL}). On connection a client gets
 * {@code serverInfo} (no optional capabilities) and an {@code advertise} of every channel; channels added later are
 * advertised to every client, removed ones unadvertised. Clients {@code subscribe} and {@code unsubscribe}; every
 * message published on a channel goes to each subscribed client as a binary Message Data frame (opcode 0x01,
 * subscription id, receive time in ns since the epoch, payload as given).
 *
 * <p>Each client has a bounded queue of {@link #maxQueued()} frames written but not yet handed to the socket; when
 * it is full (the client reads too slowly or not at all) a new message for that client is dropped and counted.
 * {@link #publish} therefore never blocks: it copies the payload once per subscribed client into a pooled buffer
 * and hands it to the client's event loop. With no subscriber it does nothing and allocates nothing.
 *
 * <p>Malformed requests (bad JSON, unknown channel, reused subscription id, client data frames, which this server
 * does not accept) are answered with a {@code status} message naming what was wrong; the connection stays open.
 *
 * <p>Thread-safe: channels may be added and published from any thread.
 */
public final class FoxgloveServer implements AutoCloseable {

    public static final String SUBPROTOCOL = "foxglove.websocket.v1";
    /** Frames a client may have queued before messages for it are dropped. */
    public static final int DEFAULT_MAX_QUEUED = 64;
    static final byte OP_MESSAGE_DATA = 0x01;
    private static final int STATUS_WARNING = 1;
    private static final int STATUS_ERROR = 2;
    private static final int MAX_REQUEST_BYTES = 1 << 20;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final System.Logger LOG = System.getLogger(FoxgloveServer.class.getName());
    private static final ThreadLocal<byte[]> SCRATCH = ThreadLocal.withInitial(() -> new byte[4096]);

    /** An advertised channel; {@code id} is what clients subscribe to. */
    public record ChannelInfo(int id, String topic, String encoding, String schemaName, String schema,
                              String schemaEncoding) {
    }

    /** Counters over the server's life. */
    public record Stats(int clients, long sent, long dropped, long refusedRequests) {
    }

    private final String name;
    private final int maxQueued;
    private final EventLoopGroup boss;
    private final EventLoopGroup workers;
    private final Channel serverChannel;
    private final String sessionId = Long.toString(System.currentTimeMillis());
    private final long epochOffsetNanos;
    private final Object advertiseLock = new Object();
    private final Map<Integer, ChannelInfo> channels = new ConcurrentHashMap<>();
    private final AtomicInteger nextChannelId = new AtomicInteger(1);
    private final List<Client> clients = new CopyOnWriteArrayList<>();
    /** The same clients as an array, replaced on every change: {@link #publish} iterates it without allocating. */
    private volatile Client[] clientArray = new Client[0];
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();

    private FoxgloveServer(String name, int maxQueued, EventLoopGroup boss, EventLoopGroup workers, InetSocketAddress bind)
            throws IOException {
        this.name = name;
        this.maxQueued = maxQueued;
        this.boss = boss;
        this.workers = workers;
        this.epochOffsetNanos = System.currentTimeMillis() * 1_000_000L - System.nanoTime();
        WebSocketServerProtocolConfig ws = WebSocketServerProtocolConfig.newBuilder()
                .websocketPath("/").subprotocols(SUBPROTOCOL).checkStartsWith(true)
                .maxFramePayloadLength(MAX_REQUEST_BYTES).handshakeTimeoutMillis(10_000).build();
        ServerBootstrap b = new ServerBootstrap().group(boss, workers).channel(NioServerSocketChannel.class)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(256 * 1024, 1024 * 1024))
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(64 * 1024),
                                new WebSocketServerProtocolHandler(ws), new ClientHandler());
                    }
                });
        try {
            this.serverChannel = b.bind(bind).sync().channel();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while binding " + bind, e);
        } catch (Exception e) {
            throw new IOException("cannot listen on " + bind + ": " + e.getMessage(), e);
        }
    }

    /** Listens on {@code bind} (port 0: any free port) with the default queue bound. */
    public static FoxgloveServer start(String name, InetSocketAddress bind) throws IOException {
        return start(name, bind, DEFAULT_MAX_QUEUED);
    }

    public static FoxgloveServer start(String name, InetSocketAddress bind, int maxQueued) throws IOException {
        if (maxQueued < 1) {
            throw new IllegalArgumentException("max queued frames per client must be >= 1, got " + maxQueued);
        }
        EventLoopGroup boss = new NioEventLoopGroup(1, Thread.ofPlatform().daemon().name("myelin-foxglove-accept").factory());
        EventLoopGroup workers = new NioEventLoopGroup(1, Thread.ofPlatform().daemon().name("myelin-foxglove-io").factory());
        try {
            return new FoxgloveServer(name, maxQueued, boss, workers, bind);
        } catch (IOException | RuntimeException e) {
            boss.shutdownGracefully(0, 0, java.util.concurrent.TimeUnit.MILLISECONDS);
            workers.shutdownGracefully(0, 0, java.util.concurrent.TimeUnit.MILLISECONDS);
            throw e;
        }
    }

    public int port() {
        return ((InetSocketAddress) serverChannel.localAddress()).getPort();
    }

    public int maxQueued() {
        return maxQueued;
    }

    /** Adds a channel of ROS 2 CDR messages with a {@code ros2msg} schema and advertises it to every client. */
    public ChannelInfo advertiseRos2(String topic, String schemaName, String fullDefinition) {
        return advertise(topic, "cdr", schemaName, fullDefinition, "ros2msg");
    }

    /** Adds a channel and advertises it to every connected client. */
    public ChannelInfo advertise(String topic, String encoding, String schemaName, String schema, String schemaEncoding) {
        synchronized (advertiseLock) {
            ChannelInfo c = new ChannelInfo(nextChannelId.getAndIncrement(), topic, encoding, schemaName, schema, schemaEncoding);
            channels.put(c.id(), c);
            String text = advertiseJson(List.of(c));
            for (Client client : clients) {
                client.sendText(text);
            }
            return c;
        }
    }

    /** Removes a channel: clients are told, their subscriptions to it end. */
    public void unadvertise(ChannelInfo channel) {
        synchronized (advertiseLock) {
            if (channels.remove(channel.id()) == null) {
                return;
            }
            ObjectNode o = JSON.createObjectNode().put("op", "unadvertise");
            o.putArray("channelIds").add(channel.id());
            String text = o.toString();
            for (Client client : clients) {
                client.dropChannel(channel.id());
                client.sendText(text);
            }
        }
    }

    /** Channels advertised now, by id. */
    public List<ChannelInfo> channels() {
        List<ChannelInfo> l = new ArrayList<>(channels.values());
        l.sort(java.util.Comparator.comparingInt(ChannelInfo::id));
        return l;
    }

    /**
     * Sends {@code length} bytes of {@code payload} to every client subscribed to {@code channel}; never blocks.
     *
     * @param receiveNanos when the message was received, on the {@link System#nanoTime()} clock
     */
    public void publish(ChannelInfo channel, MemorySegment payload, long length, long receiveNanos) {
        long stamp = receiveNanos + epochOffsetNanos;
        Client[] all = clientArray;
        for (int i = 0; i < all.length; i++) {
            Client c = all[i];
            int sub = c.subscription(channel.id());
            if (sub >= 0) {
                c.send(sub, stamp, payload, length);
            }
        }
    }

    /** {@link #publish(ChannelInfo, MemorySegment, long, long)} for a heap array. */
    public void publish(ChannelInfo channel, byte[] payload, long receiveNanos) {
        publish(channel, MemorySegment.ofArray(payload), payload.length, receiveNanos);
    }

    /** Whether any client is subscribed to the channel now. */
    public boolean hasSubscribers(ChannelInfo channel) {
        for (Client c : clients) {
            if (c.subscription(channel.id()) >= 0) {
                return true;
            }
        }
        return false;
    }

    public Stats stats() {
        return new Stats(clients.size(), sent.get(), dropped.get(), refused.get());
    }

    /** Per connected client: subscriptions, queued frames, drops. */
    public List<ClientStats> clientStats() {
        List<ClientStats> l = new ArrayList<>();
        for (Client c : clients) {
            l.add(new ClientStats(String.valueOf(c.channel.remoteAddress()), c.subscriptionCount(), c.queued.get(),
                    c.sent.get(), c.dropped.get()));
        }
        return l;
    }

    /** One client's counters: frames queued now (never more than {@link #maxQueued()}), sent and dropped so far. */
    public record ClientStats(String address, int subscriptions, int queued, long sent, long dropped) {
    }

    @Override
    public void close() {
        serverChannel.close().awaitUninterruptibly(2000);
        for (Client c : clients) {
            c.channel.close();
        }
        boss.shutdownGracefully(0, 200, java.util.concurrent.TimeUnit.MILLISECONDS).awaitUninterruptibly(3000);
        workers.shutdownGracefully(0, 200, java.util.concurrent.TimeUnit.MILLISECONDS).awaitUninterruptibly(3000);
    }

    private String serverInfoJson() {
        ObjectNode o = JSON.createObjectNode().put("op", "serverInfo").put("name", name);
        o.putArray("capabilities");
        o.putObject("metadata").put("server", "myelin");
        o.put("sessionId", sessionId);
        return o.toString();
    }

    private static String advertiseJson(List<ChannelInfo> list) {
        ObjectNode o = JSON.createObjectNode().put("op", "advertise");
        ArrayNode a = o.putArray("channels");
        for (ChannelInfo c : list) {
            ObjectNode ch = a.addObject().put("id", c.id()).put("topic", c.topic()).put("encoding", c.encoding())
                    .put("schemaName", c.schemaName()).put("schema", c.schema());
            if (c.schemaEncoding() != null) {
                ch.put("schemaEncoding", c.schemaEncoding());
            }
        }
        return o.toString();
    }

    /** A reusable copy buffer of at least {@code n} bytes for the calling thread. */
    private static byte[] scratch(int n) {
        byte[] b = SCRATCH.get();
        if (b.length < n) {
            b = new byte[Math.max(n, 2 * b.length)];
            SCRATCH.set(b);
        }
        return b;
    }

    private static String statusJson(int level, String message) {
        return JSON.createObjectNode().put("op", "status").put("level", level).put("message", message).toString();
    }

    /** One connected client. Subscriptions live in an array indexed by channel id, replaced on change. */
    private final class Client {
        final Channel channel;
        final AtomicInteger queued = new AtomicInteger();
        final AtomicLong sent = new AtomicLong();
        final AtomicLong dropped = new AtomicLong();
        /** channel id -> subscription id, -1 for none; written on the event loop only. */
        volatile int[] subByChannel = new int[0];
        /** subscription id -> channel id; event loop only. */
        final Map<Long, Integer> channelBySub = new java.util.HashMap<>();
        private final ChannelFutureListener written = f -> queued.decrementAndGet();

        Client(Channel channel) {
            this.channel = channel;
        }

        int subscription(int channelId) {
            int[] s = subByChannel;
            return channelId < s.length ? s[channelId] : -1;
        }

        int subscriptionCount() {
            int n = 0;
            for (int s : subByChannel) {
                n += s >= 0 ? 1 : 0;
            }
            return n;
        }

        void sendText(String text) {
            channel.writeAndFlush(new TextWebSocketFrame(text));
        }

        void send(int subscriptionId, long stampNanos, MemorySegment payload, long length) {
            if (!channel.isActive()) {
                return;
            }
            if (queued.incrementAndGet() > maxQueued) {
                queued.decrementAndGet();
                dropped.incrementAndGet();
                FoxgloveServer.this.dropped.incrementAndGet();
                return;
            }
            int n = (int) length;
            ByteBuf buf = PooledByteBufAllocator.DEFAULT.directBuffer(13 + n);
            buf.writeByte(OP_MESSAGE_DATA);
            buf.writeIntLE(subscriptionId);
            buf.writeLongLE(stampNanos);
            byte[] copy = scratch(n);
            MemorySegment.copy(payload, ValueLayout.JAVA_BYTE, 0, copy, 0, n);
            buf.writeBytes(copy, 0, n);
            sent.incrementAndGet();
            FoxgloveServer.this.sent.incrementAndGet();
            channel.writeAndFlush(new BinaryWebSocketFrame(buf)).addListener(written);
        }

        /** Event loop only. */
        void subscribe(JsonNode req) {
            JsonNode subs = req.get("subscriptions");
            if (subs == null || !subs.isArray()) {
                refuse(STATUS_ERROR, "subscribe: 'subscriptions' must be an array of {id, channelId}");
                return;
            }
            int[] next = subByChannel.clone();
            for (JsonNode s : subs) {
                JsonNode id = s.get("id");
                JsonNode ch = s.get("channelId");
                if (id == null || !id.canConvertToLong() || id.asLong() < 0 || id.asLong() > Integer.MAX_VALUE
                        || ch == null || !ch.canConvertToInt()) {
                    refuse(STATUS_ERROR, "subscribe: each subscription needs an 'id' (0 to 2^31-1) and a 'channelId', got " + s);
                    continue;
                }
                long subId = id.asLong();
                int channelId = ch.asInt();
                if (!channels.containsKey(channelId)) {
                    refuse(STATUS_ERROR, "subscribe: no channel " + channelId);
                    continue;
                }
                if (channelBySub.containsKey(subId)) {
                    refuse(STATUS_ERROR, "subscribe: subscription id " + subId + " is already in use");
                    continue;
                }
                if (channelId < next.length && next[channelId] >= 0) {
                    refuse(STATUS_WARNING, "subscribe: channel " + channelId + " is already subscribed (id "
                            + Integer.toUnsignedString(next[channelId]) + ")");
                    continue;
                }
                if (channelId >= next.length) {
                    int old = next.length;
                    next = Arrays.copyOf(next, Math.max(channelId + 1, old * 2));
                    Arrays.fill(next, old, next.length, -1);
                }
                next[channelId] = (int) subId;
                channelBySub.put(subId, channelId);
            }
            subByChannel = next;
        }

        /** Event loop only. */
        void unsubscribe(JsonNode req) {
            JsonNode ids = req.get("subscriptionIds");
            if (ids == null || !ids.isArray()) {
                refuse(STATUS_ERROR, "unsubscribe: 'subscriptionIds' must be an array of numbers");
                return;
            }
            int[] next = subByChannel.clone();
            for (JsonNode id : ids) {
                Integer ch = id.canConvertToLong() ? channelBySub.remove(id.asLong()) : null;
                if (ch == null) {
                    refuse(STATUS_WARNING, "unsubscribe: no subscription " + id);
                    continue;
                }
                if (ch < next.length) {
                    next[ch] = -1;
                }
            }
            subByChannel = next;
        }

        void dropChannel(int channelId) {
            channel.eventLoop().execute(() -> {
                int[] next = subByChannel.clone();
                if (channelId < next.length && next[channelId] >= 0) {
                    channelBySub.remove(Integer.toUnsignedLong(next[channelId]));
                    next[channelId] = -1;
                    subByChannel = next;
                }
            });
        }

        void refuse(int level, String message) {
            refused.incrementAndGet();
            sendText(statusJson(level, message));
        }
    }

    private final class ClientHandler extends SimpleChannelInboundHandler<WebSocketFrame> {
        private Client client;

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
            if (evt instanceof WebSocketServerProtocolHandler.HandshakeComplete) {
                client = new Client(ctx.channel());
                synchronized (advertiseLock) {
                    client.sendText(serverInfoJson());
                    client.sendText(advertiseJson(channels()));
                    clients.add(client);
                    clientArray = clients.toArray(new Client[0]);
                }
            } else {
                super.userEventTriggered(ctx, evt);
            }
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
            if (client == null) {
                return;
            }
            if (frame instanceof TextWebSocketFrame text) {
                JsonNode req;
                try {
                    req = JSON.readTree(text.text());
                } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                    client.refuse(STATUS_ERROR, "request is not JSON: " + e.getOriginalMessage());
                    return;
                }
                String op = req.path("op").asText("");
                switch (op) {
                    case "subscribe" -> client.subscribe(req);
                    case "unsubscribe" -> client.unsubscribe(req);
                    default -> client.refuse(STATUS_WARNING, "unsupported operation '" + op + "' (capabilities: none)");
                }
            } else if (frame instanceof BinaryWebSocketFrame) {
                client.refuse(STATUS_ERROR, "client data is not accepted: this server has no clientPublish capability");
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) throws Exception {
            if (client != null) {
                clients.remove(client);
                clientArray = clients.toArray(new Client[0]);
            }
            super.channelInactive(ctx);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            LOG.log(System.Logger.Level.INFO, "foxglove client " + ctx.channel().remoteAddress() + " closed: " + cause);
            ctx.close();
        }
    }
}

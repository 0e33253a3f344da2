package dev.myelin.observe.fleet;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.myelin.bridge.mqtt.BrokerEndpoint;
import dev.myelin.bridge.mqtt.MqttLink;
import dev.myelin.bridge.wire.FleetCommand;
import dev.myelin.bridge.wire.ReleaseSigner;
import dev.myelin.bridge.wire.Topics;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The fleet dashboard: a web page (HTML, script and style bundled in this jar; the page loads nothing from elsewhere,
 * which its Content-Security-Policy enforces) that polls {@code /api/fleet} for the {@link FleetModel} of a fleet,
 * fed from the broker, and {@code /api/runs} for training runs' learning curves. Read-only unless started with the
 * fleet's release key: then {@code POST /api/command} sends a robot a signed {@code pause} or {@code resume} of its
 * updates (a JSON body with the robot, the action and the page's token, which only a same-origin page can read).
 */
public final class FleetDashboard implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String WEB = "dev/myelin/observe/fleet/web/";
    private static final Map<String, String> ASSETS = Map.of(
            "/", "index.html", "/index.html", "index.html", "/app.js", "app.js", "/style.css", "style.css");
    private static final String CSP = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
            + "connect-src 'self'; frame-ancestors 'none'";

    private final FleetModel model;
    private final List<MetricsCsv.Run> runs;
    private final MqttLink link;
    private final EventLoopGroup group;
    private final Channel server;
    private final ReleaseSigner signer;
    private final String token = java.util.HexFormat.of().formatHex(new java.security.SecureRandom().generateSeed(16));

    private FleetDashboard(FleetModel model, List<MetricsCsv.Run> runs, MqttLink link, EventLoopGroup group, Channel server,
                           ReleaseSigner signer) {
        this.signer = signer;
        this.model = model;
        this.runs = runs;
        this.link = link;
        this.group = group;
        this.server = server;
    }

    /**
     * Connects to the broker (subscribing to the fleet's robot status, health reports and release manifests) and
     * serves the page on {@code bind}.
     *
     * @param link a link not yet started, or null to serve only the learning curves
     */
    public static FleetDashboard start(FleetModel model, MqttLink link, List<MetricsCsv.Run> runs, InetSocketAddress bind)
            throws IOException {
        return start(model, link, runs, bind, null);
    }

    /** As {@link #start(FleetModel, MqttLink, List, InetSocketAddress)}; with {@code signer}, pause and resume commands. */
    public static FleetDashboard start(FleetModel model, MqttLink link, List<MetricsCsv.Run> runs, InetSocketAddress bind,
                                       ReleaseSigner signer) throws IOException {
        if (signer != null && link == null) {
            throw new IllegalArgumentException("commands need a broker link");
        }
        if (link != null) {
            String fleet = model.fleet();
            link.subscribe(Topics.everyRobot(fleet, "status"), 1, (t, p, r) -> model.onStatus(t, p));
            link.subscribe(Topics.everyRobot(fleet, "health"), 1, (t, p, r) -> model.onHealth(t, p));
            link.subscribe(Topics.ROOT + "/" + fleet + "/releases/+/+", 1, (t, p, r) -> model.onManifest(t, p));
            link.start();
        }
        EventLoopGroup group = new NioEventLoopGroup(1, Thread.ofPlatform().daemon().name("myelin-fleet-ui").factory());
        FleetDashboard[] self = new FleetDashboard[1];
        ServerBootstrap b = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(16 * 1024), new Handler(self));
                    }
                });
        try {
            Channel ch = b.bind(bind).sync().channel();
            self[0] = new FleetDashboard(model, List.copyOf(runs), link, group, ch, signer);
            return self[0];
        } catch (Exception e) {
            group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
            if (link != null) {
                link.close();
            }
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            throw new IOException("cannot listen on " + bind + ": " + e.getMessage(), e);
        }
    }

    /** A read-only MQTT link for the dashboard. */
    public static MqttLink link(BrokerEndpoint endpoint, String clientId) throws IOException {
        return new MqttLink(new MqttLink.Options().clientId(clientId).endpoint(endpoint).sessionExpiry(Duration.ZERO));
    }

    public int port() {
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    public FleetModel model() {
        return model;
    }

    @Override
    public void close() {
        server.close().awaitUninterruptibly(2000);
        group.shutdownGracefully(0, 200, TimeUnit.MILLISECONDS).awaitUninterruptibly(3000);
        if (link != null) {
            link.close();
        }
    }

    /** Signs and sends a pause or resume; returns the command id, or throws naming what was wrong with the request. */
    private String command(byte[] body) throws IOException {
        com.fasterxml.jackson.databind.JsonNode req;
        try {
            req = JSON.readTree(body);
        } catch (IOException e) {
            throw new IllegalArgumentException("body is not JSON");
        }
        if (req == null || !req.isObject()) {
            throw new IllegalArgumentException("body must be a JSON object {robot, action, token}");
        }
        if (!java.security.MessageDigest.isEqual(token.getBytes(StandardCharsets.UTF_8),
                req.path("token").asText("").getBytes(StandardCharsets.UTF_8))) {
            throw new SecurityException("token does not match this dashboard's");
        }
        String robot = req.path("robot").asText("");
        FleetCommand.Action action = switch (req.path("action").asText("")) {
            case "pause" -> FleetCommand.Action.PAUSE;
            case "resume" -> FleetCommand.Action.RESUME;
            default -> throw new IllegalArgumentException("action must be pause or resume, got '" + req.path("action").asText("") + "'");
        };
        String policy = model.policyOf(robot);
        if (policy == null) {
            throw new IllegalArgumentException("robot '" + robot + "' is not online with a policy");
        }
        long now = System.currentTimeMillis();
        FleetCommand c = new FleetCommand(java.util.UUID.randomUUID().toString(), model.fleet(), robot, action, policy, null, null,
                now, now + Duration.ofHours(1).toMillis());
        try {
            link.publish(Topics.command(model.fleet(), robot), c.seal(signer), 1, false);
        } catch (org.eclipse.paho.mqttv5.common.MqttException e) {
            throw new IOException("broker refused the command: " + e.getMessage(), e);
        }
        return c.id();
    }

    private byte[] runsJson() {
        ArrayNode a = JSON.createArrayNode();
        for (MetricsCsv.Run r : runs) {
            a.add(r.toJson());
        }
        return a.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] asset(String name) throws IOException {
        try (InputStream in = FleetDashboard.class.getClassLoader().getResourceAsStream(WEB + name)) {
            if (in == null) {
                throw new IOException("asset " + name + " is missing from the jar");
            }
            return in.readAllBytes();
        }
    }

    private static final class Handler extends SimpleChannelInboundHandler<FullHttpRequest> {
        private final FleetDashboard[] self;

        Handler(FleetDashboard[] self) {
            this.self = self;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) throws Exception {
            FleetDashboard d = self[0];
            if (!req.decoderResult().isSuccess() || d == null) {
                send(ctx, req, HttpResponseStatus.BAD_REQUEST, "text/plain", "bad request".getBytes(StandardCharsets.UTF_8));
                return;
            }
            if (req.method().equals(HttpMethod.POST) && d.signer != null
                    && new QueryStringDecoder(req.uri()).path().equals("/api/command")) {
                byte[] body = new byte[req.content().readableBytes()];
                req.content().readBytes(body);
                HttpResponseStatus status = HttpResponseStatus.ACCEPTED;
                ObjectNode res = JSON.createObjectNode();
                try {
                    res.put("id", d.command(body));
                } catch (SecurityException e) {
                    status = HttpResponseStatus.FORBIDDEN;
                    res.put("error", e.getMessage());
                } catch (IllegalArgumentException e) {
                    status = HttpResponseStatus.BAD_REQUEST;
                    res.put("error", e.getMessage());
                } catch (IOException e) {
                    status = HttpResponseStatus.SERVICE_UNAVAILABLE;
                    res.put("error", e.getMessage());
                }
                send(ctx, req, status, "application/json", res.toString().getBytes(StandardCharsets.UTF_8));
                return;
            }
            if (!req.method().equals(HttpMethod.GET)) {
                send(ctx, req, HttpResponseStatus.METHOD_NOT_ALLOWED, "text/plain",
                        "the dashboard is read-only: only GET".getBytes(StandardCharsets.UTF_8));
                return;
            }
            String path = new QueryStringDecoder(req.uri()).path();
            String asset = ASSETS.get(path);
            if (asset != null) {
                String type = asset.endsWith(".html") ? "text/html; charset=utf-8"
                        : asset.endsWith(".js") ? "text/javascript; charset=utf-8" : "text/css; charset=utf-8";
                send(ctx, req, HttpResponseStatus.OK, type, asset(asset));
            } else if (path.equals("/api/fleet")) {
                ObjectNode snap = d.model.snapshot();
                snap.put("read_only", d.signer == null).put("broker_connected", d.link != null && d.link.isConnected());
                if (d.signer != null) {
                    snap.put("release_key", d.signer.keyId()).put("token", d.token);
                }
                send(ctx, req, HttpResponseStatus.OK, "application/json", snap.toString().getBytes(StandardCharsets.UTF_8));
            } else if (path.equals("/api/runs")) {
                send(ctx, req, HttpResponseStatus.OK, "application/json", d.runsJson());
            } else {
                send(ctx, req, HttpResponseStatus.NOT_FOUND, "text/plain", ("no " + path).getBytes(StandardCharsets.UTF_8));
            }
        }

        private static void send(ChannelHandlerContext ctx, FullHttpRequest req, HttpResponseStatus status, String type,
                                 byte[] body) {
            FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.wrappedBuffer(body));
            res.headers().set(HttpHeaderNames.CONTENT_TYPE, type)
                    .setInt(HttpHeaderNames.CONTENT_LENGTH, body.length)
                    .set(HttpHeaderNames.CACHE_CONTROL, "no-store")
                    .set("Content-Security-Policy", CSP)
                    .set("X-Content-Type-Options", "nosniff");
            boolean keepAlive = HttpUtil.isKeepAlive(req);
            if (keepAlive) {
                res.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
                ctx.writeAndFlush(res);
            } else {
                ctx.writeAndFlush(res).addListener(ChannelFutureListener.CLOSE);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}

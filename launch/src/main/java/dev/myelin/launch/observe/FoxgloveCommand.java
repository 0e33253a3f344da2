package dev.myelin.launch.observe;

import dev.myelin.launch.Ros2Options;
import dev.myelin.observe.foxglove.FoxgloveBridge;
import dev.myelin.observe.foxglove.FoxgloveServer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** {@code ./myelin foxglove}: a Foxglove WebSocket server for the topics of a ROS domain. */
@Command(name = "foxglove", mixinStandardHelpOptions = true,
        description = {"Serve the topics of a ROS 2 domain to Foxglove (WebSocket protocol foxglove.websocket.v1, as "
                + "foxglove_bridge): in Foxglove, open a connection to ws://HOST:PORT. Topics of known message types are "
                + "advertised as they appear; a client that reads too slowly loses messages (counted)."})
public final class FoxgloveCommand implements Callable<Integer> {

    @Option(names = "--port", defaultValue = "8765", description = "WebSocket port (default ${DEFAULT-VALUE}; 0: any free one).")
    int port;

    @Option(names = "--host", defaultValue = "0.0.0.0", description = "Address to listen on (default ${DEFAULT-VALUE}).")
    String host;

    @Option(names = "--topics", split = ",", paramLabel = "TOPIC", description = "Only these topics (default: every topic).")
    List<String> topics = List.of();

    @Option(names = "--max-queued", defaultValue = "" + FoxgloveServer.DEFAULT_MAX_QUEUED,
            description = "Frames queued per client before its messages are dropped (default ${DEFAULT-VALUE}).")
    int maxQueued;

    @Option(names = "--duration", paramLabel = "SECONDS", description = "Stop after this much wall time.")
    Double duration;

    @Mixin
    Ros2Options ros;

    @Override
    public Integer call() throws Exception {
        if (duration != null && !(duration > 0)) {
            throw new IllegalArgumentException("--duration must be > 0 s, got " + duration);
        }
        try (FoxgloveBridge bridge = FoxgloveBridge.start(new FoxgloveBridge.Options(host, port, ros.domain(), ros.localhostOnly,
                topics, maxQueued, ros.messagePaths))) {
            System.out.printf(Locale.ROOT, "foxglove: ws://%s:%d (%s)%n", host, bridge.port(),
                    topics.isEmpty() ? "every topic" : String.join(", ", topics));
            CountDownLatch stop = new CountDownLatch(1);
            Thread hook = new Thread(stop::countDown, "myelin-foxglove-stop");
            Runtime.getRuntime().addShutdownHook(hook);
            long end = duration == null ? Long.MAX_VALUE : System.nanoTime() + (long) (duration * 1e9);
            long nextReport = System.nanoTime() + 10_000_000_000L;
            while (!stop.await(200, TimeUnit.MILLISECONDS) && System.nanoTime() < end) {
                if (System.nanoTime() > nextReport) {
                    nextReport = System.nanoTime() + 10_000_000_000L;
                    FoxgloveServer.Stats s = bridge.server().stats();
                    System.out.printf(Locale.ROOT, "foxglove: %d topics, %d clients, %d messages sent, %d dropped%n",
                            bridge.topics().size(), s.clients(), s.sent(), s.dropped());
                }
            }
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // Ctrl-C
            }
        }
        return 0;
    }
}

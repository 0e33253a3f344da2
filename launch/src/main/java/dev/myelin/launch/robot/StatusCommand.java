package dev.myelin.launch.robot;

import dev.myelin.controller.diagnostics.DiagnosticsPublisher;
import dev.myelin.launch.Ros2Options;
import dev.myelin.ros2.Context;
import dev.myelin.ros2.Node;
import dev.myelin.ros2.Qos;
import dev.myelin.ros2.Subscription;
import dev.myelin.ros2.msg.Message;
import dev.myelin.ros2.msg.MessageArray;
import dev.myelin.ros2.msg.MessageType;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code ./myelin status}: the running controller's diagnostics, read from {@code /diagnostics}. */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = "Print the controller's latest diagnostics (diagnostic_msgs/DiagnosticArray on /diagnostics).")
public final class StatusCommand implements Callable<Integer> {

    @Option(names = "--topic", defaultValue = "/diagnostics", description = "Diagnostics topic (default ${DEFAULT-VALUE}).")
    String topic;

    @Option(names = "--timeout", defaultValue = "5", paramLabel = "SECONDS",
            description = "Give up after this long without a controller status (default ${DEFAULT-VALUE}).")
    double timeout;

    @picocli.CommandLine.Mixin
    Ros2Options ros2;

    private static final String[] LEVELS = {"OK", "WARN", "ERROR", "STALE"};

    @Override
    public Integer call() throws Exception {
        if (!(timeout > 0)) {
            throw new IllegalArgumentException("--timeout must be > 0 s, got " + timeout);
        }
        Context.Builder builder = ros2.builder();
        try (Context context = builder.build()) {
            Node node = context.createNode("myelin_status");
            MessageType type = node.messageType("diagnostic_msgs/msg/DiagnosticArray");
            Subscription sub = node.createSubscription(topic, type, Qos.DEFAULT);
            Message array = type.newMessage();
            long deadline = System.nanoTime() + Math.round(timeout * 1e9);
            long seen = 0;
            while (System.nanoTime() < deadline) {
                if (sub.receivedCount() != seen) {
                    seen = sub.receivedCount();
                    sub.readLatest(array);
                    MessageArray statuses = array.messages(type.field("status"));
                    for (int i = 0; i < statuses.size(); i++) {
                        Message s = statuses.get(i);
                        MessageType st = s.type();
                        if (DiagnosticsPublisher.STATUS_NAME.equals(s.getString(st.field("name")))) {
                            print(s, st);
                            return 0;
                        }
                    }
                }
                Thread.sleep(20);
            }
            System.err.printf(Locale.ROOT, "no controller status on %s (domain %d) within %.1f s%n",
                    sub.topicName(), context.domainId(), timeout);
            return 1;
        }
    }

    private static void print(Message s, MessageType st) {
        int level = s.getInt(st.field("level"));
        System.out.printf(Locale.ROOT, "%s [%s] %s (hardware %s)%n", s.getString(st.field("name")),
                level >= 0 && level < LEVELS.length ? LEVELS[level] : Integer.toString(level),
                s.getString(st.field("message")), s.getString(st.field("hardware_id")));
        MessageArray values = s.messages(st.field("values"));
        for (int i = 0; i < values.size(); i++) {
            Message kv = values.get(i);
            System.out.printf(Locale.ROOT, "  %-32s %s%n", kv.getString(kv.type().field("key")),
                    kv.getString(kv.type().field("value")));
        }
    }
}

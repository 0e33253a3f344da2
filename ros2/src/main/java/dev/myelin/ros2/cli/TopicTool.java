package dev.myelin.ros2.cli;

import dev.myelin.ros2.Context;
import dev.myelin.ros2.Graph;
import dev.myelin.ros2.Node;
import dev.myelin.ros2.Publisher;
import dev.myelin.ros2.Qos;
import dev.myelin.ros2.Subscription;
import dev.myelin.ros2.TopicEndpoint;
import dev.myelin.ros2.graph.Gid;
import dev.myelin.ros2.graph.NodeEntities;
import dev.myelin.ros2.msg.Message;
import dev.myelin.ros2.msg.MessageType;
import dev.myelin.ros2.msg.MessageYaml;

import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * What {@code ros2 topic} does, on a {@link Context}: {@code list}, {@code info}, {@code echo},
 * {@code pub} and {@code hz}, printing in the same formats. The command line wraps these; tests
 * call them directly. Blocking calls end after their count or duration, or when interrupted.
 */
public final class TopicTool {
    private final Context context;
    private final PrintStream out;

    public TopicTool(Context context, PrintStream out) {
        this.context = context;
        this.out = out;
    }

    /** {@code ros2 topic list}: topics seen after {@code spin} of discovery; {@code -t} adds types, {@code -v} counts. */
    public void list(boolean showTypes, boolean verbose, Duration spin) throws InterruptedException {
        Graph graph = context.graph();
        Thread.sleep(spin.toMillis());
        Map<String, List<String>> topics = graph.topicsAndTypes();
        if (verbose) {
            List<TopicEndpoint> all = graph.endpoints();
            printCounts("Published topics:", TopicEndpoint.Kind.PUBLISHER, topics, all);
            out.println();
            printCounts("Subscribed topics:", TopicEndpoint.Kind.SUBSCRIPTION, topics, all);
            return;
        }
        topics.forEach((topic, types) -> out.println(showTypes ? topic + " [" + String.join(", ", types) + "]" : topic));
    }

    private void printCounts(String title, TopicEndpoint.Kind kind, Map<String, List<String>> topics, List<TopicEndpoint> all) {
        out.println(title);
        topics.forEach((topic, types) -> {
            long n = all.stream().filter(e -> e.kind() == kind && e.topic().equals(topic)).count();
            if (n > 0) {
                out.println(" * " + topic + " [" + String.join(", ", types) + "] " + n + " "
                        + (kind == TopicEndpoint.Kind.PUBLISHER ? "publisher" : "subscriber") + (n == 1 ? "" : "s"));
            }
        });
    }

    /** {@code ros2 topic info}: type and endpoint counts; {@code -v} lists every endpoint with its QoS. */
    public void info(String topic, boolean verbose, Duration spin) throws InterruptedException {
        String fqn = context.createNode("_topic_info").resolveTopicName(topic);
        Graph graph = context.graph();
        Thread.sleep(spin.toMillis());
        List<TopicEndpoint> pubs = graph.publishers(fqn);
        List<TopicEndpoint> subs = graph.subscriptions(fqn);
        List<String> types = graph.topicsAndTypes().getOrDefault(fqn, List.of());
        out.println("Type: " + (types.isEmpty() ? "(unknown)" : String.join(", ", types)));
        out.println();
        out.println("Publisher count: " + pubs.size());
        if (verbose) {
            pubs.forEach(this::printEndpoint);
        }
        out.println();
        out.println("Subscription count: " + subs.size());
        if (verbose) {
            subs.forEach(this::printEndpoint);
        }
    }

    private void printEndpoint(TopicEndpoint e) {
        out.println();
        NodeEntities owner = null;
        Gid gid = Gid.ofHex(e.endpointGuid());
        for (NodeEntities n : context.nodeGraph().nodes()) {
            if (n.readers().contains(gid) || n.writers().contains(gid)) {
                owner = n;
            }
        }
        out.println("Node name: " + (owner == null ? "_CREATED_BY_BARE_DDS_APP_" : owner.name()));
        out.println("Node namespace: " + (owner == null ? "_CREATED_BY_BARE_DDS_APP_" : owner.namespace()));
        out.println("Topic type: " + e.type());
        out.println("Endpoint type: " + e.kind());
        out.println("GID: " + gid.dotted());
        out.println("Topic type hash: " + (e.typeHash().isEmpty() ? "INVALID" : e.typeHash()));
        out.println("QoS profile:");
        out.println("  Reliability: " + e.reliability());
        out.println("  History (Depth): " + (e.depth() == 0 ? "KEEP_ALL" : "KEEP_LAST (" + e.depth() + ")"));
        out.println("  Durability: " + e.durability());
    }

    /**
     * {@code ros2 topic echo}: prints each message as YAML followed by {@code ---}.
     *
     * @param typeName the type, or null to take it from a discovered publisher
     * @param qos the QoS, or null to adapt to the discovered publishers as ros2 does
     * @param count messages to print before returning, 0 for no limit
     * @param timeout how long to wait for a publisher to discover the type, and overall for {@code count}
     * @return messages printed
     */
    public int echo(String topic, String typeName, Qos qos, int count, Duration timeout, boolean flow)
            throws InterruptedException {
        Node node = context.createNode("_topic_echo");
        String fqn = node.resolveTopicName(topic);
        List<TopicEndpoint> publishers = List.of();
        if (typeName == null || qos == null) {
            publishers = context.graph().await(e -> e.kind() == TopicEndpoint.Kind.PUBLISHER && e.topic().equals(fqn), 1, timeout);
            if (publishers.isEmpty() && typeName == null) {
                throw new IllegalStateException("no publisher on " + fqn + " within " + timeout.toSeconds()
                        + " s to learn its type from; give the type explicitly");
            }
        }
        MessageType type = node.messageType(typeName != null ? typeName : publishers.getFirst().type());
        Qos q = qos != null ? qos : adaptedQos(publishers);
        CountDownLatch enough = new CountDownLatch(count > 0 ? count : Integer.MAX_VALUE);
        int[] printed = {0};
        node.createSubscription(fqn, type, q, (m, t) -> {
            if (count > 0 && printed[0] >= count) {
                return;
            }
            out.print(flow ? MessageYaml.toFlow(m) + "\n" : MessageYaml.toBlock(m));
            out.println("---");
            out.flush();
            printed[0]++;
            enough.countDown();
        });
        if (count > 0) {
            enough.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } else {
            enough.await();
        }
        node.close();
        return printed[0];
    }

    /** Reliable only if every publisher is; transient local only if every publisher is (ros2's adaptation). */
    static Qos adaptedQos(List<TopicEndpoint> publishers) {
        boolean reliable = !publishers.isEmpty() && publishers.stream().allMatch(e -> e.reliability() == Qos.Reliability.RELIABLE);
        boolean latched = !publishers.isEmpty() && publishers.stream().allMatch(e -> e.durability() == Qos.Durability.TRANSIENT_LOCAL);
        return new Qos(reliable ? Qos.Reliability.RELIABLE : Qos.Reliability.BEST_EFFORT,
                latched ? Qos.Durability.TRANSIENT_LOCAL : Qos.Durability.VOLATILE, 10);
    }

    /**
     * {@code ros2 topic pub}: publishes the YAML value at {@code rateHz}.
     *
     * @param times messages to publish, 0 for no limit
     * @param waitMatching subscriptions to wait for before the first message
     * @param waitTimeout how long to wait for them
     * @return messages published
     * @throws IllegalArgumentException for an unknown type or YAML that does not fit it, before anything is published
     * @throws IllegalStateException when the subscriptions do not appear in time
     */
    public int pub(String topic, String typeName, String yaml, double rateHz, int times, Qos qos, int waitMatching,
                   Duration waitTimeout) throws InterruptedException {
        if (!(rateHz > 0)) {
            throw new IllegalArgumentException("--rate must be positive, not " + rateHz);
        }
        Node node = context.createNode("_topic_pub");
        MessageType type = node.messageType(typeName);
        Message message = type.newMessage();
        MessageYaml.apply(yaml == null ? "" : yaml, message);
        Publisher publisher = node.createPublisher(topic, type, qos);
        if (waitMatching > 0) {
            out.println("Waiting for at least " + waitMatching + " matching subscription(s)...");
            if (!publisher.waitForSubscriptions(waitMatching, waitTimeout)) {
                throw new IllegalStateException("no " + waitMatching + " subscription(s) matched " + publisher.topicName()
                        + " within " + waitTimeout.toSeconds() + " s");
            }
        }
        out.println("publisher: beginning loop");
        long period = (long) (1e9 / rateHz);
        long next = System.nanoTime();
        int sent = 0;
        while (times == 0 || sent < times) {
            publisher.publish(message);
            sent++;
            out.println("publishing #" + sent + ": " + type.name() + " " + MessageYaml.toFlow(message));
            out.flush();
            if (times != 0 && sent >= times) {
                break;
            }
            next += period;
            long sleep = next - System.nanoTime();
            if (sleep > 0) {
                TimeUnit.NANOSECONDS.sleep(sleep);
            }
        }
        if (qos.reliability() == Qos.Reliability.RELIABLE) {
            publisher.waitForAcknowledgements(Duration.ofSeconds(5));
        }
        node.close();
        return sent;
    }

    /**
     * {@code ros2 topic hz}: receive rate over the last {@code window} messages, printed once a
     * second, without decoding the messages.
     *
     * @param typeName the type, or null to take it from a discovered publisher
     * @param duration how long to measure (zero for no limit)
     * @return the last average rate printed in Hz, or NaN when fewer than two messages arrived
     */
    public double hz(String topic, String typeName, int window, Duration duration) throws InterruptedException {
        if (window < 2) {
            throw new IllegalArgumentException("--window must be at least 2, not " + window);
        }
        Node node = context.createNode("_topic_hz");
        String fqn = node.resolveTopicName(topic);
        List<TopicEndpoint> publishers = context.graph().await(
                e -> e.kind() == TopicEndpoint.Kind.PUBLISHER && e.topic().equals(fqn), 1,
                duration.isZero() ? Duration.ofSeconds(10) : duration);
        if (publishers.isEmpty() && typeName == null) {
            throw new IllegalStateException("no publisher on " + fqn + " to learn its type from; give the type explicitly");
        }
        MessageType type = node.messageType(typeName != null ? typeName : publishers.getFirst().type());
        long[] stamps = new long[window];
        long[] received = {0};
        Object lock = new Object();
        Subscription sub = node.createRawSubscription(fqn, type, adaptedQos(publishers), (s, n, t) -> {
            synchronized (lock) {
                stamps[(int) (received[0] % window)] = t;
                received[0]++;
            }
        });
        double last = Double.NaN;
        long end = duration.isZero() ? Long.MAX_VALUE : System.nanoTime() + duration.toNanos();
        while (System.nanoTime() < end) {
            Thread.sleep(Math.min(1000, Math.max(1, (end - System.nanoTime()) / 1_000_000)));
            long[] copy;
            long n;
            synchronized (lock) {
                n = Math.min(received[0], window);
                copy = new long[(int) n];
                for (int i = 0; i < n; i++) {
                    copy[i] = stamps[(int) ((received[0] - n + i) % window)];
                }
            }
            if (n < 2) {
                out.println("no new messages");
                continue;
            }
            double[] gaps = new double[(int) n - 1];
            double sum = 0;
            double min = Double.MAX_VALUE;
            double max = 0;
            for (int i = 1; i < n; i++) {
                gaps[i - 1] = (copy[i] - copy[i - 1]) / 1e9;
                sum += gaps[i - 1];
                min = Math.min(min, gaps[i - 1]);
                max = Math.max(max, gaps[i - 1]);
            }
            double mean = sum / gaps.length;
            double var = 0;
            for (double g : gaps) {
                var += (g - mean) * (g - mean);
            }
            last = 1 / mean;
            out.printf(Locale.ROOT, "average rate: %.3f%n\tmin: %.3fs max: %.3fs std dev: %.5fs window: %d%n",
                    last, min, max, Math.sqrt(var / gaps.length), n);
            out.flush();
        }
        sub.close();
        node.close();
        return last;
    }
}

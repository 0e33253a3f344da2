package dev.myelin.observe.bag;

import dev.myelin.ros2.Context;
import dev.myelin.ros2.Node;
import dev.myelin.ros2.Publisher;
import dev.myelin.ros2.Qos;
import dev.myelin.ros2.TopicEndpoint;
import dev.myelin.ros2.msg.Message;

import java.nio.file.Path;
import java.time.Duration;

/**
 * A recording process for {@link KillRecoveryTest}: publishes {@code geometry_msgs/Twist} with
 * {@code linear.x} = 0, 1, 2, ... on a topic, records it into FILE with small chunks, and prints
 * {@code chunks N} whenever another chunk is complete, until it is killed.
 * Arguments: FILE DOMAIN TOPIC.
 */
public final class RecordingChild {
    private RecordingChild() {
    }

    public static void main(String[] args) throws Exception {
        Path file = Path.of(args[0]);
        String topic = args[2];
        Context ctx = Context.builder().domainId(Integer.parseInt(args[1])).localhostOnly(true).build();
        Node node = ctx.createNode("kill_child");
        Publisher pub = node.createPublisher(topic, "geometry_msgs/msg/Twist", Qos.DEFAULT.withDepth(1000));
        BagRecorder rec = new BagRecorder(ctx, file, new BagRecorder.Settings(4096, 1 << 20, 100_000_000L));
        rec.record(topic, pub.type(), ctx.graph().await(e -> e.kind() == TopicEndpoint.Kind.PUBLISHER
                && e.topic().equals(topic), 1, Duration.ofSeconds(5)));
        if (!pub.waitForSubscriptions(1, Duration.ofSeconds(10))) {
            throw new IllegalStateException("recorder did not match");
        }
        Message m = pub.type().newMessage();
        var x = pub.type().field("linear.x");
        int reported = 0;
        for (int i = 0; ; i++) {
            m.setDouble(x, i);
            pub.publish(m);
            if (i % 50 == 49) {
                pub.waitForAcknowledgements(Duration.ofSeconds(1));
                Thread.sleep(2);
            }
            int chunks = rec.chunkCount();
            if (chunks > reported) {
                reported = chunks;
                System.out.println("chunks " + chunks);
                System.out.flush();
            }
        }
    }
}

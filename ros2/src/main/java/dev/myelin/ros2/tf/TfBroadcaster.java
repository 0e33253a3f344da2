package dev.myelin.ros2.tf;

import dev.myelin.ros2.Node;
import dev.myelin.ros2.Publisher;
import dev.myelin.ros2.Qos;
import dev.myelin.ros2.msg.Field;
import dev.myelin.ros2.msg.Message;
import dev.myelin.ros2.msg.MessageArray;
import dev.myelin.ros2.msg.MessageType;

import java.util.List;

/**
 * The transforms of one or more mobile bases: on construction, {@code base → laser} and
 * {@code base → imu} of every base on {@code /tf_static} (reliable, transient-local, keep-last 1,
 * so late listeners get them); then, on every {@link #publish}, {@code odom → base} of every base
 * in one {@code /tf} message (reliable, volatile, keep-last 100, as tf2's broadcaster).
 *
 * <p>{@link #set} and {@link #publish} allocate nothing. One thread drives a broadcaster.
 */
public final class TfBroadcaster implements AutoCloseable {
    /** Depth of tf2's {@code /tf} publisher. */
    public static final int TF_DEPTH = 100;

    private final Publisher dynamic;
    private final Publisher fixed;
    private final Message tf;
    private final MessageArray transforms;
    private final Field sec;
    private final Field nanosec;
    private final Field x;
    private final Field y;
    private final Field z;
    private final Field qz;
    private final Field qw;

    /**
     * @param node the node the topics belong to
     * @param bases the frames of each base; {@link #set}'s index follows this order
     * @param stampNanos stamp of the static transforms, nanoseconds since the epoch
     */
    public TfBroadcaster(Node node, List<TfFrames> bases, long stampNanos) {
        if (bases.isEmpty()) {
            throw new IllegalArgumentException("no bases to broadcast transforms of");
        }
        MessageType type = node.messageType("tf2_msgs/msg/TFMessage");
        Field list = type.field("transforms");
        MessageType stamped = list.messageType();
        sec = stamped.field("header.stamp.sec");
        nanosec = stamped.field("header.stamp.nanosec");
        Field frame = stamped.field("header.frame_id");
        Field child = stamped.field("child_frame_id");
        x = stamped.field("transform.translation.x");
        y = stamped.field("transform.translation.y");
        z = stamped.field("transform.translation.z");
        qz = stamped.field("transform.rotation.z");
        qw = stamped.field("transform.rotation.w");

        Message statics = type.newMessage();
        MessageArray s = statics.messages(list);
        s.resize(2 * bases.size());
        for (int i = 0; i < bases.size(); i++) {
            TfFrames f = bases.get(i);
            fill(s.get(2 * i), f.base(), f.laser(), f.laserMount(), frame, child, stampNanos);
            fill(s.get(2 * i + 1), f.base(), f.imu(), f.imuMount(), frame, child, stampNanos);
        }
        fixed = node.createPublisher("/tf_static", type, Qos.TRANSIENT_LOCAL.withDepth(1));
        fixed.publish(statics);

        tf = type.newMessage();
        transforms = tf.messages(list);
        transforms.resize(bases.size());
        for (int i = 0; i < bases.size(); i++) {
            Message t = transforms.get(i);
            t.setString(frame, bases.get(i).odom());
            t.setString(child, bases.get(i).base());
            t.setDouble(qw, 1.0);
        }
        dynamic = node.createPublisher("/tf", type, Qos.DEFAULT.withDepth(TF_DEPTH));
    }

    private void fill(Message t, String parent, String childFrame, TfFrames.Mount m, Field frame, Field child, long stampNanos) {
        t.setString(frame, parent);
        t.setString(child, childFrame);
        t.setLong(sec, stampNanos / 1_000_000_000L);
        t.setLong(nanosec, stampNanos % 1_000_000_000L);
        t.setDouble(x, m.x());
        t.setDouble(y, m.y());
        t.setDouble(z, m.z());
        t.setDouble(qz, Math.sin(0.5 * m.yaw()));
        t.setDouble(qw, Math.cos(0.5 * m.yaw()));
    }

    /** Sets base {@code i}'s pose in its odometry frame (planar: position and heading). */
    public void set(int i, double px, double py, double yaw) {
        Message t = transforms.get(i);
        t.setDouble(x, px);
        t.setDouble(y, py);
        t.setDouble(qz, Math.sin(0.5 * yaw));
        t.setDouble(qw, Math.cos(0.5 * yaw));
    }

    /** Publishes every base's {@code odom → base} with {@code stampNanos} (nanoseconds since the epoch). */
    public void publish(long stampNanos) {
        long s = stampNanos / 1_000_000_000L;
        long ns = stampNanos % 1_000_000_000L;
        for (int i = 0; i < transforms.size(); i++) {
            Message t = transforms.get(i);
            t.setLong(sec, s);
            t.setLong(nanosec, ns);
        }
        dynamic.publish(tf);
    }

    /** Transforms published on {@code /tf} so far. */
    public long publishedCount() {
        return dynamic.publishedCount();
    }

    @Override
    public void close() {
        dynamic.close();
        fixed.close();
    }
}

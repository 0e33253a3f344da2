package dev.myelin.controller.mapping;

import dev.myelin.controller.config.ObservationSlice;
import dev.myelin.controller.config.ParamsException;
import dev.myelin.ros2.Node;
import dev.myelin.ros2.Qos;
import dev.myelin.ros2.Subscription;
import dev.myelin.ros2.msg.Field;
import dev.myelin.ros2.msg.FieldKind;
import dev.myelin.ros2.msg.Message;
import dev.myelin.ros2.msg.MessageType;
import dev.myelin.ros2.msg.PrimitiveArray;
import dev.myelin.ros2.msg.StringArray;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds the policy's observation vector from ROS topics as the parameter file declares it: each
 * slice reads its topic's latest sample and writes its values at its offset. Subscriptions are
 * created once; {@link #read} allocates nothing. Loop thread only, except {@link #close}.
 */
public final class ObservationMap implements AutoCloseable {
    private final Slice[] slices;
    private final List<TopicInput> inputs;
    private final int size;

    /** Subscribes to every input topic the slices name. Resolves and checks every field path now. */
    public ObservationMap(Node node, List<ObservationSlice> config) {
        Map<String, TopicInput> byTopic = new LinkedHashMap<>();
        List<Slice> built = new ArrayList<>();
        int offset = 0;
        try {
            for (ObservationSlice s : config) {
                Slice slice = switch (s) {
                    case ObservationSlice.FieldSlice f -> {
                        MessageType type = type(node, f.type(), f.name());
                        Field field = numericField(type, f.field(), f.name());
                        yield new FieldReader(f, input(byTopic, node, f.topic(), type, f.qos(), f.name()), field);
                    }
                    case ObservationSlice.ScanSlice sc -> new ScanReader(sc, input(byTopic, node, sc.topic(),
                            type(node, "sensor_msgs/msg/LaserScan", sc.name()), sc.qos(), sc.name()));
                    case ObservationSlice.GoalSlice g -> new GoalReader(g,
                            input(byTopic, node, g.odomTopic(), type(node, "nav_msgs/msg/Odometry", g.name()), g.odomQos(), g.name()),
                            input(byTopic, node, g.goalTopic(), type(node, "geometry_msgs/msg/PoseStamped", g.name()), g.goalQos(), g.name()));
                    case ObservationSlice.JointStateSlice j -> new JointStateReader(j, input(byTopic, node, j.topic(),
                            type(node, "sensor_msgs/msg/JointState", j.name()), j.qos(), j.name()));
                    case ObservationSlice.ImuSlice m -> new FieldsReader(m, input(byTopic, node, m.topic(),
                            type(node, "sensor_msgs/msg/Imu", m.name()), m.qos(), m.name()), FieldsReader.imuPaths(m));
                    case ObservationSlice.TwistSlice t -> new FieldsReader(t, input(byTopic, node, t.topic(),
                            type(node, "geometry_msgs/msg/Twist", t.name()), t.qos(), t.name()), t.components());
                };
                slice.offset = offset;
                offset += s.channels().size();
                built.add(slice);
            }
        } catch (RuntimeException e) {
            byTopic.values().forEach(TopicInput::close);
            throw e;
        }
        this.slices = built.toArray(Slice[]::new);
        this.inputs = List.copyOf(byTopic.values());
        this.size = offset;
    }

    private static MessageType type(Node node, String name, String slice) {
        try {
            return node.messageType(name);
        } catch (RuntimeException e) {
            throw new ParamsException("observation slice '" + slice + "': unknown message type " + name + " (" + e.getMessage() + ")");
        }
    }

    private static Field numericField(MessageType type, String path, String slice) {
        Field f;
        try {
            f = type.field(path);
        } catch (RuntimeException e) {
            throw new ParamsException("observation slice '" + slice + "': " + type.name() + " has no field '" + path + "'");
        }
        if (!f.isScalar() || !(f.kind().isNumeric() || f.kind() == FieldKind.BOOL)) {
            throw new ParamsException("observation slice '" + slice + "': " + type.name() + " field '" + path
                    + "' is " + f.typeSpelling() + ", not a single number");
        }
        return f;
    }

    private static TopicInput input(Map<String, TopicInput> byTopic, Node node, String topic, MessageType type,
                                    String qos, String slice) {
        String fqn = node.resolveTopicName(topic);
        TopicInput existing = byTopic.get(fqn);
        if (existing != null) {
            if (existing.subscription().type() != type) {
                throw new ParamsException("observation slice '" + slice + "': topic " + fqn + " is read as "
                        + existing.subscription().type().name() + " by another slice, not " + type.name());
            }
            return existing;
        }
        TopicInput in = new TopicInput(node, topic, type, Qos.profile(qos));
        byTopic.put(fqn, in);
        return in;
    }

    /** Number of observation values. */
    public int size() {
        return size;
    }

    /** The subscribed inputs, one per topic. */
    public List<TopicInput> inputs() {
        return inputs;
    }

    /**
     * Fills {@code observation} from the latest samples. Loop thread; allocation-free.
     *
     * @param tick a number that changes every tick (topics are polled once per tick)
     * @param now  the tick's time on the {@link System#nanoTime()} clock
     * @return -1 when every input is fresh, otherwise the index of the first slice whose input is
     *         missing or older than its limit (the vector is then incomplete)
     */
    public int read(long tick, long now, float[] observation) {
        int stale = -1;
        for (int i = 0; i < slices.length; i++) {
            Slice s = slices[i];
            long received = s.read(tick, observation);
            if (received == Subscription.NO_SAMPLE || (s.maxAgeNanos > 0 && now - received > s.maxAgeNanos)) {
                if (stale < 0) {
                    stale = i;
                }
            }
        }
        return stale;
    }

    /** Name of slice {@code i} (for diagnostics). */
    public String sliceName(int i) {
        return slices[i].name;
    }

    @Override
    public void close() {
        inputs.forEach(TopicInput::close);
    }

    private abstract static class Slice {
        final String name;
        final long maxAgeNanos;
        int offset;

        Slice(ObservationSlice s) {
            this.name = s.name();
            this.maxAgeNanos = s.maxAgeNanos();
        }

        /** Writes this slice's values; returns the (oldest) receive time of its inputs or NO_SAMPLE. */
        abstract long read(long tick, float[] out);
    }

    private static final class FieldReader extends Slice {
        private final TopicInput input;
        private final Field field;
        private final double scale;
        private final double offsetValue;

        FieldReader(ObservationSlice.FieldSlice f, TopicInput input, Field field) {
            super(f);
            this.input = input;
            this.field = field;
            this.scale = f.scale();
            this.offsetValue = f.offset();
        }

        @Override
        long read(long tick, float[] out) {
            long t = input.poll(tick);
            if (t != Subscription.NO_SAMPLE) {
                Message m = input.message();
                out[offset] = (float) (scale * (field.kind() == FieldKind.BOOL ? (m.getBoolean(field) ? 1 : 0)
                        : m.getDouble(field)) + offsetValue);
            }
            return t;
        }
    }

    /** Min-pooling over equal sectors of beams, then clipping (see {@link ObservationSlice.ScanSlice}). */
    private static final class ScanReader extends Slice {
        private final TopicInput input;
        private final Field ranges;
        private final int sectors;
        private final float clipMin;
        private final float clipMax;

        ScanReader(ObservationSlice.ScanSlice s, TopicInput input) {
            super(s);
            this.input = input;
            this.ranges = input.subscription().type().field("ranges");
            this.sectors = s.sectors();
            this.clipMin = (float) s.clipMin();
            this.clipMax = (float) s.clipMax();
        }

        @Override
        long read(long tick, float[] out) {
            long t = input.poll(tick);
            if (t == Subscription.NO_SAMPLE) {
                return t;
            }
            PrimitiveArray r = input.message().primitives(ranges);
            int beams = r.size();
            if (beams < sectors) {
                // A scan with fewer beams than sectors cannot fill the slice: report it as unusable.
                for (int k = 0; k < sectors; k++) {
                    out[offset + k] = Float.NaN;
                }
                return t;
            }
            for (int k = 0; k < sectors; k++) {
                // Sector k covers beams [k*beams/sectors, (k+1)*beams/sectors): every beam in exactly one sector.
                int from = (int) ((long) k * beams / sectors);
                int to = (int) ((long) (k + 1) * beams / sectors);
                float min = Float.NaN;
                for (int b = from; b < to; b++) {
                    float v = r.getFloat(b);
                    if (v == v && !(v >= min)) { // not NaN, and below the running minimum (or the first value)
                        min = v;
                    }
                }
                out[offset + k] = min != min ? Float.NaN : Math.max(clipMin, Math.min(clipMax, min));
            }
            return t;
        }
    }

    /** Goal distance and bearing in the robot frame from odometry and the goal pose. */
    private static final class GoalReader extends Slice {
        private final TopicInput odom;
        private final TopicInput goal;
        private final Field x;
        private final Field y;
        private final Field qz;
        private final Field qw;
        private final Field gx;
        private final Field gy;

        GoalReader(ObservationSlice.GoalSlice g, TopicInput odom, TopicInput goal) {
            super(g);
            this.odom = odom;
            this.goal = goal;
            MessageType o = odom.subscription().type();
            MessageType p = goal.subscription().type();
            x = o.field("pose.pose.position.x");
            y = o.field("pose.pose.position.y");
            qz = o.field("pose.pose.orientation.z");
            qw = o.field("pose.pose.orientation.w");
            gx = p.field("pose.position.x");
            gy = p.field("pose.position.y");
        }

        @Override
        long read(long tick, float[] out) {
            long to = odom.poll(tick);
            long tg = goal.poll(tick);
            if (to == Subscription.NO_SAMPLE || tg == Subscription.NO_SAMPLE) {
                return Subscription.NO_SAMPLE;
            }
            Message o = odom.message();
            Message g = goal.message();
            // Planar yaw from the quaternion (rotation about z only): yaw = 2 atan2(qz, qw).
            double yaw = 2 * Math.atan2(o.getDouble(qz), o.getDouble(qw));
            double dx = g.getDouble(gx) - o.getDouble(x);
            double dy = g.getDouble(gy) - o.getDouble(y);
            double c = Math.cos(yaw);
            double s = Math.sin(yaw);
            out[offset] = (float) Math.hypot(dx, dy);
            // The goal in the robot frame is R(-yaw) (dx, dy); its bearing is atan2 of that.
            out[offset + 1] = (float) Math.atan2(c * dy - s * dx, c * dx + s * dy);
            return to; // the goal is latched and never ages
        }
    }
    /**
     * Joint fields picked by name. The index of each configured joint in the sample's {@code name}
     * array is remembered and re-checked every tick (a string compare of cached values, allocation-free
     * while the publisher keeps its names); only a changed layout triggers a search.
     */
    private static final class JointStateReader extends Slice {
        private final TopicInput input;
        private final String[] joints;
        private final Field names;
        private final Field[] fields;
        private final int[] at;

        JointStateReader(ObservationSlice.JointStateSlice j, TopicInput input) {
            super(j);
            this.input = input;
            this.joints = j.joints().toArray(String[]::new);
            MessageType type = input.subscription().type();
            this.names = type.field("name");
            this.fields = new Field[j.fields().size()];
            for (int f = 0; f < fields.length; f++) {
                fields[f] = type.field(j.fields().get(f));
            }
            this.at = new int[joints.length];
            java.util.Arrays.fill(at, -1);
        }

        @Override
        long read(long tick, float[] out) {
            long t = input.poll(tick);
            if (t == Subscription.NO_SAMPLE) {
                return t;
            }
            Message m = input.message();
            StringArray present = m.strings(names);
            int n = present.size();
            for (int k = 0; k < joints.length; k++) {
                int i = at[k];
                if (i < 0 || i >= n || !joints[k].equals(present.get(i))) {
                    i = -1;
                    for (int c = 0; c < n; c++) {
                        if (joints[k].equals(present.get(c))) {
                            i = c;
                            break;
                        }
                    }
                    at[k] = i;
                }
            }
            int o = offset;
            for (Field field : fields) {
                PrimitiveArray values = m.primitives(field);
                int size = values.size();
                for (int k = 0; k < joints.length; k++) {
                    int i = at[k];
                    // A joint the sample does not name, or a field array shorter than the names: unusable.
                    out[o++] = i >= 0 && i < size ? (float) values.getDouble(i) : Float.NaN;
                }
            }
            return t;
        }
    }

    /** Several numeric fields of one message, in order: an Imu's parts, a Twist's components. */
    private static final class FieldsReader extends Slice {
        private final TopicInput input;
        private final Field[] values;

        FieldsReader(ObservationSlice s, TopicInput input, List<String> paths) {
            super(s);
            this.input = input;
            MessageType type = input.subscription().type();
            this.values = paths.stream().map(type::field).toArray(Field[]::new);
        }

        /** The field paths of an Imu slice: each part's x, y, z (and w for the orientation). */
        static List<String> imuPaths(ObservationSlice.ImuSlice s) {
            List<String> paths = new ArrayList<>();
            for (String part : s.parts()) {
                for (String axis : part.equals("orientation") ? List.of("x", "y", "z", "w") : List.of("x", "y", "z")) {
                    paths.add(part + "." + axis);
                }
            }
            return paths;
        }

        @Override
        long read(long tick, float[] out) {
            long t = input.poll(tick);
            if (t != Subscription.NO_SAMPLE) {
                Message m = input.message();
                for (int k = 0; k < values.length; k++) {
                    out[offset + k] = (float) m.getDouble(values[k]);
                }
            }
            return t;
        }
    }
}

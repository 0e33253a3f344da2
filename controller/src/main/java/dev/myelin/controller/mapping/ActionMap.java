package dev.myelin.controller.mapping;

import dev.myelin.controller.config.ActionOutput;
import dev.myelin.controller.config.ParamsException;
import dev.myelin.ros2.Node;
import dev.myelin.ros2.Publisher;
import dev.myelin.ros2.Qos;
import dev.myelin.ros2.msg.Field;
import dev.myelin.ros2.msg.FieldKind;
import dev.myelin.ros2.msg.Message;
import dev.myelin.ros2.msg.MessageType;
import dev.myelin.ros2.msg.PrimitiveArray;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes the gated command to the output topics as the parameter file declares: output {@code i}
 * goes to its topic's message field, or to one element of a float sequence ({@code data[i]} of a
 * joint forward command); each topic is published once per {@link #write}. Publishers
 * are created once; {@link #write} allocates nothing. Loop thread only, except {@link #close}.
 */
public final class ActionMap implements AutoCloseable {
    private final Publisher[] publishers;
    private final Message[] messages;
    private final int[] topicOf;
    private final Field[] fields;
    /** Element index written by output i, or -1 for a scalar field. */
    private final int[] elements;
    private static final java.util.regex.Pattern ELEMENT = java.util.regex.Pattern.compile("(.+)\\[(\\d{1,6})]");

    public ActionMap(Node node, List<ActionOutput> outputs) {
        Map<String, Integer> topicIndex = new LinkedHashMap<>();
        List<Publisher> pubs = new ArrayList<>();
        List<Message> msgs = new ArrayList<>();
        topicOf = new int[outputs.size()];
        fields = new Field[outputs.size()];
        elements = new int[outputs.size()];
        try {
            for (int i = 0; i < outputs.size(); i++) {
                ActionOutput out = outputs.get(i);
                MessageType type;
                try {
                    type = node.messageType(out.type());
                } catch (RuntimeException e) {
                    throw new ParamsException("action '" + out.channel() + "': unknown message type " + out.type());
                }
                // "data[3]": element 3 of an array field (a joint of a multi-array forward command).
                java.util.regex.Matcher element = ELEMENT.matcher(out.field());
                String path = element.matches() ? element.group(1) : out.field();
                int index = element.matches() ? Integer.parseInt(element.group(2)) : -1;
                Field f;
                try {
                    f = type.field(path);
                } catch (RuntimeException e) {
                    throw new ParamsException("action '" + out.channel() + "': " + type.name() + " has no field '" + path + "'");
                }
                if (f.isScalar() == index >= 0 || !f.kind().isFloatingPoint()
                        || (index >= 0 && f.arity() != dev.myelin.ros2.msg.Arity.SEQUENCE)) {
                    throw new ParamsException("action '" + out.channel() + "': " + type.name() + " field '" + out.field()
                            + "' is " + f.typeSpelling() + "; actions write float32 or float64 fields or elements of float sequences");
                }
                String fqn = node.resolveTopicName(out.topic());
                Integer t = topicIndex.get(fqn);
                if (t == null) {
                    t = pubs.size();
                    topicIndex.put(fqn, t);
                    pubs.add(node.createPublisher(out.topic(), type, Qos.profile(out.qos())));
                    msgs.add(type.newMessage());
                }
                topicOf[i] = t;
                fields[i] = f;
                elements[i] = index;
                if (index >= 0) {
                    PrimitiveArray data = msgs.get(t).primitives(f);
                    if (data.size() <= index) {
                        data.resize(index + 1);
                    }
                }
            }
            for (int t = 0; t < msgs.size(); t++) {
                describeLayout(msgs.get(t));
            }
        } catch (RuntimeException e) {
            pubs.forEach(Publisher::close);
            throw e;
        }
        publishers = pubs.toArray(Publisher[]::new);
        messages = msgs.toArray(Message[]::new);
    }

    /**
     * A std_msgs multi-array carries its shape: one dimension labelled {@code joints}, size and stride
     * the number of values (ros2_control's forward command controllers read {@code data} only).
     */
    private static void describeLayout(Message m) {
        MessageType type = m.type();
        if (!type.name().startsWith("std_msgs/msg/") || !type.name().endsWith("MultiArray")) {
            return;
        }
        int n = m.primitives(type.field("data")).size();
        dev.myelin.ros2.msg.MessageArray dims = m.messages(type.field("layout.dim"));
        dims.resize(1);
        Message dim = dims.get(0);
        MessageType dimType = dim.type();
        dim.setString(dimType.field("label"), "joints");
        dim.setLong(dimType.field("size"), n);
        dim.setLong(dimType.field("stride"), n);
    }

    /** Output topics' publishers, in first-use order. */
    public List<Publisher> publishers() {
        return List.of(publishers);
    }

    /** Sets every output field from {@code command} (output order) and publishes each topic once. Loop thread. */
    public void write(float[] command) {
        for (int i = 0; i < fields.length; i++) {
            Field f = fields[i];
            Message m = messages[topicOf[i]];
            if (elements[i] >= 0) {
                PrimitiveArray data = m.primitives(f);
                if (f.kind() == FieldKind.FLOAT32) {
                    data.setFloat(elements[i], command[i]);
                } else {
                    data.setDouble(elements[i], command[i]);
                }
            } else if (f.kind() == FieldKind.FLOAT32) {
                m.setFloat(f, command[i]);
            } else {
                m.setDouble(f, command[i]);
            }
        }
        for (int t = 0; t < publishers.length; t++) {
            publishers[t].publish(messages[t]);
        }
    }

    @Override
    public void close() {
        for (Publisher p : publishers) {
            p.close();
        }
    }
}

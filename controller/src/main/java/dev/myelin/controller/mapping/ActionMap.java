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

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes the gated command to the output topics as the parameter file declares: output {@code i}
 * goes to its topic's message field; each topic is published once per {@link #write}. Publishers
 * are created once; {@link #write} allocates nothing. Loop thread only, except {@link #close}.
 */
public final class ActionMap implements AutoCloseable {
    private final Publisher[] publishers;
    private final Message[] messages;
    private final int[] topicOf;
    private final Field[] fields;

    public ActionMap(Node node, List<ActionOutput> outputs) {
        Map<String, Integer> topicIndex = new LinkedHashMap<>();
        List<Publisher> pubs = new ArrayList<>();
        List<Message> msgs = new ArrayList<>();
        topicOf = new int[outputs.size()];
        fields = new Field[outputs.size()];
        try {
            for (int i = 0; i < outputs.size(); i++) {
                ActionOutput out = outputs.get(i);
                MessageType type;
                try {
                    type = node.messageType(out.type());
                } catch (RuntimeException e) {
                    throw new ParamsException("action '" + out.channel() + "': unknown message type " + out.type());
                }
                Field f;
                try {
                    f = type.field(out.field());
                } catch (RuntimeException e) {
                    throw new ParamsException("action '" + out.channel() + "': " + type.name() + " has no field '" + out.field() + "'");
                }
                if (!f.isScalar() || !f.kind().isFloatingPoint()) {
                    throw new ParamsException("action '" + out.channel() + "': " + type.name() + " field '" + out.field()
                            + "' is " + f.typeSpelling() + "; actions write float32 or float64 fields");
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
            }
        } catch (RuntimeException e) {
            pubs.forEach(Publisher::close);
            throw e;
        }
        publishers = pubs.toArray(Publisher[]::new);
        messages = msgs.toArray(Message[]::new);
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
            if (f.kind() == FieldKind.FLOAT32) {
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

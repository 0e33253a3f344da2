package dev.myelin.ros2.param;

import dev.myelin.ros2.Node;
import dev.myelin.ros2.Publisher;
import dev.myelin.ros2.Qos;
import dev.myelin.ros2.msg.Message;
import dev.myelin.ros2.msg.MessageArray;
import dev.myelin.ros2.msg.MessageType;
import dev.myelin.ros2.msg.PrimitiveArray;
import dev.myelin.ros2.msg.StringArray;
import dev.myelin.ros2.service.ServiceServer;
import dev.myelin.ros2.service.ServiceType;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Serves a {@link ParameterStore} the way every rclcpp node does: {@code ~/get_parameters},
 * {@code ~/get_parameter_types}, {@code ~/set_parameters}, {@code ~/set_parameters_atomically},
 * {@code ~/describe_parameters}, {@code ~/list_parameters}, and {@code /parameter_events}
 * (everything declared as new parameters once at start, then every change). Handlers run on the
 * services' own threads; a set waits there for the owner's loop to adopt it.
 */
public final class ParameterServer implements AutoCloseable {
    /** {@code /parameter_events}: reliable, volatile, keep last 1000. */
    public static final Qos EVENTS_QOS = Qos.DEFAULT.withDepth(1000);
    private static final Duration ADOPT_TIMEOUT = Duration.ofSeconds(2);

    private final Node node;
    private final ParameterStore store;
    private final Publisher events;
    private final List<ServiceServer> servers = new ArrayList<>();
    private final MessageType valueType;
    private final MessageType eventType;

    private ParameterServer(Node node, ParameterStore store) {
        this.node = node;
        this.store = store;
        this.valueType = node.messageType("rcl_interfaces/msg/ParameterValue");
        this.eventType = node.messageType("rcl_interfaces/msg/ParameterEvent");
        this.events = node.createPublisher("/parameter_events", eventType, EVENTS_QOS);
        try {
            serve("get_parameters", "rcl_interfaces/srv/GetParameters", this::getParameters);
            serve("get_parameter_types", "rcl_interfaces/srv/GetParameterTypes", this::getTypes);
            serve("set_parameters", "rcl_interfaces/srv/SetParameters", this::setParameters);
            serve("set_parameters_atomically", "rcl_interfaces/srv/SetParametersAtomically", this::setAtomically);
            serve("describe_parameters", "rcl_interfaces/srv/DescribeParameters", this::describe);
            serve("list_parameters", "rcl_interfaces/srv/ListParameters", this::list);
        } catch (RuntimeException e) {
            close();
            throw e;
        }
        store.onChange(this::publishChange);
        if (!store.snapshot().isEmpty()) {
            publishEvent(store.snapshot(), true);
        }
    }

    /**
     * Starts serving {@code store} on {@code node}; the node closes the server with itself. Use
     * {@link Node#serveParameters}, which replaces the server every node starts with.
     */
    public static ParameterServer start(Node node, ParameterStore store) {
        ParameterServer s = new ParameterServer(node, store);
        node.own(s);
        return s;
    }

    /** The six parameter services, in the order they were created. */
    public List<ServiceServer> services() {
        return List.copyOf(servers);
    }

    public ParameterStore store() {
        return store;
    }

    private interface Handler {
        void handle(Message request, Message response);
    }

    private void serve(String name, String type, Handler h) {
        ServiceType st = ServiceType.of(node.context().messageTypes(), type);
        servers.add(ServiceServer.create(node, "~/" + name, st, h::handle, ServiceType.PARAMETER_QOS));
    }

    private void getParameters(Message req, Message res) {
        StringArray names = req.strings(req.type().field("names"));
        MessageArray values = res.messages(res.type().field("values"));
        for (int i = 0; i < names.size(); i++) {
            toMessage(store.get(names.get(i)), values.add());
        }
    }

    private void getTypes(Message req, Message res) {
        StringArray names = req.strings(req.type().field("names"));
        PrimitiveArray types = res.primitives(res.type().field("types"));
        types.resize(names.size());
        for (int i = 0; i < names.size(); i++) {
            ParameterDescriptor d = store.descriptor(names.get(i));
            types.setLong(i, d == null ? 0 : d.type().code());
        }
    }

    private void setParameters(Message req, Message res) {
        MessageArray params = req.messages(req.type().field("parameters"));
        MessageArray results = res.messages(res.type().field("results"));
        for (int i = 0; i < params.size(); i++) {
            Message p = params.get(i);
            String name = p.getString(p.type().field("name"));
            Message result = results.add();
            ParameterStore.SetResult r;
            try {
                r = store.set(Map.of(name, fromMessage(name, p.child(p.type().field("value")))), ADOPT_TIMEOUT);
            } catch (IllegalArgumentException e) {
                r = new ParameterStore.SetResult(false, e.getMessage());
            }
            writeResult(r, result);
        }
    }

    private void setAtomically(Message req, Message res) {
        MessageArray params = req.messages(req.type().field("parameters"));
        Map<String, Object> changes = new LinkedHashMap<>();
        ParameterStore.SetResult r = null;
        try {
            for (int i = 0; i < params.size(); i++) {
                Message p = params.get(i);
                String name = p.getString(p.type().field("name"));
                if (changes.put(name, fromMessage(name, p.child(p.type().field("value")))) != null) {
                    r = new ParameterStore.SetResult(false, "parameter '" + name + "' is given twice");
                }
            }
        } catch (IllegalArgumentException e) {
            r = new ParameterStore.SetResult(false, e.getMessage());
        }
        if (r == null) {
            r = store.set(changes, ADOPT_TIMEOUT);
        }
        writeResult(r, res.child(res.type().field("result")));
    }

    private void describe(Message req, Message res) {
        StringArray names = req.strings(req.type().field("names"));
        MessageArray out = res.messages(res.type().field("descriptors"));
        for (int i = 0; i < names.size(); i++) {
            Message m = out.add();
            MessageType t = m.type();
            m.setString(t.field("name"), names.get(i));
            ParameterDescriptor d = store.descriptor(names.get(i));
            if (d == null) {
                continue;
            }
            m.setInt(t.field("type"), d.type().code());
            m.setString(t.field("description"), d.description());
            m.setString(t.field("additional_constraints"), d.constraints());
            m.setBoolean(t.field("read_only"), d.readOnly());
            if (d.min() != null || d.max() != null) {
                double lo = d.min() == null ? -Double.MAX_VALUE : d.min();
                double hi = d.max() == null ? Double.MAX_VALUE : d.max();
                if (d.type() == ParameterType.INTEGER) {
                    Message range = m.messages(t.field("integer_range")).add();
                    range.setLong(range.type().field("from_value"), (long) lo);
                    range.setLong(range.type().field("to_value"), (long) hi);
                } else {
                    Message range = m.messages(t.field("floating_point_range")).add();
                    range.setDouble(range.type().field("from_value"), lo);
                    range.setDouble(range.type().field("to_value"), hi);
                }
            }
        }
    }

    private void list(Message req, Message res) {
        StringArray prefixes = req.strings(req.type().field("prefixes"));
        long depth = req.getLong(req.type().field("depth"));
        List<String> names = new ArrayList<>();
        TreeSet<String> foundPrefixes = new TreeSet<>();
        for (String name : store.names()) {
            boolean match = prefixes.size() == 0;
            for (int i = 0; i < prefixes.size() && !match; i++) {
                String p = prefixes.get(i);
                match = name.equals(p) || name.startsWith(p + ".");
            }
            long dots = name.chars().filter(c -> c == '.').count();
            if (!match || (depth > 0 && dots >= depth)) {
                continue;
            }
            names.add(name);
            if (name.contains(".")) {
                foundPrefixes.add(name.substring(0, name.lastIndexOf('.')));
            }
        }
        Message result = res.child(res.type().field("result"));
        result.strings(result.type().field("names")).setAll(names.toArray(String[]::new));
        result.strings(result.type().field("prefixes")).setAll(foundPrefixes.toArray(String[]::new));
    }

    private static void writeResult(ParameterStore.SetResult r, Message m) {
        m.setBoolean(m.type().field("successful"), r.successful());
        m.setString(m.type().field("reason"), r.reason());
    }

    private void publishChange(Map<String, Object> changed) {
        publishEvent(changed, false);
    }

    private void publishEvent(Map<String, Object> params, boolean asNew) {
        Message e = eventType.newMessage();
        long now = System.currentTimeMillis() * 1_000_000L;
        Message stamp = e.child(eventType.field("stamp"));
        stamp.setInt(stamp.type().field("sec"), (int) (now / 1_000_000_000L));
        stamp.setLong(stamp.type().field("nanosec"), now % 1_000_000_000L);
        e.setString(eventType.field("node"), node.fullyQualifiedName());
        MessageArray list = e.messages(eventType.field(asNew ? "new_parameters" : "changed_parameters"));
        params.forEach((name, v) -> {
            Message p = list.add();
            p.setString(p.type().field("name"), name);
            toMessage(v, p.child(p.type().field("value")));
        });
        try {
            events.publish(e);
        } catch (RuntimeException ignored) {
            // an event that cannot be sent does not undo the set; the values are still served
        }
    }

    /** Writes a Java parameter value into an {@code rcl_interfaces/msg/ParameterValue} (null: NOT_SET). */
    public static void toMessage(Object v, Message m) {
        MessageType t = m.type();
        ParameterType type = v == null ? ParameterType.NOT_SET : ParameterValues.typeOf(v);
        m.setInt(t.field("type"), type.code());
        switch (type) {
            case BOOL -> m.setBoolean(t.field("bool_value"), (Boolean) v);
            case INTEGER -> m.setLong(t.field("integer_value"), ((Number) v).longValue());
            case DOUBLE -> m.setDouble(t.field("double_value"), ((Number) v).doubleValue());
            case STRING -> m.setString(t.field("string_value"), (String) v);
            case BYTE_ARRAY -> {
                byte[] b = (byte[]) v;
                PrimitiveArray a = m.primitives(t.field("byte_array_value"));
                a.resize(b.length);
                for (int i = 0; i < b.length; i++) {
                    a.setLong(i, b[i] & 0xff);
                }
            }
            case BOOL_ARRAY -> {
                List<?> l = (List<?>) v;
                PrimitiveArray a = m.primitives(t.field("bool_array_value"));
                a.resize(l.size());
                for (int i = 0; i < l.size(); i++) {
                    a.setBoolean(i, (Boolean) l.get(i));
                }
            }
            case INTEGER_ARRAY -> {
                List<?> l = (List<?>) v;
                PrimitiveArray a = m.primitives(t.field("integer_array_value"));
                a.resize(l.size());
                for (int i = 0; i < l.size(); i++) {
                    a.setLong(i, (Long) l.get(i));
                }
            }
            case DOUBLE_ARRAY -> {
                List<?> l = (List<?>) v;
                PrimitiveArray a = m.primitives(t.field("double_array_value"));
                a.resize(l.size());
                for (int i = 0; i < l.size(); i++) {
                    a.setDouble(i, (Double) l.get(i));
                }
            }
            case STRING_ARRAY -> m.strings(t.field("string_array_value")).setAll(((List<?>) v).toArray(String[]::new));
            case NOT_SET -> {
            }
        }
    }

    /**
     * Reads an {@code rcl_interfaces/msg/ParameterValue}.
     *
     * @throws IllegalArgumentException for NOT_SET (parameters cannot be undeclared) or an unknown type code
     */
    public static Object fromMessage(String name, Message m) {
        MessageType t = m.type();
        int code = m.getInt(t.field("type"));
        ParameterType type;
        try {
            type = ParameterType.ofCode(code);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("parameter '" + name + "': " + e.getMessage());
        }
        return switch (type) {
            case NOT_SET -> throw new IllegalArgumentException("parameter '" + name + "' cannot be undeclared");
            case BOOL -> m.getBoolean(t.field("bool_value"));
            case INTEGER -> m.getLong(t.field("integer_value"));
            case DOUBLE -> m.getDouble(t.field("double_value"));
            case STRING -> m.getString(t.field("string_value"));
            case BYTE_ARRAY -> {
                PrimitiveArray a = m.primitives(t.field("byte_array_value"));
                byte[] b = new byte[a.size()];
                for (int i = 0; i < b.length; i++) {
                    b[i] = (byte) a.getLong(i);
                }
                yield b;
            }
            case BOOL_ARRAY -> {
                PrimitiveArray a = m.primitives(t.field("bool_array_value"));
                List<Boolean> l = new ArrayList<>();
                for (int i = 0; i < a.size(); i++) {
                    l.add(a.getBoolean(i));
                }
                yield List.copyOf(l);
            }
            case INTEGER_ARRAY -> {
                PrimitiveArray a = m.primitives(t.field("integer_array_value"));
                List<Long> l = new ArrayList<>();
                for (int i = 0; i < a.size(); i++) {
                    l.add(a.getLong(i));
                }
                yield List.copyOf(l);
            }
            case DOUBLE_ARRAY -> {
                PrimitiveArray a = m.primitives(t.field("double_array_value"));
                List<Double> l = new ArrayList<>();
                for (int i = 0; i < a.size(); i++) {
                    l.add(a.getDouble(i));
                }
                yield List.copyOf(l);
            }
            case STRING_ARRAY -> {
                StringArray a = m.strings(t.field("string_array_value"));
                List<String> l = new ArrayList<>();
                for (int i = 0; i < a.size(); i++) {
                    l.add(a.get(i));
                }
                yield List.copyOf(l);
            }
        };
    }

    /** Stops the six services and the event publisher. Idempotent. */
    @Override
    public void close() {
        for (ServiceServer s : servers) {
            s.close();
        }
        events.close();
    }
}

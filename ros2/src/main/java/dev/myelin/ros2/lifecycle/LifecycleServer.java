package dev.myelin.ros2.lifecycle;

import dev.myelin.ros2.Node;
import dev.myelin.ros2.Publisher;
import dev.myelin.ros2.Qos;
import dev.myelin.ros2.msg.Message;
import dev.myelin.ros2.msg.MessageArray;
import dev.myelin.ros2.msg.MessageType;
import dev.myelin.ros2.service.ServiceServer;
import dev.myelin.ros2.service.ServiceType;

import java.util.ArrayList;
import java.util.List;

/**
 * Serves a {@link ManagedNode} as a ROS 2 managed node: {@code ~/change_state} (by id, or by
 * label when the id is 0), {@code ~/get_state}, {@code ~/get_available_states},
 * {@code ~/get_available_transitions}, and a {@code ~/transition_event} for every transition
 * carried out. Transitions run one at a time on the change_state service's own thread.
 */
public final class LifecycleServer implements AutoCloseable {
    private final Node node;
    private final ManagedNode managed;
    private final Publisher events;
    private final MessageType eventType;
    private final List<ServiceServer> servers = new ArrayList<>();

    private LifecycleServer(Node node, ManagedNode managed) {
        this.node = node;
        this.managed = managed;
        this.eventType = node.messageType("lifecycle_msgs/msg/TransitionEvent");
        this.events = node.createPublisher("~/transition_event", eventType, Qos.DEFAULT);
        try {
            serve("change_state", "lifecycle_msgs/srv/ChangeState", this::changeState);
            serve("get_state", "lifecycle_msgs/srv/GetState", this::getState);
            serve("get_available_states", "lifecycle_msgs/srv/GetAvailableStates", this::availableStates);
            serve("get_available_transitions", "lifecycle_msgs/srv/GetAvailableTransitions", this::availableTransitions);
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /** Serves {@code managed} on {@code node}; the node closes the server with itself. */
    public static LifecycleServer start(Node node, ManagedNode managed) {
        LifecycleServer s = new LifecycleServer(node, managed);
        node.own(s);
        return s;
    }

    private interface Handler {
        void handle(Message request, Message response);
    }

    private void serve(String name, String type, Handler h) {
        servers.add(ServiceServer.create(node, "~/" + name, ServiceType.of(node.context().messageTypes(), type),
                h::handle, ServiceType.DEFAULT_QOS));
    }

    /** Carries out the transition named by id (or label when id is 0); false when unavailable or failed. */
    public synchronized boolean change(int id, String label) {
        LifecycleState before = managed.state();
        LifecycleTransition t = LifecycleTransition.resolve(id, label, before);
        if (t == null || !managed.supported().contains(t)) {
            return false;
        }
        boolean ok;
        try {
            managed.apply(t);
            ok = managed.state() == t.goal();
        } catch (Exception e) {
            ok = false;
        }
        if (ok) {
            publishEvent(t, before, managed.state());
        }
        return ok;
    }

    private void changeState(Message req, Message res) {
        Message t = req.child(req.type().field("transition"));
        boolean ok = change(t.getInt(t.type().field("id")), t.getString(t.type().field("label")));
        res.setBoolean(res.type().field("success"), ok);
    }

    private void getState(Message req, Message res) {
        writeState(managed.state(), res.child(res.type().field("current_state")));
    }

    private void availableStates(Message req, Message res) {
        MessageArray out = res.messages(res.type().field("available_states"));
        for (LifecycleState s : LifecycleState.values()) {
            if (s != LifecycleState.UNKNOWN) {
                writeState(s, out.add());
            }
        }
    }

    private void availableTransitions(Message req, Message res) {
        MessageArray out = res.messages(res.type().field("available_transitions"));
        for (LifecycleTransition t : available()) {
            Message d = out.add();
            MessageType dt = d.type();
            writeTransition(t, d.child(dt.field("transition")));
            writeState(t.start(), d.child(dt.field("start_state")));
            writeState(t.goal(), d.child(dt.field("goal_state")));
        }
    }

    /** Transitions the node supports from its current state. */
    public List<LifecycleTransition> available() {
        LifecycleState s = managed.state();
        List<LifecycleTransition> out = new ArrayList<>();
        for (LifecycleTransition t : LifecycleTransition.values()) {
            if (t.start() == s && managed.supported().contains(t)) {
                out.add(t);
            }
        }
        return out;
    }

    private void publishEvent(LifecycleTransition t, LifecycleState start, LifecycleState goal) {
        Message e = eventType.newMessage();
        e.setLong(eventType.field("timestamp"), System.currentTimeMillis() * 1_000_000L);
        writeTransition(t, e.child(eventType.field("transition")));
        writeState(start, e.child(eventType.field("start_state")));
        writeState(goal, e.child(eventType.field("goal_state")));
        try {
            events.publish(e);
        } catch (RuntimeException ignored) {
            // the transition happened; a lost event does not undo it
        }
    }

    private static void writeState(LifecycleState s, Message m) {
        m.setInt(m.type().field("id"), s.id());
        m.setString(m.type().field("label"), s.label());
    }

    private static void writeTransition(LifecycleTransition t, Message m) {
        m.setInt(m.type().field("id"), t.id());
        m.setString(m.type().field("label"), t.label());
    }

    /** Stops the services and the event publisher. Idempotent. */
    @Override
    public void close() {
        for (ServiceServer s : servers) {
            s.close();
        }
        events.close();
    }
}

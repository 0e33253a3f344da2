package dev.myelin.ros2.cli;

import dev.myelin.ros2.Context;
import dev.myelin.ros2.msg.Message;
import dev.myelin.ros2.msg.MessageArray;

import java.io.PrintStream;
import java.time.Duration;
import java.util.concurrent.TimeoutException;

/** What {@code ros2 lifecycle} does over a managed node's lifecycle_msgs services: {@code get}, {@code set}, {@code list}. */
public final class LifecycleTool {
    private final Context context;
    private final PrintStream out;
    private final Duration timeout;

    public LifecycleTool(Context context, PrintStream out, Duration timeout) {
        this.context = context;
        this.out = out;
        this.timeout = timeout;
    }

    private static String base(String node) {
        return node.startsWith("/") ? node : "/" + node;
    }

    private static String state(Message s) {
        return s.getString(s.type().field("label")) + " [" + s.getInt(s.type().field("id")) + "]";
    }

    /** {@code ros2 lifecycle get NODE}: prints e.g. {@code active [3]}. */
    public void get(String node) throws TimeoutException, InterruptedException {
        Message res = ServiceTool.call(context, base(node) + "/get_state", "lifecycle_msgs/srv/GetState", r -> { }, timeout);
        out.println(state(res.child(res.type().field("current_state"))));
    }

    /** {@code ros2 lifecycle set NODE TRANSITION} (a label such as {@code activate}, or an id); 1 when refused. */
    public int set(String node, String transition) throws TimeoutException, InterruptedException {
        Message res = ServiceTool.call(context, base(node) + "/change_state", "lifecycle_msgs/srv/ChangeState", req -> {
            Message t = req.child(req.type().field("transition"));
            if (transition.strip().matches("[0-9]+")) {
                t.setInt(t.type().field("id"), Integer.parseInt(transition.strip()));
            } else {
                t.setString(t.type().field("label"), transition.strip());
            }
        }, timeout);
        boolean ok = res.getBoolean(res.type().field("success"));
        out.println(ok ? "Transitioning successful" : "Transitioning failed");
        return ok ? 0 : 1;
    }

    /** {@code ros2 lifecycle list NODE}: the transitions available now. */
    public void list(String node) throws TimeoutException, InterruptedException {
        Message res = ServiceTool.call(context, base(node) + "/get_available_transitions",
                "lifecycle_msgs/srv/GetAvailableTransitions", r -> { }, timeout);
        MessageArray list = res.messages(res.type().field("available_transitions"));
        for (int i = 0; i < list.size(); i++) {
            Message d = list.get(i);
            Message t = d.child(d.type().field("transition"));
            out.println("- " + t.getString(t.type().field("label")) + " [" + t.getInt(t.type().field("id")) + "]");
            out.println("\tStart: " + d.child(d.type().field("start_state")).getString(
                    d.child(d.type().field("start_state")).type().field("label")));
            out.println("\tGoal: " + d.child(d.type().field("goal_state")).getString(
                    d.child(d.type().field("goal_state")).type().field("label")));
        }
    }
}

package dev.myelin.ros2;

import java.io.BufferedReader;
import java.io.InputStreamReader;

/**
 * Child JVM for {@link ContextTest}: opens a context with a publisher, prints READY, waits for a
 * line on stdin and exits with {@code System.exit(0)} without closing anything; the shutdown
 * hook must delete the participant.
 */
public final class ExitWithoutClose {
    private ExitWithoutClose() {
    }

    public static void main(String[] args) throws Exception {
        Context ctx = Context.builder().domainId(Integer.parseInt(args[0])).localhostOnly(true).build();
        ctx.createNode("leaving").createPublisher(args[1], "std_msgs/msg/String", Qos.DEFAULT);
        System.out.println("READY");
        System.out.flush();
        new BufferedReader(new InputStreamReader(System.in)).readLine();
        System.exit(0);
    }
}

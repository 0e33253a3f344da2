package dev.myelin.ros2.perf;

import dev.myelin.ros2.Context;
import dev.myelin.ros2.Node;
import dev.myelin.ros2.Publisher;
import dev.myelin.ros2.msg.MessageType;

import java.io.IOException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The Java end of a ping-pong run as its own process: echoes every sample from the ping topic to
 * the pong topic on the executor thread. Prints {@code READY} when its endpoints exist; stops when
 * standard input closes or after the given number of seconds.
 *
 * <pre>java dev.myelin.ros2.perf.PongNode DOMAIN TYPE PING_TOPIC PONG_TOPIC SECONDS</pre>
 */
public final class PongNode {
    private PongNode() {
    }

    public static void main(String[] args) throws InterruptedException {
        if (args.length != 5) {
            System.err.println("usage: PongNode DOMAIN TYPE PING_TOPIC PONG_TOPIC SECONDS");
            System.exit(3);
        }
        try (Context ctx = Context.builder().domainId(Integer.parseInt(args[0])).localhostOnly(true).build()) {
            Node node = ctx.createNode("pong");
            MessageType type = node.messageType(args[1]);
            Publisher pong = node.createPublisher(args[3], type, PingPong.QOS);
            node.createSubscription(args[2], type, PingPong.QOS, (m, t) -> pong.publish(m));
            System.out.println("READY");
            System.out.flush();
            CountDownLatch stdinClosed = new CountDownLatch(1);
            Thread.ofPlatform().daemon().name("stdin").start(() -> {
                try {
                    while (System.in.read() >= 0) {
                        // discard: only the end of input matters
                    }
                } catch (IOException ignored) {
                    // a broken pipe ends the run like a closed one
                }
                stdinClosed.countDown();
            });
            stdinClosed.await(Long.parseLong(args[4]), TimeUnit.SECONDS);
        }
    }
}

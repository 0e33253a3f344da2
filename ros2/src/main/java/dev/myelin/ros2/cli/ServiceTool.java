package dev.myelin.ros2.cli;

import dev.myelin.ros2.Context;
import dev.myelin.ros2.Node;
import dev.myelin.ros2.msg.Message;
import dev.myelin.ros2.msg.MessageYaml;
import dev.myelin.ros2.service.ServiceClient;

import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * What {@code ros2 service} does, on a {@link Context}: {@code list} and {@code call}, and the
 * one-shot call the {@code param} and {@code lifecycle} tools are built on.
 */
public final class ServiceTool {
    private final Context context;
    private final PrintStream out;

    public ServiceTool(Context context, PrintStream out) {
        this.context = context;
        this.out = out;
    }

    /** {@code ros2 service list [-t]}: services seen after {@code spin} of discovery. */
    public void list(boolean showTypes, Duration spin) throws InterruptedException {
        var graph = context.graph();
        Thread.sleep(spin.toMillis());
        for (Map.Entry<String, List<String>> e : graph.servicesAndTypes().entrySet()) {
            out.println(showTypes ? e.getKey() + " [" + String.join(", ", e.getValue()) + "]" : e.getKey());
        }
    }

    /**
     * {@code ros2 service call NAME TYPE 'YAML'}: prints the request and the response as YAML.
     *
     * @return 0 on a reply, 1 when none came in time
     */
    public int call(String service, String type, String yaml, Duration timeout) throws InterruptedException {
        try {
            Message response = call(context, service, type, req -> {
                MessageYaml.apply(yaml == null ? "" : yaml, req);
                out.println("requester: making request: " + MessageYaml.toFlow(req));
            }, timeout);
            out.println();
            out.println("response:");
            out.print(MessageYaml.toBlock(response));
            return 0;
        } catch (TimeoutException e) {
            out.println(e.getMessage());
            return 1;
        }
    }

    /**
     * One call of {@code service} from a short-lived node: waits for the service, fills the
     * request with {@code fill}, waits for the reply.
     *
     * @throws TimeoutException naming what did not happen in time
     */
    public static Message call(Context context, String service, String type, Consumer<Message> fill, Duration timeout)
            throws TimeoutException, InterruptedException {
        try (Node node = context.createNode("myelin_cli_" + ProcessHandle.current().pid())) {
            ServiceClient client = node.createClient(service, type);
            Message request = client.newRequest();
            fill.accept(request);
            if (!client.waitForService(timeout)) {
                throw new TimeoutException("service " + client.name() + " (" + type + ") is not available after "
                        + timeout.toMillis() + " ms");
            }
            return client.callAndWait(request, timeout);
        }
    }
}

package dev.myelin.ros2.service;

import dev.myelin.ros2.Context;
import dev.myelin.ros2.EndpointOptions;
import dev.myelin.ros2.Node;
import dev.myelin.ros2.Publisher;
import dev.myelin.ros2.Subscription;
import dev.myelin.ros2.TestDomain;
import dev.myelin.ros2.msg.Message;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A server replies only once the asking client's reply reader is matched, judged by client id: here one client's
 * leftover reply reader keeps the matched counts of an earlier, paired state while a new client's reader is still
 * missing, and the new client must still get its reply when its reader arrives after its request.
 */
class ServicePairingTest {
    private static final String NAME = "/pairing/get_parameters";
    private static Context context;

    @BeforeAll
    static void open() {
        context = TestDomain.context();
    }

    @AfterAll
    static void close() {
        context.close();
    }

    /** A client's two endpoints made by hand, so that each can come and go on its own. */
    private static final class HandClient {
        final String id;
        final ServiceType type;
        final Node node;
        Publisher requests;
        Subscription replies;
        final List<Long> replySeqs = new CopyOnWriteArrayList<>();

        HandClient(Node node, ServiceType type) {
            this.node = node;
            this.type = type;
            this.id = ServiceIds.next(node.context());
        }

        void openWriter() {
            requests = node.createPublisher(NAME, type.requestWire(), ServiceType.DEFAULT_QOS,
                    EndpointOptions.serviceRequest().withUserData("clientid", id));
        }

        void openReader() {
            replies = node.createSubscription(NAME, type.responseWire(), ServiceType.DEFAULT_QOS,
                    EndpointOptions.serviceReply().withUserData("clientid", id), (m, t) -> {
                        if (m.getLong(type.responseWire().field("client_guid")) == requests.instanceHandle()) {
                            replySeqs.add(m.getLong(type.responseWire().field("sequence_number")));
                        }
                    });
        }

        void ask(long seq) {
            Message m = type.requestWire().newMessage();
            m.setLong(type.requestWire().field("client_guid"), requests.instanceHandle());
            m.setLong(type.requestWire().field("sequence_number"), seq);
            requests.publish(m);
        }
    }

    @Test
    void aReplyWaitsForTheAskersReaderEvenWhenTheMatchedCountsLookPaired() throws Exception {
        try (Node serverNode = context.createNode("pairing_server"); Node clientNode = context.createNode("pairing_clients")) {
            ServiceServer server = serverNode.createService(NAME, "rcl_interfaces/srv/GetParameters", (req, rep) -> {
            });
            ServiceType type = server.type();
            HandClient a = new HandClient(clientNode, type);
            a.openWriter();
            a.openReader();
            assertTrue(await(() -> server.matchedClientIds().contains(a.id)), "a's reader matched");
            a.ask(1);
            assertTrue(await(() -> a.replySeqs.contains(1L)), "a gets its reply");

            // a's writer goes, its reader stays; b's writer comes: one writer and one reader matched, as before.
            HandClient b = new HandClient(clientNode, type);
            a.requests.close();
            b.openWriter();
            assertTrue(await(() -> server.matchedClientIds().contains(a.id)), "a's reader is still matched");
            b.ask(7);
            Thread.sleep(300); // b's reader is still in discovery when its request is served
            b.openReader();
            assertTrue(await(() -> b.replySeqs.contains(7L)), "b gets its reply once its reader is matched");
            assertEquals(2, server.servedCount());
            b.requests.close();
            b.replies.close();
            a.replies.close();
        }
    }

    private static boolean await(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                return false;
            }
            Thread.sleep(5);
        }
        return true;
    }
}

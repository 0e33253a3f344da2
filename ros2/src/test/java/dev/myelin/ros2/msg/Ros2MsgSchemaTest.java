package dev.myelin.ros2.msg;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class Ros2MsgSchemaTest {
    @Test
    void fullTextListsEveryDependencyOnceAndSplitsBack() {
        MessageType odom = MessageTypes.standard().get("nav_msgs/msg/Odometry");
        String text = Ros2MsgSchema.fullText(odom);
        assertTrue(text.startsWith(odom.definition().text().strip()), text);
        List<String> headers = text.lines().filter(l -> l.startsWith("MSG: ")).toList();
        assertEquals(odom.typeClosure().size() - 1, headers.size());
        assertTrue(headers.contains("MSG: geometry_msgs/PoseWithCovariance") && headers.contains("MSG: std_msgs/Header"), headers.toString());
        assertEquals(headers.size(), text.lines().filter(l -> l.equals("=".repeat(80))).count());

        Map<String, String> parts = Ros2MsgSchema.split("nav_msgs/msg/Odometry", text);
        assertEquals(odom.typeClosure().stream().map(MessageType::name).toList(), List.copyOf(parts.keySet()));
        for (MessageType t : odom.typeClosure()) {
            assertTrue(t.definition().sameStructure(MessageDefinition.parse(t.name(), parts.get(t.name()))), t.name());
        }
    }
}

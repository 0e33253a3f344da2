package dev.myelin.ros2;

import dev.myelin.ros2.msg.MessageTypes;
import dev.myelin.ros2.msg.UnknownMessageTypeException;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** ROS naming: expansion, DDS mangling, remapping and the errors for bad names. */
class NamesTest {

    @Test
    void expansion() {
        assertEquals("/cmd_vel", TopicNames.expand("cmd_vel", "ctl", "/"));
        assertEquals("/robot1/cmd_vel", TopicNames.expand("cmd_vel", "ctl", "/robot1"));
        assertEquals("/cmd_vel", TopicNames.expand("/cmd_vel", "ctl", "/robot1"));
        assertEquals("/robot1/ctl/status", TopicNames.expand("~/status", "ctl", "/robot1"));
        assertEquals("/ctl/status", TopicNames.expand("~/status", "ctl", "/"));
        assertEquals("/robot1/ctl_out", TopicNames.expand("{node}_out", "ctl", "/robot1"));
        assertEquals("/a/b", TopicNames.validateNamespace("a/b/"));
    }

    @Test
    void badNamesSayWhatIsWrong() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> TopicNames.expand("cmd vel", "n", "/"))
                .getMessage().contains("'cmd vel'"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> TopicNames.expand("/a//b", "n", "/"))
                .getMessage().contains("empty element"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> TopicNames.expand("/a/", "n", "/"))
                .getMessage().contains("end with"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> TopicNames.expand("/9lives", "n", "/"))
                .getMessage().contains("9lives"));
        assertThrows(IllegalArgumentException.class, () -> TopicNames.expand("", "n", "/"));
        assertThrows(IllegalArgumentException.class, () -> TopicNames.validateNodeName("my-node"));
    }

    @Test
    void ddsNames() {
        assertEquals("rt/robot1/cmd_vel", TopicNames.toDds("/robot1/cmd_vel"));
        assertEquals("/robot1/cmd_vel", TopicNames.fromDds("rt/robot1/cmd_vel"));
        assertNull(TopicNames.fromDds("DCPSParticipant"));
        assertEquals("geometry_msgs/msg/Twist", MessageTypes.canonicalName("geometry_msgs::msg::dds_::Twist_"));
        assertEquals("geometry_msgs/msg/Twist", MessageTypes.canonicalName("geometry_msgs/Twist"));
        assertEquals("geometry_msgs::msg::dds_::Twist_", MessageTypes.standard().get("geometry_msgs/Twist").ddsTypeName());
        assertThrows(UnknownMessageTypeException.class, () -> MessageTypes.canonicalName("Twist"));
    }

    @Test
    void remapping() {
        Remapping r = Remapping.parse(List.of("cmd_vel:=/base/cmd_vel", "other:odom:=odom_filtered", "__ns:=/robot2"));
        assertEquals("/base/cmd_vel", r.resolve("cmd_vel", "ctl", "/robot1"));
        assertEquals("/robot1/odom", r.resolve("odom", "ctl", "/robot1"), "node-scoped rule for another node");
        assertEquals("/robot1/odom_filtered", r.resolve("odom", "other", "/robot1"));
        assertEquals("/robot2", r.namespace("ctl", "/robot1"));
        assertThrows(IllegalArgumentException.class, () -> Remapping.parse(List.of("no_separator")));
        assertThrows(IllegalArgumentException.class, () -> Remapping.parse(List.of("a:=")));
    }

    @Test
    void nodesResolveWithRemappingFromArguments() {
        try (Node node = Node.builder("ctl").namespace("/robot1").domainId(TestDomain.ID).localhostOnly(true)
                .arguments("--ros-args", "-r", "cmd_vel:=/base/cmd_vel", "--remap", "__node:=controller")
                .remap("scan:=front_scan").build()) {
            assertEquals("controller", node.name());
            assertEquals("/robot1/controller", node.fullyQualifiedName());
            assertEquals("/base/cmd_vel", node.resolveTopicName("cmd_vel"));
            assertEquals("/robot1/front_scan", node.resolveTopicName("scan"));
            assertEquals("/base/cmd_vel", node.createPublisher("cmd_vel", "geometry_msgs/msg/Twist", Qos.DEFAULT).topicName());
        }
    }
}

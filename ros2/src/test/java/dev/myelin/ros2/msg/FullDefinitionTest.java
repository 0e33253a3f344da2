package dev.myelin.ros2.msg;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The ros2msg text of a type with its dependencies, as MCAP schemas and the Foxglove protocol carry it. */
class FullDefinitionTest {

    private static final String SEPARATOR = "=".repeat(80);

    @Test
    void eachDependencyFollowsOnceAfterASeparatorAndAnMsgLine() {
        MessageTypes types = new MessageTypes();
        String text = types.fullDefinition("tf2_msgs/msg/TFMessage");
        String[] parts = text.split(SEPARATOR + "\n", -1);
        List<String> names = new ArrayList<>();
        for (int i = 1; i < parts.length; i++) {
            assertTrue(parts[i].startsWith("MSG: "), parts[i]);
            names.add(parts[i].substring(5, parts[i].indexOf('\n')));
        }
        assertEquals(List.of("geometry_msgs/TransformStamped", "std_msgs/Header", "builtin_interfaces/Time",
                "geometry_msgs/Transform", "geometry_msgs/Vector3", "geometry_msgs/Quaternion"), names);
        assertTrue(parts[0].contains("geometry_msgs/TransformStamped[] transforms\n"), parts[0]);
        // Each section is that type's own .msg text, so it parses back to the same fields.
        String quaternion = parts[6].substring(parts[6].indexOf('\n') + 1);
        assertTrue(types.get("geometry_msgs/msg/Quaternion").definition()
                .sameStructure(MessageDefinition.parse("geometry_msgs/msg/Quaternion", quaternion)));
    }

    @Test
    void aTypeWithoutDependenciesIsItsOwnTextAndUnknownTypesAreNamed() {
        MessageTypes types = new MessageTypes();
        types.define("demo/msg/Pair", "float32 a\nfloat32 b");
        assertEquals("float32 a\nfloat32 b\n", types.fullDefinition("demo/Pair"));
        UnknownMessageTypeException e = assertThrows(UnknownMessageTypeException.class,
                () -> types.fullDefinition("demo/msg/Missing"));
        assertTrue(e.getMessage().contains("demo/msg/Missing"), e.getMessage());
    }
}

package dev.myelin.ros2.msg;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Definitions: what parses, what it means, and the errors for what does not. */
class MessageDefinitionTest {

    private static String error(String name, String text) {
        return assertThrows(MessageDefinitionException.class, () -> new MessageTypes().define(name, text)).getMessage();
    }

    @Test
    void everyShippedDefinitionCompiles() {
        List<String> names = MessageTypes.shippedNames();
        assertTrue(names.size() >= 29, names.toString());
        for (String n : names) {
            MessageType t = MessageTypes.standard().get(n);
            assertEquals(n, t.name());
            assertTrue(t.cSize() > 0);
        }
        for (String required : List.of("std_msgs/msg/Header", "std_msgs/msg/Bool", "std_msgs/msg/Float32",
                "std_msgs/msg/Float64", "std_msgs/msg/Int32", "std_msgs/msg/String", "std_msgs/msg/Float32MultiArray", "std_msgs/msg/Float64MultiArray",
                "std_msgs/msg/MultiArrayLayout", "builtin_interfaces/msg/Time", "geometry_msgs/msg/Vector3",
                "geometry_msgs/msg/Quaternion", "geometry_msgs/msg/Point", "geometry_msgs/msg/Pose",
                "geometry_msgs/msg/PoseStamped", "geometry_msgs/msg/Twist", "geometry_msgs/msg/TwistStamped",
                "geometry_msgs/msg/PoseWithCovariance", "geometry_msgs/msg/TwistWithCovariance", "nav_msgs/msg/Odometry",
                "sensor_msgs/msg/LaserScan", "sensor_msgs/msg/Imu", "sensor_msgs/msg/JointState",
                "sensor_msgs/msg/BatteryState", "diagnostic_msgs/msg/DiagnosticArray",
                "diagnostic_msgs/msg/DiagnosticStatus", "diagnostic_msgs/msg/KeyValue")) {
            assertTrue(names.contains(required), required);
        }
    }

    @Test
    void fieldsConstantsDefaultsAndNesting() {
        MessageType battery = MessageTypes.standard().get("sensor_msgs/msg/BatteryState");
        assertTrue(battery.constants().contains(new MessageDefinition.Constant("POWER_SUPPLY_STATUS_FULL", FieldKind.UINT8, "4")));
        assertEquals("float32[]", battery.field("cell_voltage").typeSpelling());
        MessageType status = MessageTypes.standard().get("diagnostic_msgs/msg/DiagnosticStatus");
        assertEquals(FieldKind.BYTE, status.field("level").kind());
        assertEquals("diagnostic_msgs/msg/KeyValue[]", status.field("values").typeSpelling());
        Message pose = MessageTypes.standard().get("geometry_msgs/msg/Pose").newMessage();
        assertEquals(1.0, pose.getDouble(pose.type().field("orientation.w")), "Quaternion's default");
        MessageType odom = MessageTypes.standard().get("nav_msgs/msg/Odometry");
        assertEquals("std_msgs/msg/Header", odom.field("header").messageType().name(), "bare Header is std_msgs/Header");
        assertEquals(FieldKind.FLOAT64, odom.field("twist.covariance").kind());
        assertEquals(36, odom.field("twist.covariance").length());
        MessageType empty = MessageTypes.standard().get("std_msgs/msg/Empty");
        assertEquals("structure_needs_at_least_one_member", empty.fields().getFirst().name());
    }

    @Test
    void userTypesWithDefaultsAndBounds() {
        MessageTypes types = new MessageTypes();
        MessageType t = types.define("robot_msgs/msg/Gains", """
                # controller gains
                float64 kp 1.5     # proportional
                int32[3] limits [1, -2, 3]
                string<=8 name "pid"
                string[<=2] tags ['a', "b#c"]
                bool enabled true
                uint8 MODE_AUTO=2
                string GREETING="hi # not a comment"
                """);
        Message m = t.newMessage();
        assertEquals(1.5, m.getDouble(t.field("kp")));
        assertEquals(-2, m.primitives(t.field("limits")).getLong(1));
        assertEquals("pid", m.getString(t.field("name")));
        assertEquals("b#c", m.strings(t.field("tags")).get(1));
        assertTrue(m.getBoolean(t.field("enabled")));
        assertEquals("hi # not a comment", t.constants().get(1).value());
        IllegalArgumentException tooLong = assertThrows(IllegalArgumentException.class,
                () -> m.setString(t.field("name"), "much too long"));
        assertTrue(tooLong.getMessage().contains("bound of 8"), tooLong.getMessage());
        assertThrows(IllegalArgumentException.class, () -> m.strings(t.field("tags")).resize(3));
        assertThrows(IllegalArgumentException.class, () -> m.primitives(t.field("limits")).resize(4));
        assertThrows(IllegalArgumentException.class, () -> m.setString(t.field("name"), "a\0b"));
        m.clear();
        assertEquals(1.5, m.getDouble(t.field("kp")), "clear restores defaults");
    }

    @Test
    void redefiningWithTheSameFieldsIsAcceptedOtherFieldsAreNot() {
        MessageTypes types = new MessageTypes();
        MessageType clock = types.get("rosgraph_msgs/msg/Clock");
        assertTrue(clock == types.define("rosgraph_msgs/msg/Clock", "builtin_interfaces/Time clock\n"),
                "same fields, other comments: the shipped type");
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> types.define("rosgraph_msgs/msg/Clock", "builtin_interfaces/Time clock\nint32 extra\n"));
        assertTrue(e.getMessage().contains("rosgraph_msgs/msg/Clock"), e.getMessage());
    }

    @Test
    void malformedDefinitionsFailWithTypeAndLine() {
        assertEquals("my_msgs/msg/Bad line 2: malformed type 'float64[' of field 'x'",
                error("my_msgs/msg/Bad", "int32 a\nfloat64[ x\n"));
        assertTrue(error("my_msgs/msg/Bad", "flaot64 x").contains("refers to unknown type my_msgs/msg/flaot64")
                || error("my_msgs/msg/Bad", "flaot64 x").contains("flaot64"));
        assertTrue(error("my_msgs/msg/Bad", "int32 Speed").contains("line 1: field name 'Speed'"));
        assertTrue(error("my_msgs/msg/Bad", "int32 a\nint32 a").contains("line 2: duplicate field 'a'"));
        assertTrue(error("my_msgs/msg/Bad", "uint8 x 300").contains("outside the range of uint8"));
        assertTrue(error("my_msgs/msg/Bad", "int32[0] x").contains("array length must be at least 1"));
        assertTrue(error("my_msgs/msg/Bad", "wstring w").contains("wstring"));
        assertTrue(error("my_msgs/msg/Bad", "time t").contains("builtin_interfaces/Time"));
        assertTrue(error("my_msgs/msg/Bad", "geometry_msgs/Pose x 1").contains("cannot have a default"));
        assertTrue(error("my_msgs/msg/Bad", "int32 lonely_token_without_name_is_fine\nfloat64").contains("line 2"));
        assertTrue(error("my_msgs/msg/Bad", "other_msgs/Missing m").contains("field 'm' refers to unknown type other_msgs/msg/Missing"));
        assertTrue(error("my_msgs/msg/Bad", "float64 X=abc").contains("constant 'X'"));
        assertTrue(assertThrows(UnknownMessageTypeException.class, () -> new MessageTypes().define("Bad", "int32 x"))
                .getMessage().contains("pkg/msg/Name"));
    }

    @Test
    void unknownTypesAndCyclesFailAtCreationNamingThem() {
        MessageTypes types = new MessageTypes();
        UnknownMessageTypeException unknown = assertThrows(UnknownMessageTypeException.class,
                () -> types.get("nope_msgs/msg/Nothing"));
        assertTrue(unknown.getMessage().contains("unknown message type nope_msgs/msg/Nothing"), unknown.getMessage());
        String missing = assertThrows(MessageDefinitionException.class, () -> types.define("loop_msgs/msg/B", "C c")).getMessage();
        assertTrue(missing.contains("field 'c' refers to unknown type loop_msgs/msg/C"), missing);
        assertTrue(types.find("loop_msgs/msg/B").isEmpty(), "nothing of a failed definition is registered");
    }

    @Test
    void definitionsFromADirectoryAndCycles(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        java.nio.file.Path msg = java.nio.file.Files.createDirectories(dir.resolve("loop_msgs/msg"));
        java.nio.file.Files.writeString(msg.resolve("A.msg"), "B b\n");
        java.nio.file.Files.writeString(msg.resolve("B.msg"), "A a\n");
        java.nio.file.Files.writeString(msg.resolve("Leaf.msg"), "std_msgs/Header header\nfloat32 value\n");
        MessageTypes types = new MessageTypes().addSearchPath(dir);
        assertEquals("std_msgs/msg/Header", types.get("loop_msgs/Leaf").field("header").messageType().name());
        String cycle = assertThrows(MessageDefinitionException.class, () -> types.get("loop_msgs/msg/A")).getMessage();
        assertTrue(cycle.contains("cycle") && cycle.contains("loop_msgs/msg/A -> loop_msgs/msg/B"), cycle);
    }

    @Test
    void fieldPathsAndTypeChecks() {
        MessageType odom = MessageTypes.standard().get("nav_msgs/msg/Odometry");
        Field x = odom.field("pose.pose.position.x");
        assertEquals("pose.pose.position.x", x.path());
        Message m = odom.newMessage();
        m.setDouble(x, 3.0);
        assertEquals(3.0, m.child(odom.field("pose.pose")).child("position").getDouble(
                MessageTypes.standard().get("geometry_msgs/msg/Point").field("x")));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> odom.field("pose.pose.postion.x"))
                .getMessage().contains("'postion'"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> odom.field("pose.covariance.x"))
                .getMessage().contains("float64[36]"));
        MessageType time = MessageTypes.standard().get("builtin_interfaces/msg/Time");
        Message t = time.newMessage();
        assertTrue(assertThrows(IllegalArgumentException.class, () -> t.setLong(time.field("nanosec"), -1))
                .getMessage().contains("outside the range of uint32"));
        assertThrows(IllegalArgumentException.class, () -> m.setDouble(time.field("sec"), 1.0), "field of another type");
        assertThrows(IllegalArgumentException.class, () -> t.setDouble(time.field("sec"), 1.0), "integer field");
        t.setLong(time.field("nanosec"), 4_000_000_000L);
        assertEquals(4_000_000_000L, t.getLong(time.field("nanosec")));
        assertThrows(IllegalArgumentException.class, () -> t.getInt(time.field("nanosec")), "uint32 needs getLong");
    }
}

package dev.myelin.ros2.msg;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** YAML in (what {@code topic pub} accepts) and out (what {@code topic echo} prints). */
class MessageYamlTest {
    private static final MessageTypes TYPES = TestTypes.registry();
    private static final List<MessageType> ALL = TestTypes.all(TYPES);

    @Provide
    Arbitrary<Message> messages() {
        return Arbitraries.randomValue(rnd -> RandomMessages.random(ALL.get(rnd.nextInt(ALL.size())), rnd));
    }

    @Property(tries = 300)
    void flowOutputParsesBackToTheSameMessage(@ForAll("messages") Message m) {
        Message back = m.type().newMessage();
        MessageYaml.apply(MessageYaml.toFlow(m), back);
        assertEquals(m, back, MessageYaml.toFlow(m));
    }

    @Property(tries = 300)
    void blockOutputParsesBackToTheSameMessage(@ForAll("messages") Message m) {
        Message back = m.type().newMessage();
        MessageYaml.apply(MessageYaml.toBlock(m), back);
        assertEquals(m, back, MessageYaml.toBlock(m));
    }

    @Test
    void commandLineStyles() {
        MessageType twist = TYPES.get("geometry_msgs/msg/Twist");
        Message m = twist.newMessage();
        MessageYaml.apply("{linear: {x: 0.5}, angular: {z: -0.25}}", m);
        assertEquals(0.5, m.getDouble(twist.field("linear.x")));
        assertEquals(-0.25, m.getDouble(twist.field("angular.z")));
        MessageYaml.apply("linear:\n  y: .nan\n", m);
        assertTrue(Double.isNaN(m.getDouble(twist.field("linear.y"))));
        assertEquals(0.5, m.getDouble(twist.field("linear.x")), "fields not mentioned keep their value");

        MessageType str = TYPES.get("std_msgs/msg/String");
        Message s = str.newMessage();
        MessageYaml.apply("data: hello world", s);
        assertEquals("hello world", s.getString(str.field("data")));
        MessageYaml.apply("{data: 'it''s: quoted, really'}", s);
        assertEquals("it's: quoted, really", s.getString(str.field("data")));

        MessageType joints = TYPES.get("sensor_msgs/msg/JointState");
        Message j = joints.newMessage();
        MessageYaml.apply("""
                header:
                  stamp: now
                  frame_id: base
                name: [left, right]
                position:
                - 0.1
                - -0.2
                """, j);
        assertEquals(List.of("left", "right"), List.of(j.strings(joints.field("name")).get(0), j.strings(joints.field("name")).get(1)));
        assertEquals(-0.2, j.primitives(joints.field("position")).getDouble(1));
        assertTrue(j.getLong(joints.field("header.stamp.sec")) > 1_600_000_000L, "stamp: now");

        MessageType diag = TYPES.get("diagnostic_msgs/msg/DiagnosticArray");
        Message d = diag.newMessage();
        MessageYaml.apply("{status: [{level: 1, name: motor, values: [{key: temp, value: '71'}]}]}", d);
        Message first = d.messages(diag.field("status")).get(0);
        assertEquals(1, first.getInt(first.type().field("level")));
        assertEquals("71", first.messages(first.type().field("values")).get(0).getString(TYPES.get("diagnostic_msgs/msg/KeyValue").field("value")));
    }

    @Test
    void errorsNameTheFieldAndLeaveTheMessageAlone() {
        MessageType twist = TYPES.get("geometry_msgs/msg/Twist");
        Message m = twist.newMessage();
        m.setDouble(twist.field("linear.x"), 9);
        String unknown = assertThrows(IllegalArgumentException.class,
                () -> MessageYaml.apply("{linear: {x: 1, w: 2}}", m)).getMessage();
        assertTrue(unknown.contains("linear.w") && unknown.contains("fields: x, y, z"), unknown);
        assertEquals(9, m.getDouble(twist.field("linear.x")), "nothing half-applied");
        String notNumber = assertThrows(IllegalArgumentException.class,
                () -> MessageYaml.apply("{angular: {z: fast}}", m)).getMessage();
        assertTrue(notNumber.contains("angular.z") && notNumber.contains("'fast'"), notNumber);
        String syntax = assertThrows(IllegalArgumentException.class, () -> MessageYaml.apply("{linear: {x: 1}", m)).getMessage();
        assertTrue(syntax.contains("YAML"), syntax);
        MessageType u8 = TYPES.get("sensor_msgs/msg/BatteryState");
        String range = assertThrows(IllegalArgumentException.class,
                () -> MessageYaml.apply("{power_supply_status: 256}", u8.newMessage())).getMessage();
        assertTrue(range.contains("power_supply_status") && range.contains("uint8"), range);
    }

    @Test
    void blockOutputLooksLikeRos2TopicEcho() {
        MessageType odom = TYPES.get("geometry_msgs/msg/Vector3");
        Message v = odom.newMessage();
        v.setDouble(odom.field("x"), 1.5);
        assertEquals("x: 1.5\ny: 0.0\nz: 0.0\n", MessageYaml.toBlock(v));
        MessageType layout = TYPES.get("std_msgs/msg/MultiArrayLayout");
        Message l = layout.newMessage();
        Message dim = l.messages(layout.field("dim")).add();
        dim.setString(dim.type().field("label"), "rows");
        dim.setLong(dim.type().field("size"), 2);
        assertEquals("dim:\n- label: rows\n  size: 2\n  stride: 0\ndata_offset: 0\n", MessageYaml.toBlock(l));
    }
}

package dev.myelin.ros2.msg;

import java.util.ArrayList;
import java.util.List;

/**
 * A registry with the shipped types plus {@code test_msgs/msg/Everything}, a type that uses every
 * primitive, bounded and unbounded strings, and arrays, sequences and bounded sequences of
 * primitives, strings, bounded strings and nested messages.
 */
public final class TestTypes {
    public static final String EVERYTHING = "test_msgs/msg/Everything";

    private TestTypes() {
    }

    public static MessageTypes registry() {
        MessageTypes types = new MessageTypes();
        types.define("test_msgs/msg/Inner", """
                # nested element with a string, so element layouts are not trivially packed
                int16 id
                string label
                float64[2] pair
                """);
        types.define(EVERYTHING, """
                bool flag
                byte raw_byte
                char character
                int8 i8
                uint8 u8
                int16 i16
                uint16 u16
                int32 i32
                uint32 u32
                int64 i64
                uint64 u64
                float32 f32
                float64 f64
                string text
                string<=5 short_text
                int8[3] i8_array
                bool[2] flag_array
                uint16[3] u16_array
                string[2] text_array
                string<=3[2] short_text_array
                Inner[2] inner_array
                geometry_msgs/Vector3 vector
                float64[] f64_seq
                bool[] flag_seq
                int32[<=4] i32_bounded
                string[] text_seq
                string<=4[] short_text_seq
                string[<=3] text_bounded
                Inner[] inner_seq
                Inner[<=2] inner_bounded
                uint64[<=2] u64_bounded
                char last
                """);
        return types;
    }

    /** Every shipped type and the test types, compiled in {@code types}. */
    public static List<MessageType> all(MessageTypes types) {
        List<MessageType> all = new ArrayList<>();
        for (String name : MessageTypes.shippedNames()) {
            all.add(types.get(name));
        }
        all.add(types.get("test_msgs/msg/Inner"));
        all.add(types.get(EVERYTHING));
        return all;
    }
}

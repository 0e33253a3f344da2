package dev.myelin.ros2.msg;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * REP 2011 hashes against values rosidl publishes: std_msgs String and Header, rmw_dds_common's
 * ParticipantEntitiesInfo (the hash rmw puts on ros_discovery_info), and the four hashes
 * of std_srvs/srv/Trigger (request, response, event, service), which exercise empty messages,
 * booleans, bounded sequences of nested types, char arrays and the service layout.
 */
class TypeHashTest {
    private final MessageTypes types = new MessageTypes();

    @Test
    void stringAndHeaderMatchRosidl() {
        assertEquals("RIHS01_df668c740482bbd48fb39d76a70dfd4bd59db1288021743503259e948f6b1a18",
                TypeHash.of(types.get("std_msgs/msg/String")));
        assertEquals("RIHS01_f49fb3ae2cf070f793645ff749683ac6b06203e41c891e17701b1cb597ce6a01",
                TypeHash.of(types.get("std_msgs/msg/Header")));
    }

    @Test
    void tfMessageAndTimeMatchRosidl() {
        assertEquals("RIHS01_e369d0f05a23ae52508854b66f6aa0437f3449d652e8cbf22d5abe85d020f087",
                TypeHash.of(types.get("tf2_msgs/msg/TFMessage")));
        assertEquals("RIHS01_b106235e25a4c5ed35098aa0a61a3ee9c9b18d197f398b0e4206cea9acf9c197",
                TypeHash.of(types.get("builtin_interfaces/msg/Time")));
    }

    @Test
    void discoveryInfoMatchesRmw() {
        // bounded strings, sequences of nested types, a type referenced at two depths, char[16]
        assertEquals("RIHS01_91a0593bacdcc50ea9bdcf849a938b128412cc1ea821245c663bcd26f83c295e",
                TypeHash.of(types.get("rmw_dds_common/msg/ParticipantEntitiesInfo")));
    }

    @Test
    void canonicalJsonOfHeaderListsTimeAsReference() {
        MessageType header = types.get("std_msgs/msg/Header");
        java.util.Map<String, TypeHash.Description> refs = new java.util.TreeMap<>();
        refs.put("builtin_interfaces/msg/Time", TypeHash.describe(types.get("builtin_interfaces/msg/Time"),
                "builtin_interfaces/msg/Time"));
        String json = TypeHash.canonicalJson(TypeHash.describe(header, header.name()), refs);
        assertTrue(json.startsWith("{\"type_description\": {\"type_name\": \"std_msgs/msg/Header\", \"fields\": "
                + "[{\"name\": \"stamp\", \"type\": {\"type_id\": 1, \"capacity\": 0, \"string_capacity\": 0, "
                + "\"nested_type_name\": \"builtin_interfaces/msg/Time\"}}"), json);
        assertTrue(json.contains("{\"name\": \"nanosec\", \"type\": {\"type_id\": 7,"), json);
    }

    @Test
    void triggerServiceMatchesRosidl() {
        MessageTypes t = new MessageTypes();
        MessageType request = t.define("std_srvs/msg/TriggerRequestBody", "");
        MessageType response = t.define("std_srvs/msg/TriggerResponseBody", "bool success\nstring message\n");
        assertEquals("RIHS01_d010825374ce8918e72bfd826c82603e60f45419e932ea976f807b74a863a199",
                TypeHash.ofServiceRequest("std_srvs/srv/Trigger", request));
        assertEquals("RIHS01_2d946c21e2fc3f1e9ca6986a8191d85fcc70097a8bb7771a053564bc47009cdf",
                TypeHash.ofServiceResponse("std_srvs/srv/Trigger", response));
        assertEquals("RIHS01_ec4a1d26b0575e61906890342aba9523a2360e9845857c5590fa6e23bc39e1c2",
                TypeHash.ofServiceEvent("std_srvs/srv/Trigger", request, response));
        assertEquals("RIHS01_eeff2cd6fa5ad9d27cdf4dec64818317839b62f212a91e6b5304b634b2062c5f",
                TypeHash.ofService("std_srvs/srv/Trigger", request, response));
    }

    @Test
    void boundsAndArraysChangeTheHash() {
        MessageTypes t = new MessageTypes();
        String plain = TypeHash.of(t.define("test_msgs/msg/A", "string data\n"));
        String bounded = TypeHash.of(t.define("test_msgs/msg/B", "string<=8 data\n"));
        assertNotEquals(plain.substring(7), bounded.substring(7));
        MessageType arrays = t.define("test_msgs/msg/C", "float64[9] a\nint32[] b\nuint8[<=4] c\nbyte d\nchar e\n");
        var d = TypeHash.describe(arrays, arrays.name()).fields();
        assertEquals(11 + 48, d.get(0).typeId());
        assertEquals(9, d.get(0).capacity());
        assertEquals(6 + 144, d.get(1).typeId());
        assertEquals(3 + 96, d.get(2).typeId());
        assertEquals(4, d.get(2).capacity());
        assertEquals(16, d.get(3).typeId());
        assertEquals(3, d.get(4).typeId());
        assertEquals(21, TypeHash.describe(t.get("test_msgs/msg/B"), "x").fields().get(0).typeId());
        assertEquals(8, TypeHash.describe(t.get("test_msgs/msg/B"), "x").fields().get(0).stringCapacity());
    }

    @Test
    void rejectsMalformedServiceName() {
        MessageType empty = types.get("std_msgs/msg/Empty");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TypeHash.ofService("std_srvs/Trigger", empty, empty));
        assertTrue(e.getMessage().contains("std_srvs/Trigger"), e.getMessage());
    }
}

package dev.myelin.ros2.msg;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * ROS 2 interface type hashes (REP 2011, version 1): {@code RIHS01_} followed by the SHA-256, in
 * lower-case hex, of the canonical JSON form of a type description. The description is the type's
 * own fields plus every type it references (directly or not), the referenced ones sorted by name;
 * each field is {@code {"name", "type": {"type_id", "capacity", "string_capacity",
 * "nested_type_name"}}} with default values left out, and the JSON is written with {@code ", "}
 * and {@code ": "} separators in that field order, non-ASCII escaped, as rosidl's generator does.
 * {@code type_id} is the number of {@code type_description_interfaces/msg/FieldType}: the element
 * kind, plus 48 for a fixed array, 96 for a bounded and 144 for an unbounded sequence.
 *
 * <p>A service hashes as {@code pkg/srv/Name} with the fields {@code request_message},
 * {@code response_message} and {@code event_message}; the event type {@code pkg/srv/Name_Event}
 * holds {@code service_msgs/msg/ServiceEventInfo info} and the request and response as
 * sequences bounded to one. Hashes are cached per type; thread-safe.
 */
public final class TypeHash {
    /** The prefix of a version-1 hash string. */
    public static final String PREFIX = "RIHS01_";

    // type_description_interfaces/msg/FieldType
    static final int NESTED_TYPE = 1;
    static final int ARRAY_OFFSET = 48;
    static final int BOUNDED_SEQUENCE_OFFSET = 96;
    static final int UNBOUNDED_SEQUENCE_OFFSET = 144;
    private static final int INT8 = 2;
    private static final int UINT8 = 3;
    private static final int INT16 = 4;
    private static final int UINT16 = 5;
    private static final int INT32 = 6;
    private static final int UINT32 = 7;
    private static final int INT64 = 8;
    private static final int UINT64 = 9;
    private static final int FLOAT = 10;
    private static final int DOUBLE = 11;
    private static final int BOOLEAN = 15;
    private static final int BYTE = 16;
    private static final int STRING = 17;
    private static final int BOUNDED_STRING = 21;

    private static final Map<MessageType, String> CACHE = new ConcurrentHashMap<>();

    /** One field of an individual type description. */
    record FieldDescription(String name, int typeId, int capacity, int stringCapacity, String nestedTypeName) {
    }

    /** An individual type description: a type name and its fields in declaration order. */
    record Description(String typeName, List<FieldDescription> fields) {
    }

    private TypeHash() {
    }

    /** The hash of a message type, e.g. {@code RIHS01_df66...} for {@code std_msgs/msg/String}. */
    public static String of(MessageType type) {
        return CACHE.computeIfAbsent(type, t -> {
            Map<String, Description> referenced = new TreeMap<>();
            collectReferenced(t, referenced);
            return hash(describe(t, t.name()), referenced);
        });
    }

    /**
     * The hash of a service type {@code pkg/srv/Name} whose request and response fields are those of
     * {@code request} and {@code response} (their own type names do not matter: they are described
     * as {@code pkg/srv/Name_Request} and {@code pkg/srv/Name_Response}).
     *
     * @throws IllegalArgumentException when {@code serviceType} is not of the form {@code pkg/srv/Name}
     */
    public static String ofService(String serviceType, MessageType request, MessageType response) {
        return hash(serviceDescription(serviceType, request, response, Part.SERVICE), serviceReferences(
                serviceType, request, response, Part.SERVICE));
    }

    /** The hash of the service's request message {@code pkg/srv/Name_Request}. */
    public static String ofServiceRequest(String serviceType, MessageType request) {
        return hashPart(serviceType, request, "_Request");
    }

    /** The hash of the service's response message {@code pkg/srv/Name_Response}. */
    public static String ofServiceResponse(String serviceType, MessageType response) {
        return hashPart(serviceType, response, "_Response");
    }

    /** The hash of the service's event message {@code pkg/srv/Name_Event}. */
    public static String ofServiceEvent(String serviceType, MessageType request, MessageType response) {
        return hash(serviceDescription(serviceType, request, response, Part.EVENT), serviceReferences(
                serviceType, request, response, Part.EVENT));
    }

    /** {@code typehash=<hash>;}, the USER_DATA entry an endpoint carries. */
    public static String userDataEntry(String hash) {
        return "typehash=" + hash + ";";
    }

    private enum Part { SERVICE, EVENT }

    private static String hashPart(String serviceType, MessageType type, String suffix) {
        checkServiceName(serviceType);
        Map<String, Description> referenced = new TreeMap<>();
        collectReferenced(type, referenced);
        return hash(describe(type, serviceType + suffix), referenced);
    }

    private static void checkServiceName(String serviceType) {
        String[] parts = serviceType.split("/", -1);
        if (parts.length != 3 || !parts[1].equals("srv") || parts[0].isEmpty() || parts[2].isEmpty()) {
            throw new IllegalArgumentException("'" + serviceType + "' is not a service type name of the form pkg/srv/Name");
        }
    }

    private static Description serviceDescription(String serviceType, MessageType request, MessageType response, Part part) {
        checkServiceName(serviceType);
        if (part == Part.EVENT) {
            return new Description(serviceType + "_Event", List.of(
                    new FieldDescription("info", NESTED_TYPE, 0, 0, "service_msgs/msg/ServiceEventInfo"),
                    new FieldDescription("request", NESTED_TYPE + BOUNDED_SEQUENCE_OFFSET, 1, 0, serviceType + "_Request"),
                    new FieldDescription("response", NESTED_TYPE + BOUNDED_SEQUENCE_OFFSET, 1, 0, serviceType + "_Response")));
        }
        return new Description(serviceType, List.of(
                new FieldDescription("request_message", NESTED_TYPE, 0, 0, serviceType + "_Request"),
                new FieldDescription("response_message", NESTED_TYPE, 0, 0, serviceType + "_Response"),
                new FieldDescription("event_message", NESTED_TYPE, 0, 0, serviceType + "_Event")));
    }

    private static Map<String, Description> serviceReferences(String serviceType, MessageType request,
                                                              MessageType response, Part part) {
        Map<String, Description> referenced = new TreeMap<>();
        referenced.put(serviceType + "_Request", describe(request, serviceType + "_Request"));
        referenced.put(serviceType + "_Response", describe(response, serviceType + "_Response"));
        collectReferenced(request, referenced);
        collectReferenced(response, referenced);
        // service_msgs/msg/ServiceEventInfo: uint8 event_type, builtin_interfaces/Time stamp, char[16] client_gid, int64 sequence_number
        referenced.put("service_msgs/msg/ServiceEventInfo", new Description("service_msgs/msg/ServiceEventInfo", List.of(
                new FieldDescription("event_type", UINT8, 0, 0, ""),
                new FieldDescription("stamp", NESTED_TYPE, 0, 0, "builtin_interfaces/msg/Time"),
                new FieldDescription("client_gid", UINT8 + ARRAY_OFFSET, 16, 0, ""),
                new FieldDescription("sequence_number", INT64, 0, 0, ""))));
        referenced.put("builtin_interfaces/msg/Time", new Description("builtin_interfaces/msg/Time", List.of(
                new FieldDescription("sec", INT32, 0, 0, ""),
                new FieldDescription("nanosec", UINT32, 0, 0, ""))));
        if (part == Part.SERVICE) {
            referenced.put(serviceType + "_Event", serviceDescription(serviceType, request, response, Part.EVENT));
        }
        return referenced;
    }

    private static void collectReferenced(MessageType type, Map<String, Description> out) {
        for (MessageType t : type.typeClosure()) {
            if (t != type) {
                out.putIfAbsent(t.name(), describe(t, t.name()));
            }
        }
    }

    static Description describe(MessageType type, String name) {
        List<FieldDescription> fields = new ArrayList<>();
        for (Field f : type.fields()) {
            int id = f.kind() == FieldKind.MESSAGE ? NESTED_TYPE : elementId(f.kind(), f.stringBound());
            int capacity = 0;
            switch (f.arity()) {
                case SINGLE -> { }
                case ARRAY -> {
                    id += ARRAY_OFFSET;
                    capacity = f.length();
                }
                case SEQUENCE -> {
                    id += f.length() > 0 ? BOUNDED_SEQUENCE_OFFSET : UNBOUNDED_SEQUENCE_OFFSET;
                    capacity = f.length();
                }
            }
            fields.add(new FieldDescription(f.name(), id, capacity, f.stringBound(),
                    f.kind() == FieldKind.MESSAGE ? f.messageType().name() : ""));
        }
        return new Description(name, List.copyOf(fields));
    }

    /** FieldType id of one element; {@code char} is {@code uint8} and {@code byte} is {@code octet}, as in rosidl's IDL. */
    private static int elementId(FieldKind kind, int stringBound) {
        return switch (kind) {
            case BOOL -> BOOLEAN;
            case BYTE -> BYTE;
            case CHAR, UINT8 -> UINT8;
            case INT8 -> INT8;
            case INT16 -> INT16;
            case UINT16 -> UINT16;
            case INT32 -> INT32;
            case UINT32 -> UINT32;
            case INT64 -> INT64;
            case UINT64 -> UINT64;
            case FLOAT32 -> FLOAT;
            case FLOAT64 -> DOUBLE;
            case STRING -> stringBound > 0 ? BOUNDED_STRING : STRING;
            case MESSAGE -> NESTED_TYPE;
        };
    }

    /** The canonical JSON that is hashed (exposed for tests and diagnostics). */
    static String canonicalJson(Description main, Map<String, Description> referencedByName) {
        StringBuilder sb = new StringBuilder(512);
        sb.append("{\"type_description\": ");
        appendDescription(sb, main);
        sb.append(", \"referenced_type_descriptions\": [");
        boolean first = true;
        for (Description d : referencedByName.values()) {
            if (!first) {
                sb.append(", ");
            }
            first = false;
            appendDescription(sb, d);
        }
        sb.append("]}");
        return sb.toString();
    }

    private static void appendDescription(StringBuilder sb, Description d) {
        sb.append("{\"type_name\": ");
        appendString(sb, d.typeName());
        sb.append(", \"fields\": [");
        for (int i = 0; i < d.fields().size(); i++) {
            FieldDescription f = d.fields().get(i);
            if (i > 0) {
                sb.append(", ");
            }
            sb.append("{\"name\": ");
            appendString(sb, f.name());
            sb.append(", \"type\": {\"type_id\": ").append(f.typeId())
                    .append(", \"capacity\": ").append(f.capacity())
                    .append(", \"string_capacity\": ").append(f.stringCapacity())
                    .append(", \"nested_type_name\": ");
            appendString(sb, f.nestedTypeName());
            sb.append("}}");
        }
        sb.append("]}");
    }

    /** A JSON string as Python's {@code json.dumps(ensure_ascii=True)} writes it. */
    private static void appendString(StringBuilder sb, String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                case '\b' -> sb.append("\\b");
                case '\f' -> sb.append("\\f");
                default -> {
                    if (c < 0x20 || c > 0x7e) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        sb.append('"');
    }

    private static String hash(Description main, Map<String, Description> referenced) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest(canonicalJson(main, referenced).getBytes(StandardCharsets.US_ASCII));
            return PREFIX + HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from the JDK", e);
        }
    }
}

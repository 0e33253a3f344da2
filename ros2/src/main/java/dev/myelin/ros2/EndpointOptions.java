package dev.myelin.ros2;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * How a publisher or subscription is put on DDS beyond its name, type and QoS: the prefix and
 * suffix around the fully qualified ROS name that make the DDS topic name ({@code rt/x} for a
 * topic, {@code rq/xRequest} and {@code rr/xReply} for a service's two topics, as rmw_cyclonedds
 * names them), and extra {@code key=value;} entries for the endpoint's USER_DATA, which other
 * participants read in discovery.
 *
 * @param ddsPrefix   DDS topic prefix without the slash ({@code rt}, {@code rq}, {@code rr})
 * @param ddsSuffix   appended to the ROS name ({@code ""}, {@code Request}, {@code Reply})
 * @param userData    USER_DATA entries in the order written; keys and values may not contain {@code ;} or {@code =}
 */
public record EndpointOptions(String ddsPrefix, String ddsSuffix, Map<String, String> userData) {
    private static final Pattern PREFIX = Pattern.compile("[a-z]{2}");
    private static final Pattern ENTRY = Pattern.compile("[^;=\\s]+");

    /** A plain ROS topic: {@code rt/<name>}, no extra USER_DATA. */
    public static final EndpointOptions TOPIC = new EndpointOptions(TopicNames.DDS_TOPIC_PREFIX, "", Map.of());

    public EndpointOptions {
        if (ddsPrefix == null || !PREFIX.matcher(ddsPrefix).matches()) {
            throw new IllegalArgumentException("DDS topic prefix must be two lower-case letters, not '" + ddsPrefix + "'");
        }
        ddsSuffix = ddsSuffix == null ? "" : ddsSuffix;
        if (!ddsSuffix.matches("[A-Za-z0-9_]*")) {
            throw new IllegalArgumentException("DDS topic suffix '" + ddsSuffix + "' must be letters, digits, underscores");
        }
        for (Map.Entry<String, String> e : userData.entrySet()) {
            if (!ENTRY.matcher(e.getKey()).matches() || !ENTRY.matcher(e.getValue()).matches()) {
                throw new IllegalArgumentException("USER_DATA entry '" + e.getKey() + "=" + e.getValue()
                        + "': key and value must be non-empty without ';', '=' or spaces");
            }
        }
        userData = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(userData));
    }

    /** A service's request topic, {@code rq/<service>Request}. */
    public static EndpointOptions serviceRequest() {
        return new EndpointOptions("rq", "Request", Map.of());
    }

    /** A service's reply topic, {@code rr/<service>Reply}. */
    public static EndpointOptions serviceReply() {
        return new EndpointOptions("rr", "Reply", Map.of());
    }

    /** A copy with one more USER_DATA entry (replacing an entry of that key). */
    public EndpointOptions withUserData(String key, String value) {
        Map<String, String> next = new LinkedHashMap<>(userData);
        next.put(key, value);
        return new EndpointOptions(ddsPrefix, ddsSuffix, next);
    }

    /** The DDS topic name for a fully qualified ROS name. */
    public String ddsTopicName(String fullyQualifiedName) {
        if (!fullyQualifiedName.startsWith("/")) {
            throw new IllegalArgumentException("'" + fullyQualifiedName + "' is not fully qualified");
        }
        return ddsPrefix + fullyQualifiedName + ddsSuffix;
    }

    /** USER_DATA as rmw writes it: {@code key=value;} per entry; empty when there are none. */
    public byte[] userDataBytes() {
        StringBuilder sb = new StringBuilder();
        userData.forEach((k, v) -> sb.append(k).append('=').append(v).append(';'));
        return sb.toString().getBytes(StandardCharsets.US_ASCII);
    }
}

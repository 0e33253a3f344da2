package dev.myelin.ros2.graph;

import java.nio.charset.StandardCharsets;

/**
 * A reader or writer as DDS discovery reports it (built-in {@code DCPSPublication} /
 * {@code DCPSSubscription}), before any translation to ROS names.
 *
 * @param writer true for a writer (publication), false for a reader
 * @param topic DDS topic name, e.g. {@code rt/cmd_vel} or {@code rq/controller/get_parametersRequest}
 * @param type DDS type name
 * @param participant GID of the owning participant
 * @param gid the endpoint's own GID
 * @param userData the USER_DATA QoS as text ({@code key=value;} pairs), empty when there is none
 */
public record DdsEndpoint(boolean writer, String topic, String type, Gid participant, Gid gid, String userData) {

    /** The value of {@code key} in {@code key=value;} USER_DATA, or empty. */
    public String userDataValue(String key) {
        return UserData.value(userData, key);
    }

    /** USER_DATA bytes as text (non-ASCII replaced), the way rmw parses them. */
    public static String text(byte[] userData) {
        return new String(userData, StandardCharsets.US_ASCII);
    }
}

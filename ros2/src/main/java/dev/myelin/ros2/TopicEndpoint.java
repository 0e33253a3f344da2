package dev.myelin.ros2;

/**
 * A publisher or subscription discovered on the domain, as {@code ros2 topic info -v} shows it.
 *
 * @param kind publisher or subscription
 * @param topic fully qualified ROS topic name ({@code /cmd_vel})
 * @param type ROS type name ({@code geometry_msgs/msg/Twist}), or the DDS type name when it is not a ROS one
 * @param reliability offered (publisher) or requested (subscription) reliability
 * @param durability offered or requested durability
 * @param depth keep-last depth, 0 for keep-all
 * @param participantGuid GUID of the owning participant, 32 hex digits
 * @param endpointGuid GUID of the endpoint itself
 * @param typeHash the {@code typehash} of its USER_DATA ({@code RIHS01_...}), empty when it carries none
 */
public record TopicEndpoint(Kind kind, String topic, String type, Qos.Reliability reliability,
                            Qos.Durability durability, int depth, String participantGuid, String endpointGuid,
                            String typeHash) {

    /** An endpoint without a type hash (Humble and older peers). */
    public TopicEndpoint(Kind kind, String topic, String type, Qos.Reliability reliability, Qos.Durability durability,
                         int depth, String participantGuid, String endpointGuid) {
        this(kind, topic, type, reliability, durability, depth, participantGuid, endpointGuid, "");
    }

    public enum Kind { PUBLISHER, SUBSCRIPTION }
}

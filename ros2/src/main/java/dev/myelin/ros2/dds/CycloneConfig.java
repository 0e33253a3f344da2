package dev.myelin.ros2.dds;

/**
 * Cyclone DDS configuration fragments.
 *
 * <p>{@link #loopback()} is what {@code ROS_LOCALHOST_ONLY=1} /
 * {@code ROS_AUTOMATIC_DISCOVERY_RANGE=LOCALHOST} amount to: the only interface is 127.0.0.1,
 * multicast is off, and discovery sends unicast SPDP to the well-known ports of participant
 * indices 0..{@value #MAX_PARTICIPANT_INDEX} on 127.0.0.1 (DDSI-RTPS 9.6.1.1: port
 * 7400 + 250 d + 10 + 2 i). The same string is a valid {@code CYCLONEDDS_URI} value, which is how
 * C peers started by tests and benchmarks join the same loopback domain.
 */
public final class CycloneConfig {
    /** Highest participant index probed on 127.0.0.1, i.e. at most this many + 1 local participants per domain. */
    public static final int MAX_PARTICIPANT_INDEX = 40;

    private CycloneConfig() {
    }

    /** Loopback-only configuration applying to any domain id. */
    public static String loopback() {
        return "<CycloneDDS><Domain id=\"any\">"
                + "<General><Interfaces><NetworkInterface address=\"127.0.0.1\"/></Interfaces>"
                + "<AllowMulticast>false</AllowMulticast></General>"
                + "<Discovery><ParticipantIndex>auto</ParticipantIndex>"
                + "<MaxAutoParticipantIndex>" + MAX_PARTICIPANT_INDEX + "</MaxAutoParticipantIndex>"
                + "<Peers><Peer address=\"127.0.0.1\"/></Peers></Discovery>"
                + "</Domain></CycloneDDS>";
    }
}

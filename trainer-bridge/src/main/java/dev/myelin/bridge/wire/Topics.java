package dev.myelin.bridge.wire;

/**
 * The MQTT topic layout of a fleet. Every level that comes from a name is checked against
 * {@link JsonFields#NAME}, so no name can inject {@code /}, {@code +} or {@code #}.
 *
 * <pre>
 * myelin/&lt;fleet&gt;/releases/&lt;policy&gt;/&lt;channel&gt;    signed release manifest, retained
 * myelin/&lt;fleet&gt;/chunks/&lt;release&gt;/&lt;index&gt;       release chunk, retained
 * myelin/&lt;fleet&gt;/robots/&lt;robot&gt;/status           robot status, retained; last will "offline"
 * myelin/&lt;fleet&gt;/robots/&lt;robot&gt;/health           health reports (QoS 1)
 * myelin/&lt;fleet&gt;/robots/&lt;robot&gt;/chunk-request    requests to publish chunks again
 * myelin/&lt;fleet&gt;/robots/&lt;robot&gt;/experience       experience batches (QoS 1)
 * myelin/&lt;fleet&gt;/commands/&lt;robot&gt;               signed commands (QoS 1)
 * myelin/&lt;fleet&gt;/experience-acks/&lt;robot&gt;        the trainer's acknowledgement of stored experience
 * </pre>
 * A robot publishes only under {@code myelin/<fleet>/robots/<its id>/}, which is what broker ACLs enforce.
 */
public final class Topics {

    public static final String ROOT = "myelin";

    private Topics() {
    }

    public static String name(String kind, String value) {
        if (value == null || !JsonFields.NAME.matcher(value).matches()) {
            throw new IllegalArgumentException(kind + " '" + value + "' must be 1-64 characters of A-Z a-z 0-9 . _ - "
                    + "starting with a letter or digit");
        }
        return value;
    }

    public static String manifest(String fleet, String policy, String channel) {
        return ROOT + "/" + name("fleet", fleet) + "/releases/" + name("policy", policy) + "/" + name("channel", channel);
    }

    public static String chunk(String fleet, String releaseId, int index) {
        return ROOT + "/" + name("fleet", fleet) + "/chunks/" + releaseId + "/" + index;
    }

    public static String chunks(String fleet, String releaseId) {
        return ROOT + "/" + name("fleet", fleet) + "/chunks/" + releaseId + "/+";
    }

    public static String robot(String fleet, String robot) {
        return ROOT + "/" + name("fleet", fleet) + "/robots/" + name("robot", robot);
    }

    public static String status(String fleet, String robot) {
        return robot(fleet, robot) + "/status";
    }

    public static String health(String fleet, String robot) {
        return robot(fleet, robot) + "/health";
    }

    public static String chunkRequest(String fleet, String robot) {
        return robot(fleet, robot) + "/chunk-request";
    }

    public static String experience(String fleet, String robot) {
        return robot(fleet, robot) + "/experience";
    }

    public static String command(String fleet, String robot) {
        return ROOT + "/" + name("fleet", fleet) + "/commands/" + name("robot", robot);
    }

    public static String experienceAck(String fleet, String robot) {
        return ROOT + "/" + name("fleet", fleet) + "/experience-acks/" + name("robot", robot);
    }

    /** {@code myelin/<fleet>/robots/+/<leaf>}: one leaf of every robot. */
    public static String everyRobot(String fleet, String leaf) {
        return ROOT + "/" + name("fleet", fleet) + "/robots/+/" + leaf;
    }

    /** The robot id in a {@code myelin/<fleet>/robots/<robot>/...} topic, or null. */
    public static String robotOf(String topic) {
        String[] p = topic.split("/");
        return p.length >= 5 && p[0].equals(ROOT) && p[2].equals("robots") ? p[3] : null;
    }
}

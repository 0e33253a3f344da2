package dev.myelin.ros2.graph;

/**
 * The {@code key=value;} strings ROS 2 puts in DDS USER_DATA: {@code enclave=/;} on a participant,
 * {@code typehash=RIHS01_...;} on every topic endpoint, preceded by {@code serviceid=...;} or
 * {@code clientid=...;} on service endpoints.
 */
public final class UserData {
    /** The enclave every Myelin participant belongs to. */
    public static final String DEFAULT_ENCLAVE = "/";

    private UserData() {
    }

    /** {@code enclave=<enclave>;}. */
    public static String participant(String enclave) {
        return entry("enclave", enclave);
    }

    /** {@code key=value;}. */
    public static String entry(String key, String value) {
        if (key.indexOf('=') >= 0 || key.indexOf(';') >= 0 || value.indexOf(';') >= 0) {
            throw new IllegalArgumentException("USER_DATA entry " + key + "=" + value + " must not contain ';' or a second '='");
        }
        return key + "=" + value + ";";
    }

    /**
     * The id of a service or client endpoint as rmw_cyclonedds writes it after {@code serviceid=} or
     * {@code clientid=}: the first 12 bytes of the participant's GID and a 32-bit big-endian counter,
     * as hex bytes joined by dots.
     */
    public static String endpointId(Gid participant, int counter) {
        byte[] id = java.util.Arrays.copyOf(participant.prefix(), 16);
        id[12] = (byte) (counter >>> 24);
        id[13] = (byte) (counter >>> 16);
        id[14] = (byte) (counter >>> 8);
        id[15] = (byte) counter;
        return java.util.HexFormat.ofDelimiter(".").formatHex(id);
    }

    /** USER_DATA of a service ({@code serviceid=...;typehash=...;}) or client ({@code clientid=...;}) endpoint. */
    public static String serviceEndpoint(boolean server, Gid participant, int counter, String typeHash) {
        return entry(server ? "serviceid" : "clientid", endpointId(participant, counter)) + entry("typehash", typeHash);
    }

    /** The value of {@code key} in {@code text}, or empty when it is absent. */
    public static String value(String text, String key) {
        int start = 0;
        while (start < text.length()) {
            int end = text.indexOf(';', start);
            if (end < 0) {
                end = text.length();
            }
            int eq = text.indexOf('=', start);
            if (eq > start && eq < end && text.substring(start, eq).strip().equals(key)) {
                return text.substring(eq + 1, end);
            }
            start = end + 1;
        }
        return "";
    }
}

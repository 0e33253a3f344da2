package dev.myelin.observe.bag;

import dev.myelin.ros2.Qos;
import dev.myelin.ros2.TopicEndpoint;

import java.util.List;
import java.util.Locale;

/**
 * The {@code offered_qos_profiles} channel metadata of rosbag2: a YAML list with one QoS profile
 * per publisher seen, in rosbag2's numeric form (history 1 keep-last / 2 keep-all, reliability
 * 1 reliable / 2 best effort, durability 1 transient local / 2 volatile, infinite durations as
 * {@code 2147483647 s 4294967295 ns}). Parsing also accepts the names newer rosbag2 versions write.
 */
public final class OfferedQos {
    private OfferedQos() {
    }

    /** The YAML text for the publishers' profiles ({@code "[]"} when none was seen). */
    public static String yaml(List<TopicEndpoint> publishers) {
        if (publishers.isEmpty()) {
            return "[]";
        }
        StringBuilder sb = new StringBuilder();
        for (TopicEndpoint p : publishers) {
            sb.append(profile(p.reliability(), p.durability(), p.depth()));
        }
        return sb.toString().stripTrailing();
    }

    /** One profile as a YAML list item; depth 0 stands for keep-all. */
    public static String profile(Qos.Reliability reliability, Qos.Durability durability, int depth) {
        String infinite = "    sec: 2147483647\n    nsec: 4294967295\n";
        return "- history: " + (depth == 0 ? 2 : 1) + "\n"
                + "  depth: " + depth + "\n"
                + "  reliability: " + (reliability == Qos.Reliability.RELIABLE ? 1 : 2) + "\n"
                + "  durability: " + (durability == Qos.Durability.TRANSIENT_LOCAL ? 1 : 2) + "\n"
                + "  deadline:\n" + infinite
                + "  lifespan:\n" + infinite
                + "  liveliness: 1\n"
                + "  liveliness_lease_duration:\n" + infinite
                + "  avoid_ros_namespace_conventions: false\n";
    }

    /**
     * The QoS to republish with: the first profile's reliability and durability, depth at least
     * {@code minDepth}; {@link Qos#DEFAULT} (with that depth) when the text names none.
     */
    public static Qos parseFirst(String yaml, int minDepth) {
        Qos.Reliability reliability = Qos.Reliability.RELIABLE;
        Qos.Durability durability = Qos.Durability.VOLATILE;
        int depth = 0;
        int profiles = 0;
        if (yaml != null) {
            for (String raw : yaml.split("\n")) {
                String line = raw.strip();
                if (line.startsWith("- ")) {
                    if (++profiles > 1) {
                        break;
                    }
                    line = line.substring(2).strip();
                }
                int colon = line.indexOf(':');
                if (colon < 0 || raw.startsWith("    ")) {
                    continue;
                }
                String key = line.substring(0, colon).strip();
                String value = line.substring(colon + 1).strip().toLowerCase(Locale.ROOT);
                switch (key) {
                    case "reliability" -> reliability = value.equals("2") || value.equals("best_effort")
                            ? Qos.Reliability.BEST_EFFORT : Qos.Reliability.RELIABLE;
                    case "durability" -> durability = value.equals("1") || value.equals("transient_local")
                            ? Qos.Durability.TRANSIENT_LOCAL : Qos.Durability.VOLATILE;
                    case "depth" -> {
                        try {
                            depth = Integer.parseInt(value);
                        } catch (NumberFormatException e) {
                            depth = 0;
                        }
                    }
                    default -> {
                    }
                }
            }
        }
        return new Qos(reliability, durability, Math.max(depth, minDepth));
    }
}

package dev.myelin.ros2;

import dev.myelin.ros2.dds.Cyclone;
import dev.myelin.ros2.graph.DdsEndpoint;
import dev.myelin.ros2.graph.Gid;
import dev.myelin.ros2.graph.UserData;
import dev.myelin.ros2.msg.MessageTypes;
import dev.myelin.ros2.msg.UnknownMessageTypeException;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * The ROS graph as discovery sees it: every publication and subscription on the domain (this
 * process's included) from Cyclone's built-in {@code DCPSPublication} / {@code DCPSSubscription}
 * topics, filtered to ROS topics ({@code rt/...}) and translated back to ROS names and types.
 * Nodes are listed by {@link dev.myelin.ros2.graph.NodeGraph} ({@link Context#nodeGraph()}), which
 * also uses {@link #ddsEndpoints()}: every endpoint, service ones included, untranslated.
 *
 * <p>Snapshots are computed on demand; thread-safe.
 */
public final class Graph {
    private static final int MAX_ENDPOINTS = 4096;

    private final int publications;
    private final int subscriptions;

    Graph(int participant) {
        this.publications = Cyclone.createReader(participant, Cyclone.BUILTIN_TOPIC_DCPSPUBLICATION, MemorySegment.NULL);
        this.subscriptions = Cyclone.createReader(participant, Cyclone.BUILTIN_TOPIC_DCPSSUBSCRIPTION, MemorySegment.NULL);
    }

    /** Every ROS publisher and subscription currently known. */
    public synchronized List<TopicEndpoint> endpoints() {
        List<TopicEndpoint> all = new ArrayList<>();
        read(publications, TopicEndpoint.Kind.PUBLISHER, all, null, false);
        read(subscriptions, TopicEndpoint.Kind.SUBSCRIPTION, all, null, false);
        return all;
    }

    /** Every reader and writer currently known, on any DDS topic, with its USER_DATA. */
    public synchronized List<DdsEndpoint> ddsEndpoints() {
        List<DdsEndpoint> all = new ArrayList<>();
        read(publications, TopicEndpoint.Kind.PUBLISHER, null, all, false);
        read(subscriptions, TopicEndpoint.Kind.SUBSCRIPTION, null, all, false);
        return all;
    }

    /** Topic name to the sorted set of type names seen on it, sorted by topic ({@code ros2 topic list -t}). */
    public Map<String, List<String>> topicsAndTypes() {
        Map<String, TreeSet<String>> map = new TreeMap<>();
        for (TopicEndpoint e : endpoints()) {
            map.computeIfAbsent(e.topic(), k -> new TreeSet<>()).add(e.type());
        }
        Map<String, List<String>> result = new TreeMap<>();
        map.forEach((k, v) -> result.put(k, List.copyOf(v)));
        return result;
    }

    /**
     * Service name to the sorted service types seen on it ({@code ros2 service list -t}), from the
     * servers' and clients' request topics ({@code rq/<name>Request}).
     */
    public synchronized Map<String, List<String>> servicesAndTypes() {
        List<TopicEndpoint> all = new ArrayList<>();
        read(publications, TopicEndpoint.Kind.PUBLISHER, all, null, true);
        read(subscriptions, TopicEndpoint.Kind.SUBSCRIPTION, all, null, true);
        Map<String, TreeSet<String>> map = new TreeMap<>();
        for (TopicEndpoint e : all) {
            map.computeIfAbsent(e.topic(), k -> new TreeSet<>()).add(e.type());
        }
        Map<String, List<String>> result = new TreeMap<>();
        map.forEach((k, v) -> result.put(k, List.copyOf(v)));
        return result;
    }

    public List<TopicEndpoint> publishers(String topic) {
        return filter(e -> e.kind() == TopicEndpoint.Kind.PUBLISHER && e.topic().equals(topic));
    }

    public List<TopicEndpoint> subscriptions(String topic) {
        return filter(e -> e.kind() == TopicEndpoint.Kind.SUBSCRIPTION && e.topic().equals(topic));
    }

    /**
     * Polls until endpoints matching {@code condition} number at least {@code count}.
     *
     * @return the matching endpoints, or an empty list on timeout
     */
    public List<TopicEndpoint> await(Predicate<TopicEndpoint> condition, int count, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            List<TopicEndpoint> found = filter(condition);
            if (found.size() >= count) {
                return found;
            }
            if (System.nanoTime() - deadline > 0) {
                return List.of();
            }
            Thread.sleep(20);
        }
    }

    private List<TopicEndpoint> filter(Predicate<TopicEndpoint> condition) {
        List<TopicEndpoint> out = new ArrayList<>();
        for (TopicEndpoint e : endpoints()) {
            if (condition.test(e)) {
                out.add(e);
            }
        }
        return out;
    }

    /**
     * Topic endpoints ({@code rt/}) into {@code out}, or with {@code services} the request endpoints
     * ({@code rq/...Request}) named by service; with {@code raw} non-null, every DDS endpoint as read goes there instead.
     */
    @SuppressWarnings("restricted") // reinterpret: Cyclone owns the loaned samples until returnLoan
    private static void read(int reader, TopicEndpoint.Kind kind, List<TopicEndpoint> out, List<DdsEndpoint> raw,
                             boolean services) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buffer = arena.allocate(ValueLayout.ADDRESS, MAX_ENDPOINTS); // buffer[0] NULL: loan
            MemorySegment infos = arena.allocate(Cyclone.SAMPLE_INFO_SIZE * MAX_ENDPOINTS, 8);
            int n = Cyclone.read(reader, buffer, infos, MAX_ENDPOINTS, MAX_ENDPOINTS);
            if (n < 0) {
                Cyclone.check(n, "dds_read of built-in topic");
            }
            try {
                for (int i = 0; i < n; i++) {
                    long info = i * Cyclone.SAMPLE_INFO_SIZE;
                    if (!infos.get(ValueLayout.JAVA_BOOLEAN, info + Cyclone.SAMPLE_INFO_VALID_DATA)
                            || infos.get(ValueLayout.JAVA_INT, info + Cyclone.SAMPLE_INFO_INSTANCE_STATE) != Cyclone.INSTANCE_STATE_ALIVE) {
                        continue; // gone: disposed, or no writers left
                    }
                    MemorySegment ep = buffer.getAtIndex(ValueLayout.ADDRESS, i).reinterpret(64);
                    String ddsTopic = cString(ep.get(ValueLayout.ADDRESS, Cyclone.ENDPOINT_TOPIC_NAME));
                    String ddsType = cString(ep.get(ValueLayout.ADDRESS, Cyclone.ENDPOINT_TYPE_NAME));
                    MemorySegment qos = ep.get(ValueLayout.ADDRESS, Cyclone.ENDPOINT_QOS);
                    String userData = qos.equals(MemorySegment.NULL) ? "" : DdsEndpoint.text(Cyclone.userDataOf(qos));
                    if (raw != null) {
                        raw.add(new DdsEndpoint(kind == TopicEndpoint.Kind.PUBLISHER, ddsTopic, ddsType,
                                Gid.of(ep.asSlice(Cyclone.ENDPOINT_PARTICIPANT_KEY, 16).toArray(ValueLayout.JAVA_BYTE)),
                                Gid.of(ep.asSlice(Cyclone.ENDPOINT_KEY, 16).toArray(ValueLayout.JAVA_BYTE)), userData));
                        continue;
                    }
                    String topic = services ? serviceOf(ddsTopic) : TopicNames.fromDds(ddsTopic);
                    if (topic == null) {
                        continue;
                    }
                    String type;
                    try {
                        type = MessageTypes.canonicalName(ddsType);
                        if (services) {
                            type = type.substring(0, type.lastIndexOf('_'));
                        }
                    } catch (UnknownMessageTypeException notRos) {
                        type = ddsType;
                    }
                    Qos.Reliability reliability = Qos.Reliability.BEST_EFFORT;
                    Qos.Durability durability = Qos.Durability.VOLATILE;
                    int depth = 1;
                    if (!qos.equals(MemorySegment.NULL)) {
                        if (Cyclone.reliabilityOf(qos) == Cyclone.RELIABILITY_RELIABLE) {
                            reliability = Qos.Reliability.RELIABLE;
                        }
                        if (Cyclone.durabilityOf(qos) >= Cyclone.DURABILITY_TRANSIENT_LOCAL) {
                            durability = Qos.Durability.TRANSIENT_LOCAL;
                        }
                        int[] history = Cyclone.historyOf(qos);
                        if (history != null) {
                            depth = history[0] == Cyclone.HISTORY_KEEP_ALL ? 0 : history[1];
                        }
                    }
                    out.add(new TopicEndpoint(kind, topic, type, reliability, durability, depth,
                            hex(ep.asSlice(Cyclone.ENDPOINT_PARTICIPANT_KEY, 16)), hex(ep.asSlice(Cyclone.ENDPOINT_KEY, 16)),
                            UserData.value(userData, "typehash")));
                }
            } finally {
                if (n > 0) {
                    Cyclone.returnLoan(reader, buffer, n);
                }
            }
        }
    }

    private static String serviceOf(String ddsTopic) {
        return ddsTopic.startsWith("rq/") && ddsTopic.endsWith("Request") && ddsTopic.length() > 10
                ? ddsTopic.substring(2, ddsTopic.length() - "Request".length()) : null;
    }

    @SuppressWarnings("restricted") // a NUL-terminated string owned by Cyclone
    private static String cString(MemorySegment pointer) {
        return pointer.equals(MemorySegment.NULL) ? "" : pointer.reinterpret(Integer.MAX_VALUE).getString(0);
    }

    static String hex(MemorySegment bytes) {
        StringBuilder sb = new StringBuilder(32);
        for (long i = 0; i < bytes.byteSize(); i++) {
            sb.append(String.format("%02x", bytes.get(ValueLayout.JAVA_BYTE, i)));
        }
        return sb.toString();
    }
}

package dev.myelin.ros2.graph;

import dev.myelin.ros2.cdr.CdrReader;
import dev.myelin.ros2.dds.Cyclone;
import dev.myelin.ros2.msg.CdrCodec;
import dev.myelin.ros2.msg.Message;
import dev.myelin.ros2.cdr.MessageDecodeException;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Supplier;

/**
 * Nodes on the domain, as {@code ros2 node list/info} sees them: the latest
 * {@code ros_discovery_info} sample of every participant still alive in DDS's built-in participant
 * topic (this one's included), with each node's topics, services and clients found by matching its
 * reader and writer GIDs against the built-in publication and subscription topics. Any vendor's
 * announcement counts, as long as it uses the same GID layout.
 *
 * <p>Samples that do not decode are counted and skipped. Thread-safe.
 */
public final class NodeGraph {
    private static final int BATCH = 64;
    private static final int MAX_PARTICIPANTS = 1024;

    private final DiscoveryInfo info;
    private final int reader;
    private final int participants;
    private final Supplier<List<DdsEndpoint>> endpoints;
    private final Map<Gid, ParticipantEntities> latest = new HashMap<>();
    private final Message received;
    private final CdrReader cdr = new CdrReader();
    private final MemorySegment serdata = Arena.ofAuto().allocate(ValueLayout.JAVA_LONG, BATCH);
    private final MemorySegment infos = Arena.ofAuto().allocate(Cyclone.SAMPLE_INFO_SIZE * BATCH, 8);
    private MemorySegment buffer = Arena.ofAuto().allocate(4096, 8);
    private long dropped;
    private String lastDropReason;

    /**
     * @param info the discovery message layout
     * @param discoveryReader a reliable, transient-local, keep-all reader on {@link DiscoveryInfo#TOPIC}
     * @param participantReader a reader on the built-in {@code DCPSParticipant} topic
     * @param endpoints the DDS endpoints discovered now
     */
    public NodeGraph(DiscoveryInfo info, int discoveryReader, int participantReader, Supplier<List<DdsEndpoint>> endpoints) {
        this.info = info;
        this.reader = discoveryReader;
        this.participants = participantReader;
        this.endpoints = endpoints;
        this.received = info.type().newMessage();
    }

    /** A node with what it publishes, subscribes to, serves and calls (topic or service name to sorted types). */
    public record NodeInfo(NodeEntities node, Gid participant, Map<String, List<String>> subscribers,
                           Map<String, List<String>> publishers, Map<String, List<String>> serviceServers,
                           Map<String, List<String>> serviceClients) {
    }

    /** Every announced node of every live participant, sorted by fully qualified name. */
    public synchronized List<NodeEntities> nodes() {
        drain();
        Set<Gid> alive = aliveParticipants();
        List<NodeEntities> all = new ArrayList<>();
        latest.forEach((gid, p) -> {
            if (alive.contains(gid)) {
                all.addAll(p.nodes());
            }
        });
        all.sort(Comparator.comparing(NodeEntities::fullyQualifiedName));
        return all;
    }

    /** Every live participant's latest announcement. */
    public synchronized List<ParticipantEntities> participants() {
        drain();
        Set<Gid> alive = aliveParticipants();
        List<ParticipantEntities> out = new ArrayList<>();
        latest.forEach((gid, p) -> {
            if (alive.contains(gid)) {
                out.add(p);
            }
        });
        return out;
    }

    /** The node named {@code fullyQualifiedName} ({@code /ns/name}) with its endpoints, if announced. */
    public Optional<NodeInfo> info(String fullyQualifiedName) {
        Gid participant = null;
        NodeEntities node = null;
        for (ParticipantEntities p : participants()) {
            for (NodeEntities n : p.nodes()) {
                if (n.fullyQualifiedName().equals(fullyQualifiedName)) {
                    participant = p.gid();
                    node = n;
                }
            }
        }
        if (node == null) {
            return Optional.empty();
        }
        Set<Gid> readers = new HashSet<>(node.readers());
        Set<Gid> writers = new HashSet<>(node.writers());
        Map<String, TreeSet<String>> subs = new TreeMap<>();
        Map<String, TreeSet<String>> pubs = new TreeMap<>();
        Map<String, TreeSet<String>> servers = new TreeMap<>();
        Map<String, TreeSet<String>> clients = new TreeMap<>();
        for (DdsEndpoint e : endpoints.get()) {
            boolean mine = e.writer() ? writers.contains(e.gid()) : readers.contains(e.gid());
            if (!mine) {
                continue;
            }
            RosName name = RosName.of(e.topic(), e.type());
            if (name == null) {
                continue;
            }
            Map<String, TreeSet<String>> target = switch (name.kind()) {
                case TOPIC -> e.writer() ? pubs : subs;
                case REQUEST -> e.writer() ? clients : servers;
                case REPLY -> e.writer() ? servers : clients;
            };
            target.computeIfAbsent(name.name(), k -> new TreeSet<>()).add(name.type());
        }
        return Optional.of(new NodeInfo(node, participant, freeze(subs), freeze(pubs), freeze(servers), freeze(clients)));
    }

    /**
     * Polls until a node named {@code fullyQualifiedName} is announced and lists at least
     * {@code readers} readers and {@code writers} writers.
     */
    public Optional<NodeEntities> await(String fullyQualifiedName, int readers, int writers, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            for (NodeEntities n : nodes()) {
                if (n.fullyQualifiedName().equals(fullyQualifiedName) && n.readers().size() >= readers
                        && n.writers().size() >= writers) {
                    return Optional.of(n);
                }
            }
            if (System.nanoTime() - deadline > 0) {
                return Optional.empty();
            }
            Thread.sleep(20);
        }
    }

    /** Announcements that did not decode. */
    public synchronized long droppedCount() {
        return dropped;
    }

    /** Why the last dropped announcement did not decode, or null. */
    public synchronized String lastDropReason() {
        return lastDropReason;
    }

    private static Map<String, List<String>> freeze(Map<String, TreeSet<String>> m) {
        Map<String, List<String>> out = new TreeMap<>();
        m.forEach((k, v) -> out.put(k, List.copyOf(v)));
        return out;
    }

    private void drain() {
        while (true) {
            int n = Cyclone.takeCdr(reader, serdata, BATCH, infos, Cyclone.ANY_STATE);
            if (n <= 0) {
                return;
            }
            for (int i = 0; i < n; i++) {
                long d = serdata.getAtIndex(ValueLayout.JAVA_LONG, i);
                try {
                    if (infos.get(ValueLayout.JAVA_BOOLEAN, i * Cyclone.SAMPLE_INFO_SIZE + Cyclone.SAMPLE_INFO_VALID_DATA)) {
                        int size = Cyclone.serdataSize(d);
                        if (size > buffer.byteSize()) {
                            buffer = Arena.ofAuto().allocate(Math.max(size, buffer.byteSize() * 2), 8);
                        }
                        Cyclone.serdataToSer(d, 0, size, buffer.address());
                        try {
                            cdr.wrap(buffer, 0, size);
                            CdrCodec.decode(cdr, received);
                            ParticipantEntities p = info.read(received);
                            latest.put(p.gid(), p);
                        } catch (MessageDecodeException | IllegalArgumentException e) {
                            dropped++;
                            lastDropReason = e.getMessage();
                        }
                    }
                } finally {
                    Cyclone.serdataUnref(d);
                }
            }
            if (n < BATCH) {
                return;
            }
        }
    }

    @SuppressWarnings("restricted") // reinterpret: Cyclone owns the loaned samples until returnLoan
    private Set<Gid> aliveParticipants() {
        Set<Gid> alive = new HashSet<>();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment loans = arena.allocate(ValueLayout.ADDRESS, MAX_PARTICIPANTS);
            MemorySegment sampleInfos = arena.allocate(Cyclone.SAMPLE_INFO_SIZE * MAX_PARTICIPANTS, 8);
            int n = Cyclone.read(participants, loans, sampleInfos, MAX_PARTICIPANTS, MAX_PARTICIPANTS);
            Cyclone.check(n, "dds_read of DCPSParticipant");
            try {
                for (int i = 0; i < n; i++) {
                    long at = i * Cyclone.SAMPLE_INFO_SIZE;
                    if (sampleInfos.get(ValueLayout.JAVA_BOOLEAN, at + Cyclone.SAMPLE_INFO_VALID_DATA)
                            && sampleInfos.get(ValueLayout.JAVA_INT, at + Cyclone.SAMPLE_INFO_INSTANCE_STATE) == Cyclone.INSTANCE_STATE_ALIVE) {
                        MemorySegment p = loans.getAtIndex(ValueLayout.ADDRESS, i).reinterpret(Gid.GUID_SIZE);
                        alive.add(Gid.of(p.toArray(ValueLayout.JAVA_BYTE)));
                    }
                }
            } finally {
                if (n > 0) {
                    Cyclone.returnLoan(participants, loans, n);
                }
            }
        }
        return alive;
    }

    /** A DDS topic translated back to a ROS topic or service name and type. */
    record RosName(Kind kind, String name, String type) {
        enum Kind { TOPIC, REQUEST, REPLY }

        static RosName of(String ddsTopic, String ddsType) {
            if (ddsTopic.startsWith("rt/")) {
                return new RosName(Kind.TOPIC, ddsTopic.substring(2), rosType(ddsType, "msg", ""));
            }
            if (ddsTopic.startsWith("rq/") && ddsTopic.endsWith("Request")) {
                return new RosName(Kind.REQUEST, ddsTopic.substring(2, ddsTopic.length() - "Request".length()),
                        rosType(ddsType, "srv", "_Request"));
            }
            if (ddsTopic.startsWith("rr/") && ddsTopic.endsWith("Reply")) {
                return new RosName(Kind.REPLY, ddsTopic.substring(2, ddsTopic.length() - "Reply".length()),
                        rosType(ddsType, "srv", "_Response"));
            }
            return null;
        }

        /** {@code pkg::msg::dds_::Name_} to {@code pkg/msg/Name}; anything else unchanged. */
        static String rosType(String ddsType, String kind, String suffix) {
            String[] parts = ddsType.split("::");
            String last = parts[parts.length - 1];
            String tail = suffix + "_";
            if (parts.length == 4 && parts[1].equals(kind) && parts[2].equals("dds_") && last.endsWith(tail)) {
                return parts[0] + "/" + kind + "/" + last.substring(0, last.length() - tail.length());
            }
            return ddsType;
        }
    }
}

package dev.myelin.ros2.interop;

import dev.myelin.ros2.dds.CycloneConfig;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The independent C peer: {@code ros_types.idl} compiled by Cyclone's {@code idlc}, and
 * {@code cyclone_peer.c} compiled with gcc against {@code libddsc}. It publishes, prints
 * (serialized bytes and fields), echoes or pings Twist, LaserScan and String samples; see the C
 * source for the command line. Built once per directory and rebuilt when the sources change.
 */
public final class CyclonePeer {
    private final Path executable;

    private CyclonePeer(Path executable) {
        this.executable = executable;
    }

    /**
     * Builds the peer in {@code workDir} (created if needed) unless an up-to-date build is there.
     *
     * @throws IllegalStateException naming a missing tool or the compiler's output
     */
    public static synchronized CyclonePeer build(Path workDir) {
        Path program = Toolchain.buildCyclonePeer(workDir, "ros_types.idl", "cyclone_peer.c", "-lm");
        return new CyclonePeer(program);
    }

    /**
     * Runs the C ping against a pong that echoes {@code outTopic} to {@code inTopic} (DDS names),
     * measured like the Java driver.
     *
     * @return every measured round trip in nanoseconds
     */
    public long[] ping(int domain, String type, String outTopic, String inTopic, int warmup, int count)
            throws IOException, InterruptedException {
        try (PeerProcess ping = start(domain, "ping", type, outTopic, inTopic, Integer.toString(warmup),
                Integer.toString(count))) {
            ping.awaitLine("DONE", java.time.Duration.ofSeconds(120 + count / 1000));
            long[] rtt = ping.output().stream().filter(l -> l.startsWith("RTT "))
                    .flatMap(l -> java.util.Arrays.stream(l.substring(4).strip().split(" ")))
                    .mapToLong(Long::parseLong).toArray();
            if (rtt.length != count) {
                throw new IllegalStateException("C ping reported " + rtt.length + " of " + count + " round trips");
            }
            return rtt;
        }
    }

    public Path executable() {
        return executable;
    }

    /** Starts the peer on {@code domain} in loopback-only mode with the given mode arguments. */
    public PeerProcess start(int domain, String... arguments) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(executable.toString());
        command.add(Integer.toString(domain));
        command.addAll(List.of(arguments));
        return PeerProcess.start("cyclone_peer " + String.join(" ", arguments), command,
                Map.of("CYCLONEDDS_URI", CycloneConfig.loopback()));
    }
}

package dev.myelin.ros2.interop;

import dev.myelin.ros2.dds.CycloneConfig;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The independent C service peer: {@code service_types.idl} (rcl_interfaces and lifecycle_msgs
 * service halves with rmw_cyclonedds's request header) compiled by {@code idlc}, and
 * {@code service_peer.c} compiled with gcc against {@code libddsc}. It calls GetParameters,
 * SetParameters and ChangeState, serves GetParameters, and measures round trips; see the C
 * source for the command line. Built once per directory and rebuilt when the sources change.
 */
public final class ServicePeer {
    private final Path executable;

    private ServicePeer(Path executable) {
        this.executable = executable;
    }

    /**
     * Builds the peer in {@code workDir} (created if needed) unless an up-to-date build is there.
     *
     * @throws IllegalStateException naming a missing tool or the compiler's output
     */
    public static synchronized ServicePeer build(Path workDir) {
        Path program = Toolchain.buildCyclonePeer(workDir, "service_types.idl", "service_peer.c");
        return new ServicePeer(program);
    }

    /** Starts the peer on {@code domain} in loopback-only mode: {@code mode service args...}. */
    public PeerProcess start(int domain, String mode, String service, String... arguments) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(executable.toString());
        command.add(Integer.toString(domain));
        command.add(mode);
        command.add(service);
        command.addAll(List.of(arguments));
        return PeerProcess.start("service_peer " + mode + " " + service, command,
                Map.of("CYCLONEDDS_URI", CycloneConfig.loopback()));
    }

    /**
     * GetParameters round trips from the C client against whatever serves {@code service}, one in flight.
     *
     * @return every measured round trip in nanoseconds
     */
    public long[] bench(int domain, String service, int warmup, int count) throws IOException, InterruptedException {
        try (PeerProcess p = start(domain, "bench", service, Integer.toString(warmup), Integer.toString(count))) {
            p.awaitLine("DONE", Duration.ofSeconds(60 + count / 500));
            long[] rtt = p.output().stream().filter(l -> l.startsWith("RTT "))
                    .flatMap(l -> Arrays.stream(l.substring(4).strip().split(" ")))
                    .mapToLong(Long::parseLong).toArray();
            if (rtt.length != count) {
                throw new IllegalStateException("C service client reported " + rtt.length + " of " + count + " round trips");
            }
            return rtt;
        }
    }
}

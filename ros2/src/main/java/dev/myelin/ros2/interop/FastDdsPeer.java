package dev.myelin.ros2.interop;

import dev.myelin.ros2.dds.CycloneConfig;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The eProsima Fast DDS peer (Fast DDS is ROS 2's default middleware): {@code ros_types.idl}
 * through {@code fastddsgen}, {@code fastdds_peer.cpp} compiled with g++ against
 * {@code libfastrtps} and {@code libfastcdr}. Same command line and output as the C peer, minus
 * {@code pong}. Built once per directory and rebuilt when the sources change.
 */
public final class FastDdsPeer {
    private final Path executable;

    private FastDdsPeer(Path executable) {
        this.executable = executable;
    }

    /**
     * Builds the peer in {@code workDir} unless an up-to-date build is there (a C++ build of about
     * 15 s on two cores).
     *
     * @throws IllegalStateException naming a missing tool or the compiler's output
     */
    public static synchronized FastDdsPeer build(Path workDir) {
        try {
            Files.createDirectories(workDir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Path program = workDir.resolve("fastdds_peer");
        Path stamp = workDir.resolve("fastdds_peer.sha256");
        byte[] idl = Toolchain.copyResource("ros_types.idl", workDir);
        byte[] source = Toolchain.copyResource("fastdds_peer.cpp", workDir);
        String hash = Toolchain.sha256(idl, source);
        if (!Toolchain.upToDate(program, stamp, hash)) {
            Toolchain.require("fastddsgen", "fastddsgen");
            Toolchain.require("g++", "g++");
            Toolchain.run(workDir, List.of("fastddsgen", "-replace", "ros_types.idl"), Map.of());
            Toolchain.run(workDir, List.of("g++", "-std=c++14", "-O1", "-o", "fastdds_peer", "fastdds_peer.cpp",
                    "ros_types.cxx", "ros_typesPubSubTypes.cxx", "-I.", "-lfastrtps", "-lfastcdr"), Map.of());
            try {
                Files.writeString(stamp, hash);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return new FastDdsPeer(program);
    }

    public Path executable() {
        return executable;
    }

    /** Starts the peer on {@code domain} (its transport is pinned to 127.0.0.1 in the source). */
    public PeerProcess start(int domain, String... arguments) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(executable.toString());
        command.add(Integer.toString(domain));
        command.addAll(List.of(arguments));
        return PeerProcess.start("fastdds_peer " + String.join(" ", arguments), command,
                Map.of("CYCLONEDDS_URI", CycloneConfig.loopback()));
    }
}

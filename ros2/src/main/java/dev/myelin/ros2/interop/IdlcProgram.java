package dev.myelin.ros2.interop;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.myelin.ros2.dds.CycloneConfig;

/**
 * A C program against Cyclone DDS built from IDL and C source given as text: {@code idlc} turns the
 * IDL into {@code <idl>.c/.h}, gcc links the program with {@code libddsc}. Tests write both, so that
 * the peer's types come from an independent definition rather than from Myelin's. Rebuilt only when
 * the sources change.
 */
public final class IdlcProgram {
    private final Path executable;

    private IdlcProgram(Path executable) {
        this.executable = executable;
    }

    /**
     * Builds {@code name} in {@code workDir} from {@code idlName}.idl (content {@code idl}) and
     * {@code name}.c (content {@code source}, which includes {@code "idlName.h"}).
     *
     * @throws IllegalStateException naming a missing tool or the compiler's output
     */
    public static synchronized IdlcProgram build(Path workDir, String name, String idlName, String idl, String source) {
        try {
            Files.createDirectories(workDir);
            byte[] idlBytes = idl.getBytes(StandardCharsets.UTF_8);
            byte[] sourceBytes = source.getBytes(StandardCharsets.UTF_8);
            Path program = workDir.resolve(name);
            Path stamp = workDir.resolve(name + ".sha256");
            String hash = Toolchain.sha256(idlBytes, sourceBytes);
            if (!Toolchain.upToDate(program, stamp, hash)) {
                Files.write(workDir.resolve(idlName + ".idl"), idlBytes);
                Files.write(workDir.resolve(name + ".c"), sourceBytes);
                Toolchain.require("idlc", "cyclonedds-tools");
                Toolchain.require("gcc", "gcc");
                Toolchain.run(workDir, List.of("idlc", idlName + ".idl"), Map.of());
                Toolchain.run(workDir, List.of("gcc", "-O2", "-o", name, name + ".c", idlName + ".c", "-I.", "-lddsc"),
                        Map.of());
                Files.writeString(stamp, hash);
            }
            return new IdlcProgram(program);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Path executable() {
        return executable;
    }

    /** Starts the program in loopback-only mode with the given arguments. */
    public PeerProcess start(String... arguments) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(executable.toString());
        command.addAll(List.of(arguments));
        return PeerProcess.start(executable.getFileName() + " " + String.join(" ", arguments), command,
                Map.of("CYCLONEDDS_URI", CycloneConfig.loopback()));
    }
}

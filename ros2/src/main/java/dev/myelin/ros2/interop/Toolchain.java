package dev.myelin.ros2.interop;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs the build tools that turn the peers' sources into programs, with errors that say what is missing. */
final class Toolchain {
    private Toolchain() {
    }

    /** Finds {@code tool} on the PATH or fails naming the Debian package that provides it. */
    static void require(String tool, String debianPackage) {
        String path = System.getenv().getOrDefault("PATH", "/usr/bin:/bin");
        for (String dir : path.split(":")) {
            if (Files.isExecutable(Path.of(dir, tool))) {
                return;
            }
        }
        throw new IllegalStateException(tool + " not found on PATH; install the Debian package " + debianPackage
                + " (./myelin installs it)");
    }

    /** Runs a command in {@code dir}, failing with its output when it exits non-zero. */
    static void run(Path dir, List<String> command, java.util.Map<String, String> env) {
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
        pb.environment().putAll(env);
        try {
            Process p = pb.start();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(10, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new IllegalStateException(String.join(" ", command) + " timed out");
            }
            if (p.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed with exit code " + p.exitValue()
                        + ":\n" + new String(out, StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + command.getFirst(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + command.getFirst(), e);
        }
    }

    /** Copies a resource of this package into {@code dir} and returns its bytes. */
    static byte[] copyResource(String name, Path dir) {
        try (InputStream in = Toolchain.class.getResourceAsStream("/dev/myelin/ros2/interop/" + name)) {
            if (in == null) {
                throw new IllegalStateException("resource " + name + " missing from the jar");
            }
            byte[] bytes = in.readAllBytes();
            Files.write(dir.resolve(name), bytes);
            return bytes;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String sha256(byte[]... parts) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            for (byte[] p : parts) {
                md.update(p);
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** True when {@code stampFile} records {@code hash} and {@code program} exists. */
    static boolean upToDate(Path program, Path stampFile, String hash) {
        try {
            return Files.isExecutable(program) && Files.isRegularFile(stampFile)
                    && Files.readString(stampFile).strip().equals(hash);
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Builds a C peer in {@code workDir} (created if needed) from resources {@code idl} (compiled
     * by {@code idlc}) and {@code source} (compiled with gcc against libddsc) unless an up-to-date
     * build is there; the program is named like the source without {@code .c}.
     *
     * @return the program
     * @throws IllegalStateException naming a missing tool or the compiler's output
     */
    static synchronized Path buildCyclonePeer(Path workDir, String idl, String source, String... extraLibraries) {
        try {
            Files.createDirectories(workDir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String name = source.substring(0, source.length() - 2);
        Path program = workDir.resolve(name);
        Path stamp = workDir.resolve(name + ".sha256");
        byte[] idlBytes = copyResource(idl, workDir);
        byte[] sourceBytes = copyResource(source, workDir);
        String hash = sha256(idlBytes, sourceBytes);
        if (!upToDate(program, stamp, hash)) {
            require("idlc", "cyclonedds-tools");
            require("gcc", "gcc");
            run(workDir, List.of("idlc", idl), java.util.Map.of());
            List<String> gcc = new java.util.ArrayList<>(List.of("gcc", "-O2", "-o", name, source,
                    idl.substring(0, idl.length() - 4) + ".c", "-I.", "-lddsc"));
            gcc.addAll(List.of(extraLibraries));
            run(workDir, gcc, java.util.Map.of());
            try {
                Files.writeString(stamp, hash);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return program;
    }
}

package dev.myelin.policy.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Whole-file replacement that a crash or power loss cannot leave half-written: write the temporary file
 * {@code .<name>.tmp} in the same directory, fsync it, rename it over the target (atomic on POSIX), fsync
 * the directory so that the rename itself is durable. Readers see the old file or the new one, never a
 * mix. A crash before the rename leaves at most the temporary file, which the next replacement of the
 * same target overwrites and {@link #removeTemporaries} deletes. Bundles, keys, checkpoints, OTA slots,
 * experience files and NIR exports are all written this way. Stateless; one writer per target.
 */
public final class DurableFiles {

    /** The temporary file's suffix; its name is {@code "." + target name + TEMP_SUFFIX}. */
    public static final String TEMP_SUFFIX = ".tmp";

    private DurableFiles() {
    }

    /** Writes what {@code target} will hold into the file it is given (a temporary file next to the target). */
    @FunctionalInterface
    public interface Content {
        void writeTo(Path temporary) throws IOException;
    }

    /** Replaces {@code target} with {@code bytes}. */
    public static void replace(Path target, byte[] bytes) throws IOException {
        replace(target, bytes, false, null);
    }

    /**
     * Replaces {@code target} with {@code bytes}; {@code ownerOnly} creates it readable by the owner alone
     * (0600, for private keys); {@code beforeRename}, if not null, runs once the temporary file is durable.
     */
    public static void replace(Path target, byte[] bytes, boolean ownerOnly, Runnable beforeRename) throws IOException {
        replace(target, tmp -> {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer b = ByteBuffer.wrap(bytes);
                while (b.hasRemaining()) {
                    ch.write(b);
                }
            }
        }, ownerOnly, beforeRename);
    }

    /** Replaces {@code target} with what {@code content} writes (for writers that want a path, such as HDF5). */
    public static void replace(Path target, Content content) throws IOException {
        replace(target, content, false, null);
    }

    private static void replace(Path target, Content content, boolean ownerOnly, Runnable beforeRename) throws IOException {
        Path absolute = target.toAbsolutePath();
        Path dir = absolute.getParent();
        if (dir == null) {
            throw new IOException(target + ": has no parent directory");
        }
        Files.createDirectories(dir);
        Path tmp = temporaryFor(absolute);
        Files.deleteIfExists(tmp);
        if (ownerOnly && FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
            Files.createFile(tmp, PosixFilePermissions.asFileAttribute(Set.of(PosixFilePermission.OWNER_READ,
                    PosixFilePermission.OWNER_WRITE)));
        } else {
            Files.createFile(tmp);
        }
        boolean moved = false;
        try {
            content.writeTo(tmp);
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                ch.force(true);
            }
            if (beforeRename != null) {
                beforeRename.run();
            }
            try {
                Files.move(tmp, absolute, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                throw new IOException(target + ": the file system cannot rename atomically", e);
            }
            moved = true;
            syncDirectory(dir);
        } finally {
            if (!moved) {
                Files.deleteIfExists(tmp);
            }
        }
    }

    /** The temporary file a replacement of {@code target} writes before its rename. */
    public static Path temporaryFor(Path target) {
        Path absolute = target.toAbsolutePath();
        return absolute.resolveSibling("." + absolute.getFileName() + TEMP_SUFFIX);
    }

    /**
     * Deletes the temporary files that interrupted replacements left in {@code dir} (those named like
     * {@link #temporaryFor}); returns how many. A missing directory has none.
     */
    public static int removeTemporaries(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        int removed = 0;
        try (var files = Files.newDirectoryStream(dir, ".*" + TEMP_SUFFIX)) {
            for (Path f : files) {
                if (Files.isRegularFile(f) && Files.deleteIfExists(f)) {
                    removed++;
                }
            }
        }
        if (removed > 0) {
            syncDirectory(dir);
        }
        return removed;
    }

    /** Makes renames and deletions in {@code dir} durable (Linux); best effort where directories cannot be opened. */
    public static void syncDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // the rename is still atomic; only its durability is left to the file system's journal
        }
    }
}

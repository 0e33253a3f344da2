package dev.myelin.bridge.ota;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Whole-file replacement that a crash or power loss cannot leave half-done: write {@code <name>.tmp} in the
 * same folder, fsync it, rename it over the target (atomic on POSIX), fsync the folder so the rename is
 * durable. Readers see the old file or the new one. Stateless.
 */
public final class DurableFiles {

    public static final String TEMP_SUFFIX = ".tmp";

    private DurableFiles() {
    }

    /** Replaces {@code target} with {@code bytes}; {@code beforeRename} runs after the temporary file is durable. */
    public static void replace(Path target, byte[] bytes, Runnable beforeRename) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        Path tmp = dir.resolve(target.getFileName() + TEMP_SUFFIX);
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer b = ByteBuffer.wrap(bytes);
            while (b.hasRemaining()) {
                ch.write(b);
            }
            ch.force(true);
        }
        if (beforeRename != null) {
            beforeRename.run();
        }
        try {
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            throw new IOException(target + ": the file system cannot rename atomically", e);
        }
        syncDirectory(dir);
    }

    public static void replace(Path target, byte[] bytes) throws IOException {
        replace(target, bytes, null);
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

package dev.myelin.policy.io;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DurableFilesTest {

    @Test
    void replacesWholeFilesAndLeavesNoTemporary(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("sub/a.bin");
        DurableFiles.replace(f, new byte[] {1, 2, 3});
        DurableFiles.replace(f, new byte[] {4, 5});
        assertArrayEquals(new byte[] {4, 5}, Files.readAllBytes(f));
        DurableFiles.replace(f, tmp -> Files.writeString(tmp, "from a path writer"));
        assertEquals("from a path writer", Files.readString(f));
        assertFalse(Files.exists(DurableFiles.temporaryFor(f)));
    }

    @Test
    void aFailedWriteKeepsTheOldFileAndRemovesItsTemporary(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("a.bin");
        DurableFiles.replace(f, new byte[] {7});
        assertThrows(IOException.class, () -> DurableFiles.replace(f, tmp -> {
            Files.write(tmp, new byte[] {8, 8});
            throw new IOException("disk full");
        }));
        assertArrayEquals(new byte[] {7}, Files.readAllBytes(f));
        assertFalse(Files.exists(DurableFiles.temporaryFor(f)));
    }

    @Test
    void ownerOnlyFilesAreReadableByTheOwnerAlone(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("key.pem");
        DurableFiles.replace(f, new byte[] {1}, true, null);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(f)));
    }

    @Test
    void removesOnlyTheTemporariesOfInterruptedReplacements(@TempDir Path dir) throws IOException {
        Path kept = dir.resolve("checkpoint.bin");
        Files.write(kept, new byte[] {1});
        Files.write(DurableFiles.temporaryFor(kept), new byte[] {2});
        Files.write(DurableFiles.temporaryFor(dir.resolve("metrics.csv")), new byte[] {3});
        Path notOurs = dir.resolve("notes.tmp");
        Files.write(notOurs, new byte[] {4});
        assertEquals(2, DurableFiles.removeTemporaries(dir));
        assertTrue(Files.exists(kept) && Files.exists(notOurs));
        assertFalse(Files.exists(DurableFiles.temporaryFor(kept)));
        assertEquals(0, DurableFiles.removeTemporaries(dir.resolve("missing")));
    }
}

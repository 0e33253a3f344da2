package dev.myelin.trainer.run;

import dev.myelin.trainer.mpi.Communicator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A checkpoint whose fields hold the wrong type (sealed again, as a hand edit would be) is refused on resume
 * naming the file and the field, never with a Java cast error; temporary files an interrupted write left are
 * removed when a run resumes.
 */
class CheckpointFieldsTest {

    @TempDir
    static Path tmp;
    private static Path run;

    @BeforeAll
    static void aShortRun() throws IOException {
        run = tmp.resolve("run");
        try (TrainingRun r = TrainingRun.start(CheckpointTest.small("steps=300", "checkpoint_every=300", "eval_every=300"), run,
                Communicator.single())) {
            r.run();
        }
    }

    /** A copy of the run with header field {@code path} (dotted into the configuration) set to {@code value}. */
    @SuppressWarnings("unchecked")
    private static Path edited(String path, Object value) throws IOException {
        Path dir = Files.createTempDirectory(tmp, "edited");
        try (Stream<Path> files = Files.list(run)) {
            for (Path f : files.toList()) {
                if (Files.isRegularFile(f)) {
                    Files.copy(f, dir.resolve(f.getFileName()), StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
        Path ck = dir.resolve(TrainingRun.CHECKPOINT);
        CheckpointFile c = CheckpointFile.read(ck);
        Map<String, Object> at = c.header();
        String[] parts = path.split("\\.", 2);
        if (parts.length == 2) {
            Map<String, Object> config = new LinkedHashMap<>((Map<String, Object>) at.get(parts[0]));
            at.put(parts[0], config);
            at = config;
            path = parts[1];
        }
        if (value == null) {
            at.remove(path);
        } else {
            at.put(path, value);
        }
        c.write(ck);
        return dir;
    }

    @ParameterizedTest(name = "{0} = {1}")
    @CsvSource(delimiter = '|', nullValues = "MISSING", value = {
            "step|many|'step' must be an integer, got the text \"many\"",
            "step|MISSING|'step' must be an integer, it is missing",
            "ranks|one|'ranks' must be an integer",
            "config|text|'config' must be a mapping, got the text \"text\"",
    })
    void aFieldOfTheWrongTypeIsRefusedByName(String field, String value, String expected) throws IOException {
        Path dir = edited(field, value);
        Exception e = assertThrows(Exception.class, () -> TrainingRun.resume(dir, List.of("steps=400"), Communicator.single()));
        assertFalse(e instanceof ClassCastException, e.toString());
        assertTrue(e.getMessage().contains(dir.resolve(TrainingRun.CHECKPOINT).toString()), e.getMessage());
        assertTrue(e.getMessage().contains(expected), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
    }

    @Test
    void aSettingOfTheWrongTypeInsideTheSavedConfigurationIsRefusedByName() throws IOException {
        Path dir = edited("config.gamma", "high");
        Exception e = assertThrows(Exception.class, () -> TrainingRun.resume(dir, List.of("steps=400"), Communicator.single()));
        assertFalse(e instanceof ClassCastException, e.toString());
        assertTrue(e.getMessage().contains("gamma"), e.getMessage());
    }

    @Test
    void aSectionTableEntryOfTheWrongTypeIsRefusedByName() throws IOException {
        CheckpointFile c = new CheckpointFile().put("w", new float[] {1, 2});
        byte[] bytes = c.toBytes();
        String text = new String(bytes, java.nio.charset.StandardCharsets.ISO_8859_1).replace("\"length\":2", "\"length\":\"2\"");
        byte[] edited = text.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        // The header grew by two bytes: rebuild length, padding and digest around the edited header.
        int hl = java.nio.ByteBuffer.wrap(bytes, 12, 4).order(java.nio.ByteOrder.LITTLE_ENDIAN).getInt() + 2;
        byte[] json = java.util.Arrays.copyOfRange(edited, 16, 16 + hl);
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate((int) (CheckpointFile.pad8(16 + hl) + 8 + 32))
                .order(java.nio.ByteOrder.LITTLE_ENDIAN);
        b.put(CheckpointFile.MAGIC).putInt(CheckpointFile.VERSION).putInt(hl).put(json);
        byte[] all = b.array();
        System.arraycopy(CheckpointFile.sha256(all, all.length - 32), 0, all, all.length - 32, 32);
        Path f = Files.write(tmp.resolve("table.ck"), all);
        IOException e = assertThrows(IOException.class, () -> CheckpointFile.read(f));
        assertTrue(e.getMessage().contains(f + ": header field 'sections[0].length' must be an integer, got the text \"2\""),
                e.getMessage());
    }

    @Test
    void resumeRemovesTemporaryFilesAnInterruptedWriteLeft() throws IOException {
        Path dir = edited("step", 300);
        Path stale1 = Files.write(dir.resolve("." + TrainingRun.CHECKPOINT + ".123456.tmp"), new byte[4096]);
        Path stale2 = Files.write(dir.resolve("." + TrainingRun.CHECKPOINT + ".987.tmp"), new byte[10]);
        Path other = Files.write(dir.resolve("notes.tmp"), new byte[1]);
        try (TrainingRun r = TrainingRun.resume(dir, List.of("steps=400"), Communicator.single())) {
            assertFalse(Files.exists(stale1) || Files.exists(stale2), "stale temporary checkpoints removed");
            assertTrue(Files.exists(other), "other files are left alone");
            r.run();
        }
        assertEquals(400, CheckpointFile.read(dir.resolve(TrainingRun.CHECKPOINT)).headerLong("step"));
    }

    @Test
    void onlyARegularFileIsReadAsACheckpoint() throws IOException {
        IOException e = assertThrows(IOException.class, () -> CheckpointFile.read(tmp));
        assertTrue(e.getMessage().contains("not a regular file"), e.getMessage());
    }
}

package dev.myelin.bridge.ota;

import dev.myelin.bridge.wire.PayloadException;
import dev.myelin.policy.io.DurableFiles;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * The agent's files under its state folder: {@code ota-state.json} ({@link OtaState}), the A/B slots
 * {@code slots/a.myl} and {@code slots/b.myl}, and partial downloads in {@code download/}. Every
 * replacement is atomic ({@link DurableFiles}). Used by the agent thread only.
 */
final class SlotStore {

    private final Path stateFile;
    private final Path slotDir;
    private final Path downloadDir;

    SlotStore(Path stateDir) throws IOException {
        Files.createDirectories(stateDir);
        this.stateFile = stateDir.resolve("ota-state.json");
        this.slotDir = Files.createDirectories(stateDir.resolve("slots"));
        this.downloadDir = Files.createDirectories(stateDir.resolve("download"));
    }

    /** The saved state, or null on first boot. */
    OtaState load() throws IOException, PayloadException {
        try {
            return OtaState.parse(Files.readAllBytes(stateFile));
        } catch (NoSuchFileException e) {
            return null;
        }
    }

    void save(OtaState state) throws IOException {
        DurableFiles.replace(stateFile, state.toBytes());
    }

    Path slotFile(OtaState.Slot slot) {
        return slotDir.resolve(slot.wire() + ".myl");
    }

    /** Writes a slot atomically; {@code beforeRename} runs once the temporary copy is durable. */
    void writeSlot(OtaState.Slot slot, byte[] bundle, Runnable beforeRename) throws IOException {
        DurableFiles.replace(slotFile(slot), bundle, false, beforeRename);
    }

    Path downloadDir() {
        return downloadDir;
    }

    /** Removes temporary files a crash left behind (a slot copy that was never renamed into place). */
    int removeTemporaries() throws IOException {
        int n = DurableFiles.removeTemporaries(slotDir);
        if (!stateFile.getParent().equals(slotDir)) {
            n += DurableFiles.removeTemporaries(stateFile.getParent());
        }
        return n;
    }
}

package dev.myelin.bridge.ota;

import dev.myelin.bridge.wire.PayloadException;
import dev.myelin.bridge.wire.ReleaseManifest;
import dev.myelin.policy.bundle.BundleFormatException;
import dev.myelin.policy.bundle.BundleReader;
import dev.myelin.policy.bundle.PolicyBundle;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * Start-up from the state folder: removes temporaries an interrupted write left, loads the durable state
 * (installing the factory bundle on first boot), drops a candidate that was on trial when the process
 * stopped (the last good slot comes back, A/B rule), then reads and verifies the committed slot and has
 * the activation target run it. Also reads any slot back against its record. Agent thread only.
 */
final class Recovery {

    private static final System.Logger LOG = System.getLogger(OtaAgent.class.getName());

    /** The state after recovery and the committed policy, prepared and running. */
    record Result(OtaState state, ActivationTarget.Prepared committed) {
    }

    private final AgentContext<?> ctx;
    private final SlotStore store;
    private final BundleReader reader;
    private final Sha256 sha;

    Recovery(AgentContext<?> ctx, SlotStore store, BundleReader reader, Sha256 sha) {
        this.ctx = ctx;
        this.store = store;
        this.reader = reader;
        this.sha = sha;
    }

    /**
     * Recovers; {@code rolledBack} is told (before the committed policy is activated) of a candidate that
     * was on trial at restart and is now dropped.
     *
     * @throws IOException when the state folder cannot be read or written, or no valid policy can be found
     */
    Result run(Consumer<OtaState.SlotRecord> rolledBack) throws IOException {
        int removed = store.removeTemporaries();
        if (removed > 0) {
            LOG.log(Level.INFO, ctx.robotId + ": removed " + removed + " temporary file(s) an interrupted write left behind");
        }
        OtaState s;
        try {
            s = store.load();
        } catch (PayloadException e) {
            throw new IOException("update state in " + ctx.stateDir + " is unreadable (" + e.getMessage()
                    + "); refusing to guess which slot is good", e);
        }
        if (s == null) {
            s = installFactory();
        } else if (!s.policy().equals(ctx.policy)) {
            throw new IOException("state folder " + ctx.stateDir + " belongs to policy '" + s.policy() + "', not '"
                    + ctx.policy + "'");
        }
        if (s.candidate() != null && s.candidate().phase() == OtaState.Phase.TRIAL) {
            // Restarted while a candidate ran uncommitted: the last good slot comes back (A/B rule).
            OtaState.SlotRecord rec = s.candidateRecord();
            s = s.dropCandidate();
            store.save(s);
            LOG.log(Level.WARNING, ctx.robotId + ": " + rec.releaseId() + " was on trial at restart; back to "
                    + s.committedRecord().releaseId());
            rolledBack.accept(rec);
        }
        PolicyBundle bundle = readSlot(s.committed(), s.committedRecord());
        ActivationTarget.Prepared prepared;
        try {
            prepared = ctx.host.prepare(bundle);
            ctx.host.activate(prepared).get(ctx.swapTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ActivationRefusedException | ExecutionException | TimeoutException e) {
            throw new IOException("the host cannot run the committed policy " + s.committedRecord().releaseId() + ": "
                    + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while activating the committed policy", e);
        }
        return new Result(s, prepared);
    }

    private OtaState installFactory() throws IOException {
        if (ctx.factoryBundle == null) {
            throw new IOException("no committed policy in " + ctx.stateDir + " and no factory bundle configured");
        }
        byte[] bytes = Files.readAllBytes(ctx.factoryBundle);
        PolicyBundle b;
        try {
            b = reader.read(bytes);
        } catch (BundleFormatException e) {
            throw new IOException("factory bundle " + ctx.factoryBundle + " is refused: " + e.getMessage(), e);
        }
        if (!b.name().equals(ctx.policy)) {
            throw new IOException("factory bundle " + ctx.factoryBundle + " is policy '" + b.name() + "', not '"
                    + ctx.policy + "'");
        }
        String hex = sha.hex(bytes);
        OtaState.SlotRecord rec = new OtaState.SlotRecord(ReleaseManifest.releaseId(b.name(), b.version(), hex),
                b.version(), hex, b.digest(), bytes.length);
        store.writeSlot(OtaState.Slot.A, bytes, null);
        OtaState s = OtaState.initial(ctx.policy, rec);
        store.save(s);
        LOG.log(Level.INFO, ctx.robotId + ": installed factory bundle " + rec.releaseId() + " in slot A");
        return s;
    }

    /** Reads and verifies a slot against its record; IOException when it does not match. */
    PolicyBundle readSlot(OtaState.Slot slot, OtaState.SlotRecord rec) throws IOException {
        byte[] bytes = Files.readAllBytes(store.slotFile(slot));
        String hex = sha.hex(bytes);
        if (!hex.equals(rec.fileSha256())) {
            throw new IOException("slot " + slot + " does not hold " + rec.releaseId() + " (SHA-256 " + hex + ")");
        }
        try {
            return reader.read(bytes);
        } catch (BundleFormatException e) {
            throw new IOException("slot " + slot + " (" + rec.releaseId() + ") is refused: " + e.getMessage(), e);
        }
    }
}

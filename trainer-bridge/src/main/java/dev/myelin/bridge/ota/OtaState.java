package dev.myelin.bridge.ota;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.myelin.bridge.wire.JsonFields;
import dev.myelin.bridge.wire.PayloadException;
import dev.myelin.policy.bundle.ReleaseVersion;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The update agent's durable state, one small JSON file replaced atomically at every step, so that a restart
 * at any point finds either the state before the step or after it. Two slots (A/B) hold bundles; one is
 * committed (known good); the other may hold a candidate that is {@link Phase#STAGED} (verified, not yet
 * running) or on {@link Phase#TRIAL} (running, health check not yet passed). Immutable.
 *
 * @param failed            file hashes of releases that failed here (refused, rolled back); not retried
 *                          unless an activate command names them
 * @param allowedDowngrades file hashes a signed rollback command allows to be installed over a newer version
 * @param appliedCommands   ids of commands already applied (most recent last), so each is applied once
 */
public record OtaState(String policy, Slot committed, Map<Slot, SlotRecord> slots, Candidate candidate,
                       List<String> failed, List<String> allowedDowngrades, boolean paused,
                       List<String> appliedCommands) {

    public static final int VERSION = 1;
    static final int MAX_REMEMBERED = 64;
    private static final Pattern RELEASE_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,160}");
    private static final Pattern COMMAND_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    public enum Slot {
        A, B;

        public Slot other() {
            return this == A ? B : A;
        }

        String wire() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public enum Phase {
        STAGED, TRIAL
    }

    /** What a slot holds. */
    public record SlotRecord(String releaseId, ReleaseVersion version, String fileSha256, String bundleDigest, long bytes) {
    }

    /** The slot that is not committed holds a candidate, staged or on trial. */
    public record Candidate(Slot slot, Phase phase, long healthCheckMillis) {
    }

    public OtaState {
        slots = slots.isEmpty() ? Map.of() : java.util.Collections.unmodifiableMap(new EnumMap<>(slots));
        failed = List.copyOf(failed);
        allowedDowngrades = List.copyOf(allowedDowngrades);
        appliedCommands = List.copyOf(appliedCommands);
        if (committed != null && !slots.containsKey(committed)) {
            throw new IllegalArgumentException("committed slot " + committed + " holds nothing");
        }
        if (candidate != null && (candidate.slot == committed || !slots.containsKey(candidate.slot))) {
            throw new IllegalArgumentException("candidate slot " + candidate.slot + " must be the other, filled slot");
        }
    }

    /** A first install: {@code record} committed in slot A. */
    public static OtaState initial(String policy, SlotRecord record) {
        return new OtaState(policy, Slot.A, Map.of(Slot.A, record), null, List.of(), List.of(), false, List.of());
    }

    public SlotRecord committedRecord() {
        return slots.get(committed);
    }

    public SlotRecord candidateRecord() {
        return candidate == null ? null : slots.get(candidate.slot);
    }

    /** The slot holding this release, or null. */
    public Slot slotHolding(String fileSha256) {
        for (Map.Entry<Slot, SlotRecord> e : slots.entrySet()) {
            if (e.getValue().fileSha256().equals(fileSha256)) {
                return e.getKey();
            }
        }
        return null;
    }

    public OtaState withStaged(Slot slot, SlotRecord record, long healthCheckMillis) {
        Map<Slot, SlotRecord> s = new EnumMap<>(Slot.class);
        s.putAll(slots);
        s.put(slot, record);
        return new OtaState(policy, committed, s, new Candidate(slot, Phase.STAGED, healthCheckMillis), failed,
                allowedDowngrades, paused, appliedCommands);
    }

    /** The candidate already in {@code slot} becomes the staged candidate (rollback to the previous good slot). */
    public OtaState withCandidate(Slot slot, long healthCheckMillis) {
        return new OtaState(policy, committed, slots, new Candidate(slot, Phase.STAGED, healthCheckMillis), failed,
                allowedDowngrades, paused, appliedCommands);
    }

    public OtaState onTrial() {
        return new OtaState(policy, committed, slots, new Candidate(candidate.slot, Phase.TRIAL, candidate.healthCheckMillis),
                failed, allowedDowngrades, paused, appliedCommands);
    }

    /** The candidate becomes the committed policy; the old committed slot keeps the previous good release. */
    public OtaState commitCandidate() {
        String sha = candidateRecord().fileSha256();
        return new OtaState(policy, candidate.slot, slots, null, remove(failed, sha), remove(allowedDowngrades, sha),
                paused, appliedCommands);
    }

    /** The candidate is dropped and its release remembered as failed. */
    public OtaState dropCandidate() {
        return new OtaState(policy, committed, slots, null, add(failed, candidateRecord().fileSha256()), allowedDowngrades,
                paused, appliedCommands);
    }

    public OtaState withFailed(String sha) {
        return new OtaState(policy, committed, slots, candidate, add(failed, sha), allowedDowngrades, paused, appliedCommands);
    }

    public OtaState withoutFailed(String sha) {
        return new OtaState(policy, committed, slots, candidate, remove(failed, sha), allowedDowngrades, paused, appliedCommands);
    }

    public OtaState withAllowedDowngrade(String sha) {
        return new OtaState(policy, committed, slots, candidate, remove(failed, sha), add(allowedDowngrades, sha), paused,
                appliedCommands);
    }

    public OtaState withPaused(boolean p) {
        return new OtaState(policy, committed, slots, candidate, failed, allowedDowngrades, p, appliedCommands);
    }

    public OtaState withApplied(String commandId) {
        return new OtaState(policy, committed, slots, candidate, failed, allowedDowngrades, paused, add(appliedCommands, commandId));
    }

    private static List<String> add(List<String> list, String item) {
        List<String> l = new ArrayList<>(list);
        l.remove(item);
        l.add(item);
        while (l.size() > MAX_REMEMBERED) {
            l.remove(0);
        }
        return l;
    }

    private static List<String> remove(List<String> list, String item) {
        List<String> l = new ArrayList<>(list);
        l.remove(item);
        return l;
    }

    byte[] toBytes() {
        ObjectNode o = JsonFields.object();
        o.put("v", VERSION);
        o.put("kind", "ota-state");
        o.put("policy", policy);
        o.put("committed", committed.wire());
        ObjectNode s = o.putObject("slots");
        for (Map.Entry<Slot, SlotRecord> e : slots.entrySet()) {
            ObjectNode r = s.putObject(e.getKey().wire());
            r.put("release", e.getValue().releaseId());
            r.put("version", e.getValue().version().toString());
            r.put("file_sha256", e.getValue().fileSha256());
            r.put("bundle_digest", e.getValue().bundleDigest());
            r.put("bytes", e.getValue().bytes());
        }
        if (candidate != null) {
            ObjectNode c = o.putObject("candidate");
            c.put("slot", candidate.slot.wire());
            c.put("phase", candidate.phase.name().toLowerCase(java.util.Locale.ROOT));
            c.put("health_check_ms", candidate.healthCheckMillis);
        }
        strings(o.putArray("failed"), failed);
        strings(o.putArray("allowed_downgrades"), allowedDowngrades);
        o.put("paused", paused);
        strings(o.putArray("applied_commands"), appliedCommands);
        return JsonFields.bytes(o);
    }

    private static void strings(ArrayNode a, List<String> items) {
        items.forEach(a::add);
    }

    static OtaState parse(byte[] bytes) throws PayloadException {
        JsonFields f = JsonFields.parse(bytes, "ota-state", 1 << 20).version(VERSION).kind("ota-state");
        String policy = f.text("policy", JsonFields.NAME, "a policy name");
        Slot committed = slot(f.oneOf("committed", "a", "b"));
        Map<Slot, SlotRecord> slots = new EnumMap<>(Slot.class);
        JsonFields sf = f.object("slots");
        for (Slot sl : Slot.values()) {
            JsonFields rf = sf.optObject(sl.wire());
            if (rf != null) {
                ReleaseVersion v;
                try {
                    v = ReleaseVersion.parse(rf.text("version"));
                } catch (IllegalArgumentException e) {
                    throw new PayloadException("ota-state.slots." + sl.wire() + ".version", e.getMessage());
                }
                slots.put(sl, new SlotRecord(rf.text("release", RELEASE_ID, "a release id"), v,
                        rf.text("file_sha256", JsonFields.SHA256_HEX, "a SHA-256"),
                        rf.text("bundle_digest", JsonFields.SHA256_HEX, "a SHA-256"), rf.integer("bytes", 1, Long.MAX_VALUE)));
                rf.end();
            }
        }
        sf.end();
        Candidate candidate = null;
        JsonFields cf = f.optObject("candidate");
        if (cf != null) {
            candidate = new Candidate(slot(cf.oneOf("slot", "a", "b")),
                    Phase.valueOf(cf.oneOf("phase", "staged", "trial").toUpperCase(java.util.Locale.ROOT)),
                    cf.integer("health_check_ms", 0, Long.MAX_VALUE));
            cf.end();
        }
        List<String> failed = f.texts("failed", MAX_REMEMBERED, JsonFields.SHA256_HEX, "a SHA-256");
        List<String> allowed = f.texts("allowed_downgrades", MAX_REMEMBERED, JsonFields.SHA256_HEX, "a SHA-256");
        boolean paused = f.bool("paused");
        List<String> applied = f.texts("applied_commands", MAX_REMEMBERED, COMMAND_ID, "a command id");
        f.end();
        try {
            return new OtaState(policy, committed, slots, candidate, failed, allowed, paused, applied);
        } catch (IllegalArgumentException e) {
            throw new PayloadException("ota-state", e.getMessage());
        }
    }

    private static Slot slot(String wire) {
        return Slot.valueOf(wire.toUpperCase(java.util.Locale.ROOT));
    }
}

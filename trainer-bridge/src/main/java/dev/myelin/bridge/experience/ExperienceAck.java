package dev.myelin.bridge.experience;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.myelin.bridge.wire.JsonFields;
import dev.myelin.bridge.wire.PayloadException;

import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * The trainer's word that records {@code [first, first + count)} of a robot's outbox segment are stored
 * durably, on {@code myelin/<fleet>/experience-acks/<robot>}. Only this, not the broker's PUBACK, lets the
 * robot forget them, so a broker that loses its queue cannot lose experience. Immutable.
 *
 * <p>Version 1: {@code {"v":1,"kind":"experience-ack","robot","outbox":"<16 hex>","segment","first","count"}}.
 */
public record ExperienceAck(String robot, long outboxId, long segment, int first, int count) {

    public static final int VERSION = 1;
    private static final Pattern HEX16 = Pattern.compile("[0-9a-f]{16}");

    public byte[] toBytes() {
        ObjectNode o = JsonFields.object();
        o.put("v", VERSION);
        o.put("kind", "experience-ack");
        o.put("robot", robot);
        o.put("outbox", HexFormat.of().toHexDigits(outboxId));
        o.put("segment", segment);
        o.put("first", first);
        o.put("count", count);
        return JsonFields.bytes(o);
    }

    public static ExperienceAck parse(byte[] payload) throws PayloadException {
        JsonFields f = JsonFields.parse(payload, "experience-ack", 1024).version(VERSION).kind("experience-ack");
        ExperienceAck a = new ExperienceAck(f.text("robot", JsonFields.NAME, "a robot id"),
                Long.parseUnsignedLong(f.text("outbox", HEX16, "16 lowercase hex digits"), 16),
                f.integer("segment", 0, Long.MAX_VALUE), (int) f.integer("first", 0, Integer.MAX_VALUE),
                (int) f.integer("count", 1, Integer.MAX_VALUE));
        f.end();
        return a;
    }
}

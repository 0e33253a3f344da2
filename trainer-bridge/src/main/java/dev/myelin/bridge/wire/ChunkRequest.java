package dev.myelin.bridge.wire;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.regex.Pattern;

/**
 * A robot asking the release publisher to publish chunks again (they never arrived, arrived corrupted, or the
 * broker lost its retained copies), on {@code myelin/<fleet>/robots/<robot>/chunk-request}. Immutable.
 *
 * <p>Version 1: {@code {"v":1,"kind":"chunk-request","robot","release","chunks":[indices]}}.
 */
public record ChunkRequest(String robot, String releaseId, int[] chunks) {

    public static final int VERSION = 1;
    public static final int MAX_CHUNKS = 4096;
    public static final int MAX_PAYLOAD_BYTES = 64 * 1024;
    private static final Pattern RELEASE_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,160}");

    public byte[] toBytes() {
        ObjectNode o = JsonFields.object();
        o.put("v", VERSION);
        o.put("kind", "chunk-request");
        o.put("robot", robot);
        o.put("release", releaseId);
        ArrayNode a = o.putArray("chunks");
        for (int c : chunks) {
            a.add(c);
        }
        return JsonFields.bytes(o);
    }

    public static ChunkRequest parse(byte[] payload) throws PayloadException {
        JsonFields f = JsonFields.parse(payload, "chunk-request", MAX_PAYLOAD_BYTES).version(VERSION).kind("chunk-request");
        String robot = f.text("robot", JsonFields.NAME, "a robot id");
        String release = f.text("release", RELEASE_ID, "a release id");
        long[] c = f.integers("chunks", MAX_CHUNKS, 0, Integer.MAX_VALUE);
        f.end();
        int[] chunks = new int[c.length];
        for (int i = 0; i < c.length; i++) {
            chunks[i] = (int) c[i];
        }
        return new ChunkRequest(robot, release, chunks);
    }
}

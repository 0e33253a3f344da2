package dev.myelin.bridge.wire;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * One numbered block of a release, published retained on {@code myelin/<fleet>/chunks/<release>/<index>}.
 * Binary, little-endian, version 1:
 * <pre>
 *  0  4  magic "MYCK"
 *  4  2  version = 1
 *  6  2  flags = 0
 *  8 32  SHA-256 of the whole bundle file (binds the chunk to its release)
 * 40  4  index
 * 44  4  chunk count of the release
 * 48  4  data length n
 * 52  n  data
 * </pre>
 * A chunk message is at most {@value #MAX_PAYLOAD_BYTES} bytes (the 128 KiB per-publish cap of AWS IoT), so
 * at most {@value #MAX_DATA_BYTES} data bytes. The data's own SHA-256 is listed in the manifest and checked
 * by the receiver. Stateless codec.
 */
public final class ChunkMessage {

    public static final int VERSION = 1;
    public static final int HEADER_BYTES = 52;
    public static final int MAX_PAYLOAD_BYTES = 128 * 1024;
    public static final int MAX_DATA_BYTES = MAX_PAYLOAD_BYTES - HEADER_BYTES;
    private static final byte[] MAGIC = {'M', 'Y', 'C', 'K'};

    /** A decoded chunk; {@code data} is a view of {@code length} bytes at {@code offset} in the payload. */
    public record Chunk(String fileSha256, int index, int count, byte[] payload, int offset, int length) {
        public ByteBuffer data() {
            return ByteBuffer.wrap(payload, offset, length).slice();
        }
    }

    private ChunkMessage() {
    }

    public static byte[] encode(byte[] fileSha256, int index, int count, byte[] bundle, int from, int length) {
        if (fileSha256.length != 32 || index < 0 || index >= count || length < 0 || length > MAX_DATA_BYTES) {
            throw new IllegalArgumentException("bad chunk: index " + index + " of " + count + ", " + length + " bytes");
        }
        ByteBuffer b = ByteBuffer.allocate(HEADER_BYTES + length).order(ByteOrder.LITTLE_ENDIAN);
        b.put(MAGIC).putShort((short) VERSION).putShort((short) 0).put(fileSha256).putInt(index).putInt(count).putInt(length);
        b.put(bundle, from, length);
        return b.array();
    }

    /** Decodes the framing; the caller checks the data against the manifest. */
    public static Chunk decode(byte[] payload) throws PayloadException {
        if (payload == null || payload.length < HEADER_BYTES) {
            throw new PayloadException("chunk", "truncated: " + (payload == null ? 0 : payload.length) + " bytes, the header alone is "
                    + HEADER_BYTES);
        }
        if (payload.length > MAX_PAYLOAD_BYTES) {
            throw new PayloadException("chunk", payload.length + " bytes, over the limit of " + MAX_PAYLOAD_BYTES);
        }
        if (!Arrays.equals(payload, 0, 4, MAGIC, 0, 4)) {
            throw new PayloadException("chunk.magic", "not a release chunk");
        }
        ByteBuffer b = ByteBuffer.wrap(payload).order(ByteOrder.LITTLE_ENDIAN);
        int version = Short.toUnsignedInt(b.getShort(4));
        if (version != VERSION) {
            throw new PayloadException("chunk.version", "chunk format version " + version
                    + " is not supported (this reader reads " + VERSION + ")");
        }
        if (b.getShort(6) != 0) {
            throw new PayloadException("chunk.flags", "must be 0");
        }
        String sha = HexFormat.of().formatHex(payload, 8, 40);
        int index = b.getInt(40);
        int count = b.getInt(44);
        int length = b.getInt(48);
        if (count <= 0 || index < 0 || index >= count) {
            throw new PayloadException("chunk.index", "index " + Integer.toUnsignedString(index) + " of "
                    + Integer.toUnsignedString(count) + " chunks");
        }
        if (length < 0 || HEADER_BYTES + (long) length != payload.length) {
            throw new PayloadException("chunk.length", "header says " + Integer.toUnsignedString(length)
                    + " data bytes, the message carries " + (payload.length - HEADER_BYTES));
        }
        return new Chunk(sha, index, count, payload, HEADER_BYTES, length);
    }
}

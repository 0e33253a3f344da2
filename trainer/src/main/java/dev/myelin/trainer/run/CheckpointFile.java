package dev.myelin.trainer.run;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.myelin.policy.io.DurableFiles;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The on-disk form of a training checkpoint: a JSON header and named typed arrays, sealed by a SHA-256
 * of every preceding byte.
 * <pre>
 *   "MYELINCK"  u32 version  u32 headerLength  header (UTF-8 JSON)  pad to 8
 *   section data (little-endian, each padded to 8)  ...  SHA-256 (32 bytes)
 * </pre>
 * The header lists each section's name, type ({@code f32}, {@code f64}, {@code i64}, {@code u8}), element
 * count and offset from the start of the data. Written atomically: temporary file in the same
 * directory, fsync, rename over the old checkpoint, fsync of the directory; so a crash or
 * {@code kill -9} at any moment leaves either the previous checkpoint or the new one, whole. Reading
 * verifies the digest before anything is used and names what is wrong otherwise. Any thread.
 */
public final class CheckpointFile {
    static final byte[] MAGIC = "MYELINCK".getBytes(StandardCharsets.US_ASCII);
    static final int VERSION = 1;
    private static final int DIGEST = 32;

    private final Map<String, Object> header = new LinkedHashMap<>();
    private final Map<String, Object> sections = new LinkedHashMap<>();
    private String source = "checkpoint";

    public CheckpointFile() {
    }

    public Map<String, Object> header() {
        return header;
    }

    /**
     * Header field {@code key} as an integer; an exception naming the file and the field when it is
     * missing or not an integer (a damaged or hand-edited checkpoint).
     */
    public long headerLong(String key) {
        Object v = header.get(key);
        if (v instanceof Number n && (v instanceof Integer || v instanceof Long || v instanceof java.math.BigInteger
                || n.doubleValue() == Math.rint(n.doubleValue()))) {
            return n.longValue();
        }
        throw wrongField(key, "an integer", v);
    }

    /** Header field {@code key} as an int (see {@link #headerLong}). */
    public int headerInt(String key) {
        long v = headerLong(key);
        if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
            throw wrongField(key, "an integer of 32 bits", v);
        }
        return (int) v;
    }

    /** Header field {@code key} as a mapping (e.g. the saved configuration). */
    @SuppressWarnings("unchecked")
    public Map<String, Object> headerMap(String key) {
        Object v = header.get(key);
        if (v instanceof Map<?, ?> m) {
            for (Object k : m.keySet()) {
                if (!(k instanceof String)) {
                    throw wrongField(key, "a mapping with text keys", v);
                }
            }
            return (Map<String, Object>) m;
        }
        throw wrongField(key, "a mapping", v);
    }

    private IllegalArgumentException wrongField(String key, String expected, Object got) {
        String what = got == null ? "it is missing" : "got " + (got instanceof String t ? "the text \"" + abbreviate(t) + "\""
                : got instanceof Map<?, ?> ? "a mapping" : got instanceof List<?> ? "a list" : String.valueOf(got));
        return new IllegalArgumentException(source + ": checkpoint field '" + key + "' must be " + expected + ", " + what);
    }

    private static String abbreviate(String s) {
        return s.length() <= 60 ? s : s.substring(0, 57) + "...";
    }

    /**
     * Removes temporary files an interrupted {@link #writeAtomically} left next to {@code file} (a
     * {@code kill -9} between creating and renaming one); returns how many. Call before resuming.
     */
    public static int removeStaleTemporaries(Path file) throws IOException {
        return removeStale(file);
    }

    /** {@link #removeStaleTemporaries} for a run about to resume, saying on stderr how many were removed. */
    public static void removeStaleTemporariesBeforeResume(Path file) throws IOException {
        int stale = removeStale(file);
        if (stale > 0) {
            System.err.println("resume: removed " + stale + " temporary checkpoint file(s) an interrupted write left in "
                    + file.getParent());
        }
    }

    private static int removeStale(Path file) throws IOException {
        Path abs = file.toAbsolutePath();
        String prefix = "." + abs.getFileName() + ".";
        int removed = 0;
        try (var dir = Files.newDirectoryStream(abs.getParent(), p -> {
            String n = p.getFileName().toString();
            return n.startsWith(prefix) && n.endsWith(".tmp") && Files.isRegularFile(p, java.nio.file.LinkOption.NOFOLLOW_LINKS);
        })) {
            for (Path p : dir) {
                Files.deleteIfExists(p);
                removed++;
            }
        }
        return removed;
    }

    public CheckpointFile put(String name, float[] data) {
        sections.put(name, data);
        return this;
    }

    public CheckpointFile put(String name, double[] data) {
        sections.put(name, data);
        return this;
    }

    public CheckpointFile put(String name, long[] data) {
        sections.put(name, data);
        return this;
    }

    public CheckpointFile put(String name, byte[] data) {
        sections.put(name, data);
        return this;
    }

    public boolean has(String name) {
        return sections.containsKey(name);
    }

    public float[] floats(String name) {
        return typed(name, float[].class);
    }

    public double[] doubles(String name) {
        return typed(name, double[].class);
    }

    public long[] longs(String name) {
        return typed(name, long[].class);
    }

    public byte[] bytes(String name) {
        return typed(name, byte[].class);
    }

    /** Section names in file order. */
    public List<String> names() {
        return new ArrayList<>(sections.keySet());
    }

    private <T> T typed(String name, Class<T> type) {
        Object o = sections.get(name);
        if (o == null) {
            throw new IllegalArgumentException("checkpoint has no section '" + name + "'");
        }
        if (!type.isInstance(o)) {
            throw new IllegalArgumentException("checkpoint section '" + name + "' is not " + type.getSimpleName());
        }
        return type.cast(o);
    }

    private static String typeOf(Object o) {
        return switch (o) {
            case float[] f -> "f32";
            case double[] d -> "f64";
            case long[] l -> "i64";
            case byte[] b -> "u8";
            default -> throw new IllegalStateException("unsupported section type " + o.getClass());
        };
    }

    private static int elementSize(String type) {
        return switch (type) {
            case "f32" -> 4;
            case "f64", "i64" -> 8;
            case "u8" -> 1;
            default -> throw new IllegalArgumentException("unknown section type '" + type + "'");
        };
    }

    private static int length(Object o) {
        return switch (o) {
            case float[] f -> f.length;
            case double[] d -> d.length;
            case long[] l -> l.length;
            case byte[] b -> b.length;
            default -> throw new IllegalStateException();
        };
    }

    static long pad8(long n) {
        return (n + 7) & ~7L;
    }

    /** The file's bytes. */
    public byte[] toBytes() throws IOException {
        List<Map<String, Object>> table = new ArrayList<>();
        long offset = 0;
        for (Map.Entry<String, Object> e : sections.entrySet()) {
            Map<String, Object> t = new LinkedHashMap<>();
            String type = typeOf(e.getValue());
            int n = length(e.getValue());
            t.put("name", e.getKey());
            t.put("type", type);
            t.put("length", n);
            t.put("offset", offset);
            table.add(t);
            offset += pad8((long) n * elementSize(type));
        }
        Map<String, Object> h = new LinkedHashMap<>(header);
        h.put("sections", table);
        byte[] json = new ObjectMapper().writeValueAsBytes(h);
        long dataStart = pad8(MAGIC.length + 8L + json.length);
        long total = dataStart + offset + DIGEST;
        if (total > Integer.MAX_VALUE - 64) {
            throw new IOException("checkpoint would be " + total + " bytes, over the 2 GiB limit of one file");
        }
        byte[] out = new byte[(int) total];
        ByteBuffer b = ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN);
        b.put(MAGIC).putInt(VERSION).putInt(json.length).put(json);
        int i = 0;
        for (Object o : sections.values()) {
            long at = dataStart + ((Number) table.get(i++).get("offset")).longValue();
            b.position((int) at);
            switch (o) {
                case float[] f -> b.asFloatBuffer().put(f);
                case double[] d -> b.asDoubleBuffer().put(d);
                case long[] l -> b.asLongBuffer().put(l);
                case byte[] y -> b.put(y);
                default -> throw new IllegalStateException();
            }
        }
        byte[] digest = sha256(out, out.length - DIGEST);
        System.arraycopy(digest, 0, out, out.length - DIGEST, DIGEST);
        return out;
    }

    /** Writes atomically over {@code file} (see the class comment). */
    public void write(Path file) throws IOException {
        writeAtomically(file, toBytes());
    }

    /** Replaces {@code file} with {@code bytes} durably ({@link DurableFiles}). */
    public static void writeAtomically(Path file, byte[] bytes) throws IOException {
        DurableFiles.replace(file, bytes);
    }

    /** Reads and verifies a checkpoint; IOException naming the file and the problem if it is not whole. */
    public static CheckpointFile read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IOException(file + (Files.exists(file) ? ": not a regular file (a directory, pipe or device)"
                    : ": no checkpoint there"));
        }
        byte[] all = Files.readAllBytes(file);
        try {
            CheckpointFile c = parse(all);
            c.source = file.toString();
            return c;
        } catch (IllegalArgumentException e) {
            throw new IOException(file + ": " + e.getMessage(), e);
        }
    }

    @SuppressWarnings("unchecked")
    static CheckpointFile parse(byte[] all) throws IOException {
        if (all.length < MAGIC.length + 8 + DIGEST) {
            throw new IllegalArgumentException("too short to be a checkpoint (" + all.length + " bytes)");
        }
        for (int i = 0; i < MAGIC.length; i++) {
            if (all[i] != MAGIC[i]) {
                throw new IllegalArgumentException("not a Myelin checkpoint (bad magic)");
            }
        }
        byte[] digest = sha256(all, all.length - DIGEST);
        if (!MessageDigest.isEqual(digest, java.util.Arrays.copyOfRange(all, all.length - DIGEST, all.length))) {
            throw new IllegalArgumentException("SHA-256 mismatch: the checkpoint is damaged or incomplete");
        }
        ByteBuffer b = ByteBuffer.wrap(all).order(ByteOrder.LITTLE_ENDIAN);
        b.position(MAGIC.length);
        int version = b.getInt();
        if (version != VERSION) {
            throw new IllegalArgumentException("checkpoint format version " + version + ", this trainer reads " + VERSION);
        }
        int hl = b.getInt();
        if (hl < 0 || MAGIC.length + 8L + hl > all.length - DIGEST) {
            throw new IllegalArgumentException("header length " + hl + " runs past the end");
        }
        Map<String, Object> h;
        try {
            h = new ObjectMapper().readValue(all, MAGIC.length + 8, hl, Map.class);
        } catch (IOException e) {
            throw new IllegalArgumentException("header is not a JSON object: " + e.getMessage().split("\\R", 2)[0]);
        }
        long dataStart = pad8(MAGIC.length + 8L + hl);
        long dataEnd = all.length - DIGEST;
        CheckpointFile c = new CheckpointFile();
        Object tableObj = h.remove("sections");
        if (!(tableObj instanceof List<?> table)) {
            throw new IllegalArgumentException("header has no section table");
        }
        c.header.putAll(h);
        int index = 0;
        for (Object o : table) {
            String at = "sections[" + index++ + "]";
            if (!(o instanceof Map<?, ?>)) {
                throw new IllegalArgumentException("header field '" + at + "' must be a mapping, got " + o);
            }
            Map<String, Object> t = (Map<String, Object>) o;
            if (!(t.get("name") instanceof String name)) {
                throw new IllegalArgumentException("header field '" + at + ".name' must be text, got " + t.get("name"));
            }
            if (!(t.get("type") instanceof String type) || !List.of("f32", "f64", "i64", "u8").contains(type)) {
                throw new IllegalArgumentException("header field '" + at + ".type' must be f32, f64, i64 or u8, got "
                        + t.get("type"));
            }
            long n = tableInteger(t, at, "length");
            long off = tableInteger(t, at, "offset");
            if (n > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("header field '" + at + ".length' is too large: " + n);
            }
            long bytes = n * elementSize(type);
            if (n < 0 || off < 0 || dataStart + off + bytes > dataEnd) {
                throw new IllegalArgumentException("section " + name + " lies outside the file");
            }
            b.position((int) (dataStart + off));
            Object data = switch (type) {
                case "f32" -> {
                    float[] f = new float[(int) n];
                    b.asFloatBuffer().get(f);
                    yield f;
                }
                case "f64" -> {
                    double[] d = new double[(int) n];
                    b.asDoubleBuffer().get(d);
                    yield d;
                }
                case "i64" -> {
                    long[] l = new long[(int) n];
                    b.asLongBuffer().get(l);
                    yield l;
                }
                default -> {
                    byte[] y = new byte[(int) n];
                    b.get(y);
                    yield y;
                }
            };
            c.sections.put(name, data);
        }
        return c;
    }

    private static long tableInteger(Map<String, Object> t, String at, String key) {
        Object v = t.get(key);
        if (v instanceof Integer || v instanceof Long) {
            return ((Number) v).longValue();
        }
        throw new IllegalArgumentException("header field '" + at + "." + key + "' must be an integer, got "
                + (v instanceof String s ? "the text \"" + abbreviate(s) + "\"" : String.valueOf(v)));
    }

    /** The SHA-256 of a whole checkpoint file in hex, as exported bundles record it in their provenance. */
    public static String sha256Hex(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        return HexFormat.of().formatHex(sha256(bytes, bytes.length));
    }

    static byte[] sha256(byte[] bytes, int length) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update(bytes, 0, length);
            return md.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JDK has no SHA-256", e);
        }
    }
}

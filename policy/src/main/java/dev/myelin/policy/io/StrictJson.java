package dev.myelin.policy.io;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The one strict JSON reader of the project, for bundle manifests and fleet payloads alike: one UTF-8 JSON
 * object (no byte order mark), nothing after it, duplicate keys refused ({@link StreamReadFeature#STRICT_DUPLICATE_DETECTION}),
 * and nesting depth, document size, number, string and name lengths bounded by Jackson's
 * {@link StreamReadConstraints} from {@link Limits}. The object is read into plain values: {@code Map}
 * (in the order written), {@code List}, {@code String}, {@code Boolean}, {@code null} and {@link JsonNumber},
 * which keeps the number's own text so that each field parses it to exactly the type it needs (an fp32
 * read straight from the text rounds once and keeps -0). Callers type and name-check the fields.
 *
 * <p>Writing goes through {@link #generator} (streamed) or {@link #write} (a Jackson tree). Thread-safe.
 */
public final class StrictJson {

    /** Nesting and length bounds; every one is enforced by Jackson while it reads. */
    public record Limits(int maxDepth, int maxNumberLength, int maxNameLength, int maxStringLength,
                         int maxDocumentBytes) {
        public Limits {
            if (maxDepth < 1 || maxNumberLength < 1 || maxNameLength < 1 || maxStringLength < 1 || maxDocumentBytes < 1) {
                throw new IllegalArgumentException("JSON limits must be positive");
            }
        }

        /** The same limits for documents of at most {@code bytes}. */
        public Limits withMaxDocumentBytes(int bytes) {
            return new Limits(maxDepth, maxNumberLength, maxNameLength, maxStringLength, bytes);
        }
    }

    /** Longest object key either reader accepts (Jackson's {@code maxNameLength}). */
    public static final int MAX_NAME_LENGTH = 4096;

    /** A JSON number as written. */
    public record JsonNumber(String text, boolean integral) {

        /** Its value when written as an integer (no fraction or exponent) that fits a long, else null. */
        public Long exactLong() {
            if (!integral) {
                return null;
            }
            try {
                return Long.parseLong(text);
            } catch (NumberFormatException e) {
                return null;
            }
        }

        @Override
        public String toString() {
            return text;
        }
    }

    /** Why a document was refused; {@link #getMessage()} is the detail. */
    public static final class Refused extends Exception {

        /** What was wrong with the document as a whole. */
        public enum Problem { EMPTY, TOO_LARGE, NOT_UTF8, NOT_JSON, NOT_OBJECT, TRAILING_CONTENT }

        private final Problem problem;

        Refused(Problem problem, String detail) {
            super(detail);
            this.problem = problem;
        }

        public Problem problem() {
            return problem;
        }
    }

    private static final ConcurrentHashMap<Limits, StrictJson> READERS = new ConcurrentHashMap<>();
    private static final JsonFactory WRITER = JsonFactory.builder().build();
    private static final JsonMapper TREE_WRITER = JsonMapper.builder(WRITER).build();

    private final Limits limits;
    private final JsonFactory factory;

    private StrictJson(Limits limits) {
        this.limits = limits;
        this.factory = JsonFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder()
                        .maxNestingDepth(limits.maxDepth())
                        .maxNumberLength(limits.maxNumberLength())
                        .maxNameLength(limits.maxNameLength())
                        .maxStringLength(limits.maxStringLength())
                        .maxDocumentLength(limits.maxDocumentBytes())
                        .build())
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .disable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
                .build();
    }

    /** The reader for {@code limits} (one per distinct limits, kept). */
    public static StrictJson of(Limits limits) {
        return READERS.computeIfAbsent(limits, StrictJson::new);
    }

    public Limits limits() {
        return limits;
    }

    /** Reads {@code length} bytes at {@code offset} as one JSON object. */
    public Map<String, Object> readObject(byte[] data, int offset, int length) throws Refused {
        if (length == 0) {
            throw new Refused(Refused.Problem.EMPTY, "empty");
        }
        if (length > limits.maxDocumentBytes()) {
            throw new Refused(Refused.Problem.TOO_LARGE, length + " bytes, over the limit of " + limits.maxDocumentBytes());
        }
        if (length >= 3 && data[offset] == (byte) 0xEF && data[offset + 1] == (byte) 0xBB && data[offset + 2] == (byte) 0xBF) {
            // RFC 8259 section 8.1: no byte order mark; Jackson would skip one in bytes, so refuse it here.
            throw new Refused(Refused.Problem.NOT_JSON, "starts with a byte order mark");
        }
        try {
            StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(data, offset, length));
        } catch (CharacterCodingException e) {
            throw new Refused(Refused.Problem.NOT_UTF8, "not valid UTF-8");
        }
        try (JsonParser p = factory.createParser(data, offset, length)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new Refused(Refused.Problem.NOT_OBJECT, "must be a JSON object");
            }
            Map<String, Object> root = asObject(readValue(p));
            if (p.nextToken() != null) {
                throw new Refused(Refused.Problem.TRAILING_CONTENT, "content after the JSON object");
            }
            return root;
        } catch (JsonProcessingException e) {
            throw new Refused(Refused.Problem.NOT_JSON, e.getOriginalMessage());
        } catch (IOException e) {
            throw new Refused(Refused.Problem.NOT_JSON, String.valueOf(e.getMessage()));
        }
    }

    /** Builds the value whose first token the parser is on. */
    private static Object readValue(JsonParser p) throws IOException {
        JsonToken t = p.currentToken();
        return switch (t) {
            case START_OBJECT -> {
                Map<String, Object> m = new LinkedHashMap<>();
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String key = p.currentName();
                    p.nextToken();
                    m.put(key, readValue(p));
                }
                yield m;
            }
            case START_ARRAY -> {
                List<Object> list = new ArrayList<>();
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    list.add(readValue(p));
                }
                yield list;
            }
            case VALUE_STRING -> p.getText();
            case VALUE_NUMBER_INT -> new JsonNumber(p.getText(), true);
            case VALUE_NUMBER_FLOAT -> new JsonNumber(p.getText(), false);
            case VALUE_TRUE -> Boolean.TRUE;
            case VALUE_FALSE -> Boolean.FALSE;
            case VALUE_NULL -> null;
            default -> throw new IOException("unexpected token " + t);
        };
    }

    /** The map of an object value read by this class. */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> asObject(Object objectValue) {
        return (Map<String, Object>) objectValue;
    }

    /** A compact UTF-8 generator writing to {@code out}. */
    public static JsonGenerator generator(OutputStream out) throws IOException {
        return WRITER.createGenerator(out);
    }

    /** A Jackson tree as compact UTF-8 JSON. */
    public static byte[] write(JsonNode tree) {
        try {
            return TREE_WRITER.writeValueAsBytes(tree);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise a JSON tree", e);
        }
    }
}

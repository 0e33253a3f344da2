package dev.myelin.policy.io;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StrictJsonTest {

    private static final StrictJson READER = StrictJson.of(new StrictJson.Limits(4, 20, 16, 32, 200));

    private static Map<String, Object> read(String json) throws StrictJson.Refused {
        byte[] b = json.getBytes(StandardCharsets.UTF_8);
        return READER.readObject(b, 0, b.length);
    }

    private static StrictJson.Refused refused(String json) {
        return assertThrows(StrictJson.Refused.class, () -> read(json));
    }

    @Test
    void readsPlainValuesKeepingNumberText() throws Exception {
        Map<String, Object> m = read("{\"s\":\"x\",\"i\":12,\"f\":-0.0,\"e\":1e3,\"b\":true,\"n\":null,\"a\":[1,\"y\"],\"o\":{\"k\":false}}");
        assertEquals(List.of("s", "i", "f", "e", "b", "n", "a", "o"), List.copyOf(m.keySet()));
        assertEquals("x", m.get("s"));
        assertEquals(new StrictJson.JsonNumber("12", true), m.get("i"));
        assertEquals(12L, ((StrictJson.JsonNumber) m.get("i")).exactLong());
        assertEquals(new StrictJson.JsonNumber("-0.0", false), m.get("f"));
        assertEquals(Float.floatToRawIntBits(-0.0f),
                Float.floatToRawIntBits(Float.parseFloat(((StrictJson.JsonNumber) m.get("f")).text())));
        assertNull(((StrictJson.JsonNumber) m.get("e")).exactLong(), "1e3 is not written as an integer");
        assertEquals(Boolean.TRUE, m.get("b"));
        assertTrue(m.containsKey("n"));
        assertNull(m.get("n"));
        assertEquals(List.of(new StrictJson.JsonNumber("1", true), "y"), m.get("a"));
        assertEquals(Map.of("k", false), m.get("o"));
    }

    @Test
    void refusesWhatIsNotOneStrictObject() {
        assertEquals(StrictJson.Refused.Problem.NOT_JSON, refused("{\"a\":1,\"a\":2}").problem());
        assertTrue(refused("{\"a\":1,\"a\":2}").getMessage().contains("Duplicate field 'a'"));
        assertEquals(StrictJson.Refused.Problem.NOT_OBJECT, refused("[1]").problem());
        assertEquals(StrictJson.Refused.Problem.NOT_OBJECT, refused(" ").problem());
        assertEquals(StrictJson.Refused.Problem.TRAILING_CONTENT, refused("{} {}").problem());
        assertEquals(StrictJson.Refused.Problem.NOT_JSON, refused("{\"a\":").problem());
        assertEquals(StrictJson.Refused.Problem.NOT_JSON, refused("{\"a\":NaN}").problem());
        assertEquals(StrictJson.Refused.Problem.NOT_JSON, refused("\uFEFF{}").problem());
        assertEquals(StrictJson.Refused.Problem.EMPTY, refused("").problem());
        byte[] badUtf8 = {'{', '"', (byte) 0xC3, '"', ':', '1', '}'};
        assertEquals(StrictJson.Refused.Problem.NOT_UTF8,
                assertThrows(StrictJson.Refused.class, () -> READER.readObject(badUtf8, 0, badUtf8.length)).problem());
    }

    @Test
    void enforcesEveryLimit() throws Exception {
        read("{\"a\":{\"b\":{\"c\":[1]}}}");
        assertTrue(refused("{\"a\":{\"b\":{\"c\":[[1]]}}}").getMessage().contains("nesting depth"));
        read("{\"" + "k".repeat(16) + "\":1}");
        assertTrue(refused("{\"" + "k".repeat(17) + "\":1}").getMessage().contains("Name length"));
        read("{\"s\":\"" + "x".repeat(32) + "\"}");
        assertTrue(refused("{\"s\":\"" + "x".repeat(33) + "\"}").getMessage().contains("String value length"));
        read("{\"n\":" + "1".repeat(20) + "}");
        assertTrue(refused("{\"n\":" + "1".repeat(21) + "}").getMessage().contains("Number value length"));
        StrictJson.Refused big = refused("{\"s\":\"" + "x".repeat(30) + "\"," + "\"t\":1,".repeat(30) + "\"u\":1}");
        assertEquals(StrictJson.Refused.Problem.TOO_LARGE, big.problem());
        assertTrue(big.getMessage().contains("over the limit of 200"), big.getMessage());
    }

    @Test
    void oneReaderPerLimits() {
        StrictJson.Limits l = new StrictJson.Limits(4, 20, 16, 32, 200);
        assertTrue(StrictJson.of(l) == READER);
        assertEquals(100, StrictJson.of(l.withMaxDocumentBytes(100)).limits().maxDocumentBytes());
    }
}

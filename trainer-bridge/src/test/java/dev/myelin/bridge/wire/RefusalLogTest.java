package dev.myelin.bridge.wire;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.ResourceBundle;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The refusal log's rate limit, cause cap and cause cleaning, on a clock the test moves. */
class RefusalLogTest {

    /** Keeps what is logged. */
    private static final class Lines implements System.Logger {
        final List<String> lines = new ArrayList<>();

        @Override
        public String getName() {
            return "test";
        }

        @Override
        public boolean isLoggable(Level level) {
            return true;
        }

        @Override
        public void log(Level level, ResourceBundle bundle, String msg, Throwable thrown) {
            lines.add(msg);
        }

        @Override
        public void log(Level level, ResourceBundle bundle, String format, Object... params) {
            lines.add(format);
        }
    }

    @Test
    void firstOfEachCauseThenOneSummaryPerInterval() {
        Lines out = new Lines();
        AtomicLong now = new AtomicLong();
        RefusalLog log = new RefusalLog(out, "r1: ", Duration.ofSeconds(10), now::get);
        for (int i = 0; i < 1000; i++) {
            now.addAndGet(20_000_000L); // 50 per second for 20 s
            log.refuse(i % 2 == 0 ? "manifest:envelope.signature" : "command:envelope.key_id", "detail " + i);
        }
        assertEquals(1000, log.total());
        assertEquals(500L, log.counts().get("manifest:envelope.signature"));
        assertEquals(500L, log.counts().get("command:envelope.key_id"));
        // two first lines, and a summary at 10 s and at 20 s
        assertEquals(4, out.lines.size(), String.join("\n", out.lines));
        assertTrue(out.lines.get(2).contains("refused 498 more in the last 10 s"), out.lines.get(2));
        long summarised = out.lines.stream().filter(l -> l.contains(" more in the last "))
                .mapToLong(l -> Long.parseLong(l.replaceAll(".*refused (\\d+) more.*", "$1"))).sum();
        now.addAndGet(10_000_000_000L);
        log.flush();
        summarised += out.lines.size() > 4 ? Long.parseLong(out.lines.get(4).replaceAll(".*refused (\\d+) more.*", "$1")) : 0;
        assertEquals(998, summarised, "every refusal after the first of its cause is in a summary");
    }

    @Test
    void causesAnAttackerNamesAreCleanedAndCapped() {
        Lines out = new Lines();
        RefusalLog log = new RefusalLog(out, "", Duration.ofSeconds(10), () -> 0);
        for (int i = 0; i < 100; i++) {
            log.refuse("manifest:envelope.x" + i + " \n/#", "unknown field");
        }
        assertEquals(RefusalLog.MAX_CAUSES + 1, log.counts().size(), log.counts().toString());
        assertEquals(100L - RefusalLog.MAX_CAUSES, log.counts().get(RefusalLog.OTHER));
        for (String cause : log.counts().keySet()) {
            assertTrue(cause.matches("[A-Za-z0-9._:-]{1,96}"), cause);
        }
        assertEquals(RefusalLog.MAX_CAUSES + 1, out.lines.size(), "one line per kept cause and one for 'other'");
    }
}

package dev.myelin.bridge.wire;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.StringJoiner;
import java.util.function.LongSupplier;

/**
 * Refused network input, counted by cause and logged with rate limiting, so that a flood of refused
 * messages can neither fill a robot's disk nor hide the line that matters. The first refusal of each cause
 * is logged at once with its detail; later ones are counted and summarised in one line per interval
 * ({@link #flush()} writes a due summary; {@link #refuse} does too when the interval has passed). A cause
 * is a short key such as {@code manifest:envelope.signature}; characters outside {@code A-Z a-z 0-9 . _ : -}
 * are replaced (a cause may carry a field name an attacker chose), and after {@value #MAX_CAUSES} distinct
 * causes further ones are counted as {@value #OTHER}. Thread-safe.
 */
public final class RefusalLog {

    /** Distinct causes kept; the rest are counted under {@link #OTHER}. */
    public static final int MAX_CAUSES = 24;
    public static final String OTHER = "other";
    public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(10);
    private static final int MAX_CAUSE_CHARS = 96;

    private final System.Logger log;
    private final String prefix;
    private final long intervalNanos;
    private final LongSupplier clock;
    private final Map<String, Long> counts = new LinkedHashMap<>();
    private final Map<String, Long> suppressed = new LinkedHashMap<>();
    private long total;
    private long lastSummary;
    private String latest;

    /** Logs to {@code log}, each line starting with {@code prefix}, at most one summary per {@code interval}. */
    public RefusalLog(System.Logger log, String prefix, Duration interval) {
        this(log, prefix, interval, System::nanoTime);
    }

    RefusalLog(System.Logger log, String prefix, Duration interval, LongSupplier clock) {
        if (interval == null || interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("summary interval must be > 0, got " + interval);
        }
        this.log = log;
        this.prefix = prefix;
        this.intervalNanos = interval.toNanos();
        this.clock = clock;
        this.lastSummary = clock.getAsLong();
    }

    /** Counts one refusal of {@code cause}; logs it when it is the first of its cause, else maybe a summary. */
    public void refuse(String cause, String detail) {
        String line = null;
        synchronized (this) {
            String key = clean(cause);
            if (!counts.containsKey(key) && counts.size() >= MAX_CAUSES) {
                key = OTHER;
            }
            boolean first = !counts.containsKey(key);
            counts.merge(key, 1L, Long::sum);
            total++;
            if (first) {
                line = prefix + "refused (" + key + "): " + detail + "; further refusals are summarised every "
                        + Duration.ofNanos(intervalNanos).toSeconds() + " s";
            } else {
                suppressed.merge(key, 1L, Long::sum);
                latest = detail;
            }
        }
        if (line != null) {
            log.log(Level.WARNING, line);
        } else {
            flush();
        }
    }

    /** Writes the summary of refusals not yet logged when the interval since the last one has passed. */
    public void flush() {
        String line;
        synchronized (this) {
            long now = clock.getAsLong();
            if (suppressed.isEmpty() || now - lastSummary < intervalNanos) {
                return;
            }
            long n = 0;
            StringJoiner by = new StringJoiner(", ");
            for (Map.Entry<String, Long> e : suppressed.entrySet()) {
                n += e.getValue();
                by.add(e.getKey() + " x" + e.getValue());
            }
            line = String.format(Locale.ROOT, "%srefused %d more in the last %.0f s (%s); latest: %s", prefix, n,
                    (now - lastSummary) / 1e9, by, latest);
            suppressed.clear();
            lastSummary = now;
        }
        log.log(Level.WARNING, line);
    }

    /** Refusals so far by cause, in order of first occurrence. */
    public synchronized Map<String, Long> counts() {
        return java.util.Collections.unmodifiableMap(new LinkedHashMap<>(counts));
    }

    /** Refusals so far, every cause. */
    public synchronized long total() {
        return total;
    }

    private static String clean(String cause) {
        StringBuilder b = new StringBuilder(Math.min(cause.length(), MAX_CAUSE_CHARS));
        for (int i = 0; i < cause.length() && b.length() < MAX_CAUSE_CHARS; i++) {
            char c = cause.charAt(i);
            b.append(Character.isLetterOrDigit(c) && c < 128 || c == '.' || c == '_' || c == ':' || c == '-' ? c : '_');
        }
        return b.isEmpty() ? OTHER : b.toString();
    }
}

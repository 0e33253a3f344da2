package dev.myelin.drivers.board;

import dev.myelin.policy.engine.InferenceEngines;

import java.time.Duration;

/**
 * Settings of the {@code board} inference engine, parsed from the text after {@code board:}:
 * {@code tcp://host:port} or {@code serial:/dev/ttyACM0}, optionally followed by
 * {@code ?deadline_ms=5&connect_ms=1000&baud=115200&seed=N}.
 *
 * @param deadline how long a decision waits for the board before the CPU computes it instead
 * @param connect  bound on connecting and loading the model (background reconnects use it too)
 */
public record BoardEngineOptions(BoardAddress address, Duration deadline, Duration connect, long seed) {
    public static final int DEFAULT_DEADLINE_MS = 5;
    public static final int DEFAULT_CONNECT_MS = 1000;
    public static final int DEFAULT_BAUD = 115200;

    public BoardEngineOptions {
        if (deadline.isNegative() || deadline.isZero() || deadline.toMillis() > 60_000) {
            throw new IllegalArgumentException("board deadline must be in (0, 60 s], got " + deadline);
        }
        if (connect.isNegative() || connect.isZero()) {
            throw new IllegalArgumentException("board connect timeout must be positive, got " + connect);
        }
    }

    public static BoardEngineOptions parse(String options) {
        if (options == null || options.isBlank()) {
            throw new IllegalArgumentException("the board engine needs an address: board:tcp://host:port or board:serial:/dev/ttyACM0");
        }
        String addr = options;
        int deadline = DEFAULT_DEADLINE_MS;
        int connect = DEFAULT_CONNECT_MS;
        int baud = DEFAULT_BAUD;
        long seed = InferenceEngines.DEFAULT_SEED;
        int q = options.indexOf('?');
        if (q >= 0) {
            addr = options.substring(0, q);
            for (String kv : options.substring(q + 1).split("&")) {
                int eq = kv.indexOf('=');
                if (eq <= 0) {
                    throw new IllegalArgumentException("board option '" + kv + "' must be key=value");
                }
                String key = kv.substring(0, eq);
                String value = kv.substring(eq + 1);
                switch (key) {
                    case "deadline_ms" -> deadline = positive(key, value);
                    case "connect_ms" -> connect = positive(key, value);
                    case "baud" -> baud = positive(key, value);
                    case "seed" -> seed = number(key, value);
                    default -> throw new IllegalArgumentException("unknown board option '" + key
                            + "' (known: deadline_ms, connect_ms, baud, seed)");
                }
            }
        }
        return new BoardEngineOptions(BoardAddress.parse(addr, baud), Duration.ofMillis(deadline),
                Duration.ofMillis(connect), seed);
    }

    private static long number(String key, String value) {
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("board option " + key + "=" + value + " is not a number");
        }
    }

    private static int positive(String key, String value) {
        long v = number(key, value);
        if (v <= 0 || v > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("board option " + key + "=" + value + " must be a positive integer");
        }
        return (int) v;
    }
}

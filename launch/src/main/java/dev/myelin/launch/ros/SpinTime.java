package dev.myelin.launch.ros;

import picocli.CommandLine.Option;

import java.time.Duration;

/** {@code --spin-time}: how long a graph tool listens for discovery before it answers (a picocli mixin). */
final class SpinTime {
    @Option(names = "--spin-time", defaultValue = "1.0", paramLabel = "SECONDS",
            description = "How long to listen for discovery first (default ${DEFAULT-VALUE} s).")
    double seconds;

    /** The listening time; a value that is not a finite number of seconds in [0, 3600] is refused by name. */
    Duration duration() {
        if (!(seconds >= 0 && seconds <= 3600)) {
            throw new IllegalArgumentException("--spin-time must be between 0 and 3600 s, got " + seconds);
        }
        return Duration.ofMillis(Math.round(seconds * 1000));
    }
}

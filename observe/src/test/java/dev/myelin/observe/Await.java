package dev.myelin.observe;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Polls a condition in tests until it holds or fails with what was awaited. */
public final class Await {

    private Await() {
    }

    public static void until(BooleanSupplier condition, String what, Duration timeout) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("timed out after " + timeout.toSeconds() + " s waiting: " + what);
            }
            Thread.sleep(20);
        }
    }
}

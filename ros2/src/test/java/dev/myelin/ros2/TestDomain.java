package dev.myelin.ros2;

import java.util.concurrent.ThreadLocalRandom;

/**
 * One domain id per test JVM, drawn at random from 1..100 so that concurrent test runs on one
 * machine do not hear each other (ports 7650..32410, below Linux's ephemeral range). Tests use
 * unique topic names within it.
 */
public final class TestDomain {
    public static final int ID = ThreadLocalRandom.current().nextInt(1, 101);

    private TestDomain() {
    }

    /** A loopback-only context on the test domain. */
    public static Context context() {
        return Context.builder().domainId(ID).localhostOnly(true).build();
    }
}

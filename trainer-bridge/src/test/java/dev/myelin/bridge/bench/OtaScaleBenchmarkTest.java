package dev.myelin.bridge.bench;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The scale benchmark's machinery on a small fleet (the full 200-robot run is {@code ./myelin bench ota}):
 * every robot verifies and activates the release. No timing is asserted.
 */
class OtaScaleBenchmarkTest {

    @Test
    void everyRobotOfASmallFleetVerifiesAndCommitsTheRelease() throws Exception {
        OtaScaleBenchmark.Result r = OtaScaleBenchmark.run(new OtaScaleBenchmark.Options().robots(12).releaseBytes(200_000)
                .healthCheck(Duration.ofMillis(300)).timeout(Duration.ofMinutes(2)));
        assertEquals(0, r.failures(), r.failureReasons().toString());
        assertEquals(12, r.activatedSeconds().length);
        assertEquals(12, r.committedSeconds().length);
        assertTrue(r.releaseBytes() >= 200_000);
        assertTrue(r.chunks() >= 4);
        assertTrue(r.allCommittedSeconds() >= r.allActiveSeconds());
    }

    @Test
    void releaseBundleReachesTheRequestedSize() {
        byte[] b = OtaScaleBenchmark.releaseBundle(1 << 20, dev.myelin.policy.bundle.SigningKeys.generate(), "2.0.0");
        assertTrue(b.length >= 1 << 20 && b.length < (1 << 20) + 200_000, "bundle of " + b.length + " bytes");
    }
}

package dev.myelin.launch.bundle;

import dev.myelin.launch.CliRun;
import dev.myelin.launch.demo.ShippedBundles;
import dev.myelin.policy.bundle.BundleReader;
import dev.myelin.policy.bundle.BundleWriter;
import dev.myelin.policy.bundle.SigningKeys;
import dev.myelin.policy.bundle.TrustedKeys;
import dev.myelin.policy.model.Policy;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code ./myelin bundle inspect}: each damaged bundle (and anything that is not a regular file) gives exit
 * status 1 and one line naming the file and the field; a signature that is present but not verified says so.
 */
class BundleInspectTest {

    @TempDir
    Path dir;

    private byte[] signed;
    private Path pub;


    @BeforeEach
    void bundles() throws Exception {
        Policy p = BundleReader.read(ShippedBundles.resource(ShippedBundles.NAV_V1), TrustedKeys.none()).policy();
        KeyPair k = SigningKeys.generate();
        signed = new BundleWriter().setPolicy(p).optName("nav").optVersion("1.0.0").optSigningKey(k.getPrivate()).toBytes();
        pub = dir.resolve("release.pub.pem");
        SigningKeys.writePublicKey(k.getPublic(), pub);
    }

    private static CliRun run(String... args) {
        return CliRun.of(args);
    }

    /** {@code signed} with {@code count} bytes from {@code at} (negative: from the end) set to {@code value}. */
    private byte[] damaged(int at, int count, int value) {
        byte[] b = signed.clone();
        int from = at < 0 ? b.length + at : at;
        Arrays.fill(b, from, from + count, (byte) value);
        return b;
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "empty file|0|0|0|file",
            "bad magic|0|4|0x41|header.magic",
            "future format version|8|1|0x07|header.format_version",
            "flipped manifest byte|40|1|0x7e|digest",
            "signature S out of range|-1|1|0xff|signature.s",
            "signature R zeroed|-64|32|0|signature.r",
            "signature tag damaged|-76|1|0x58|signature.tag",
            "truncated|-1|-1|0|file",
    })
    void aDamagedBundleIsRefusedNamingFileAndField(String name, int at, int count, String value, String field) throws Exception {
        byte[] b;
        if (name.equals("empty file")) {
            b = new byte[0];
        } else if (count < 0) {
            b = Arrays.copyOf(signed, signed.length - 100);
        } else {
            b = damaged(at, count, Integer.decode(value));
        }
        Path file = Files.write(dir.resolve("bad.myl"), b);
        CliRun r = run("bundle", "inspect", file.toString());
        assertRefused(name, r, file, field);
    }

    @Test
    void aSignatureThatIsPresentButNotVerifiedIsSaid() throws Exception {
        Path file = Files.write(dir.resolve("nav.myl"), signed);
        CliRun unverified = run("bundle", "inspect", file.toString());
        assertEquals(0, unverified.code(), unverified.err());
        assertTrue(unverified.out().contains("NOT VERIFIED"), unverified.out());
        CliRun verified = run("bundle", "inspect", file.toString(), "--trust", pub.toString());
        assertEquals(0, verified.code(), verified.err());
        assertTrue(verified.out().contains("(verified)"), verified.out());
        // Damaged signature bytes that still look well-formed are caught as soon as a key is given.
        Path forged = Files.write(dir.resolve("forged.myl"), damaged(-60, 1, 0x33));
        assertRefused("forged", run("bundle", "inspect", forged.toString(), "--trust", pub.toString()), forged, "signature");
    }

    @Test
    void onlyRegularFilesAreRead() throws Exception {
        assertRefused("a directory", run("bundle", "inspect", dir.toString()), dir, "not a regular file (a directory)");
        Path fifo = dir.resolve("bundle.fifo");
        Process p = new ProcessBuilder("mkfifo", fifo.toString()).start();
        assertTrue(p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0, "mkfifo");
        CliRun r = assertTimeoutPreemptively(Duration.ofSeconds(10), () -> run("bundle", "inspect", fifo.toString()),
                "inspect must not block on a FIFO");
        assertRefused("a FIFO", r, fifo, "not a regular file (a pipe");
        Files.write(dir.resolve("nav.myl"), signed);
        CliRun key = assertTimeoutPreemptively(Duration.ofSeconds(10), () -> run("bundle", "inspect",
                dir.resolve("nav.myl").toString(), "--trust", fifo.toString()), "a FIFO as key must not block");
        assertEquals(1, key.code());
        assertTrue(key.err().contains(fifo.toString()) && key.err().contains("not a regular file"), key.err());
    }

    private static void assertRefused(String name, CliRun r, Path file, String field) {
        assertEquals(1, r.code(), name + ": exit status; " + r.out() + r.err());
        String err = r.err().strip();
        assertFalse(err.isEmpty() || err.contains("\n"), name + ": one line: " + r.err());
        assertTrue(err.contains(file.toString()), name + ": names the file: " + err);
        assertTrue(err.contains(": " + field) || err.contains(" " + field), name + ": names " + field + ": " + err);
    }
}

package dev.myelin.launch;

import dev.myelin.launch.demo.ShippedBundles;
import dev.myelin.policy.bundle.BundleReader;
import dev.myelin.policy.bundle.BundleWriter;
import dev.myelin.policy.bundle.TrustedKeys;
import dev.myelin.policy.model.Policy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The {@code ./myelin} script runs a command in the caller's folder: relative input and output paths
 * given from another folder are read and written there, not in the repository.
 */
class LauncherWorkingDirectoryTest {

    private static final Path REPO = Path.of("").toAbsolutePath().getParent();

    @Test
    void relativePathsResolveWhereTheCallerStands(@TempDir Path here) throws Exception {
        Files.createDirectories(here.resolve("in"));
        Files.createDirectories(here.resolve("out"));
        Policy shipped = BundleReader.read(ShippedBundles.resource(ShippedBundles.NAV_V1), TrustedKeys.none()).policy();
        Files.write(here.resolve("in/nav.myl"), new BundleWriter().setPolicy(shipped).optName("nav").optVersion("1.0.0").toBytes());

        Result keygen = myelin(here, "bundle", "keygen", "keys/release");
        assertEquals(0, keygen.code, keygen.text);
        assertTrue(Files.isRegularFile(here.resolve("keys/release.pem")), keygen.text);
        assertFalse(Files.exists(REPO.resolve("keys/release.pem")), "written into the repository");

        Result compress = myelin(here, "bundle", "compress", "in/nav.myl", "--precision", "fp16",
                "--observations", "20", "--sign", "keys/release.pem", "--out", "out/nav16.myl");
        assertEquals(0, compress.code, compress.text);
        assertTrue(Files.size(here.resolve("out/nav16.myl")) > 0, compress.text);
        assertFalse(Files.exists(REPO.resolve("out/nav16.myl")), "written into the repository");

        Result inspect = myelin(here, "bundle", "inspect", "out/nav16.myl", "--trust", "keys/release.pub.pem");
        assertEquals(0, inspect.code, inspect.text);
        assertTrue(inspect.text.contains("(verified)"), inspect.text);
    }

    private record Result(int code, String text) {
    }

    private static Result myelin(Path cwd, String... args) throws IOException, InterruptedException {
        List<String> cmd = new java.util.ArrayList<>(List.of(REPO.resolve("myelin").toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(cwd.toFile()).redirectErrorStream(true);
        pb.environment().put("MYELIN_CLASSPATH", System.getProperty("java.class.path"));
        pb.environment().put("MYELIN_QUIET", "1");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "myelin " + String.join(" ", args) + " did not finish");
        return new Result(p.exitValue(), "myelin " + String.join(" ", args) + ":\n" + out);
    }
}

package dev.myelin.bridge;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The command line of a test's child JVM: this JDK's {@code java} on the test class path, native access enabled. */
public final class ChildJvm {
    private ChildJvm() {
    }

    /** {@code java --enable-native-access=ALL-UNNAMED <jvmOptions> -cp <test class path> <main> <args>}. */
    public static List<String> command(List<String> jvmOptions, String main, List<String> args) {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED"));
        cmd.addAll(jvmOptions);
        cmd.add("-cp");
        cmd.add(System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")));
        cmd.add(main);
        cmd.addAll(args);
        return cmd;
    }
}

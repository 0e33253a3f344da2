package dev.myelin.ros2.dds;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.SymbolLookup;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Finds and opens the Cyclone DDS C library ({@code libddsc}). Debian ships it as
 * {@code libddsc.so.0debian}, ROS 2 installs as {@code libddsc.so.0}; either works. An explicit
 * path or name can be given in the environment variable {@code MYELIN_CYCLONEDDS_LIB} or the
 * system property {@code myelin.cyclonedds.lib}.
 *
 * <p>Thread-safe; the library is opened once per JVM and never closed.
 */
public final class CycloneLibrary {
    /** Environment variable naming the library file (or soname) to open instead of searching. */
    public static final String ENV = "MYELIN_CYCLONEDDS_LIB";

    private static final Object LOCK = new Object();
    private static SymbolLookup lookup;
    private static String openedName;
    private static DdsUnavailableException failure;

    private CycloneLibrary() {
    }

    /**
     * Opens the library on first use.
     *
     * @return the symbol lookup of the opened library
     * @throws DdsUnavailableException naming every candidate tried when none could be opened
     */
    @SuppressWarnings("restricted") // opening libddsc is the point of this class
    public static SymbolLookup lookup() {
        synchronized (LOCK) {
            if (lookup != null) {
                return lookup;
            }
            if (failure != null) {
                throw failure;
            }
            List<String> tried = new ArrayList<>();
            for (String candidate : candidates()) {
                try {
                    lookup = SymbolLookup.libraryLookup(candidate, Arena.global());
                    openedName = candidate;
                    return lookup;
                } catch (IllegalArgumentException notFound) {
                    tried.add(candidate);
                }
            }
            failure = new DdsUnavailableException("Cyclone DDS C library not found (tried " + String.join(", ", tried)
                    + "). Install the Debian package libddsc0debian (cyclonedds-dev), source a ROS 2 setup, or set "
                    + ENV + " to the library's path.");
            throw failure;
        }
    }

    /** True when the library can be opened; never throws. */
    public static boolean isAvailable() {
        try {
            lookup();
            return true;
        } catch (DdsUnavailableException e) {
            return false;
        }
    }

    /** The name or path the library was opened by, or null before the first successful {@link #lookup()}. */
    public static String openedName() {
        synchronized (LOCK) {
            return openedName;
        }
    }

    private static List<String> candidates() {
        List<String> names = new ArrayList<>();
        String explicit = System.getProperty("myelin.cyclonedds.lib", System.getenv(ENV));
        if (explicit != null && !explicit.isBlank()) {
            names.add(explicit.trim());
        }
        names.add("libddsc.so.0");
        names.add("libddsc.so.0debian");
        names.add("libddsc.so");
        // ROS 2 binary installs keep their Cyclone under /opt/ros/<distro>/lib, often without LD_LIBRARY_PATH set.
        Path ros = Path.of("/opt/ros");
        if (Files.isDirectory(ros)) {
            try (DirectoryStream<Path> distros = Files.newDirectoryStream(ros)) {
                for (Path distro : distros) {
                    Path lib = distro.resolve("lib/libddsc.so.0");
                    if (Files.isRegularFile(lib)) {
                        names.add(lib.toString());
                    }
                }
            } catch (IOException ignored) {
                // an unreadable /opt/ros only removes candidates
            }
        }
        return names;
    }
}

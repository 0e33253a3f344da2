package dev.myelin.sim.mujoco;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Byte offsets of {@code mjModel} and {@code mjData} fields for the installed MuJoCo, produced by
 * {@code mj_layout.c}: a C program compiled with gcc against the installed headers that walks the
 * X-macros of {@code mjxmacro.h}. The program's output is cached under {@code ~/.cache/myelin/mujoco}
 * (or {@code -Dmyelin.mujoco.cache=DIR}; the temporary directory when home is not writable), keyed by
 * a hash of the program and of the headers, so an
 * upgraded MuJoCo is measured again. Immutable; any thread.
 */
public final class MjLayout {
    /** Where the MuJoCo headers live ({@code -Dmyelin.mujoco.include} overrides). */
    static final Path INCLUDE = Path.of(System.getProperty("myelin.mujoco.include", "/usr/include"));
    private static final List<String> HEADERS = List.of("mujoco.h", "mjmodel.h", "mjdata.h", "mjxmacro.h");

    /** One array field: its offset in the struct, element size and the size expressions of its shape. */
    public record Array(String name, long offset, int elementBytes, String type, String rows, String cols) {
    }

    private static volatile MjLayout installed;

    private final int headerVersion;
    private final long modelBytes;
    private final long dataBytes;
    private final Map<String, Long> modelInts;
    private final Map<String, Array> modelArrays;
    private final Map<String, Long> options;
    private final Map<String, Array> dataArrays;
    private final Map<String, Long> dataScalars;
    private final Map<String, Integer> enums;
    private final Map<String, Long> structs;
    private final String source;

    private MjLayout(String text) {
        int header = -1;
        long mb = -1;
        long db = -1;
        Map<String, Long> ints = new LinkedHashMap<>();
        Map<String, Array> marr = new LinkedHashMap<>();
        Map<String, Long> opts = new LinkedHashMap<>();
        Map<String, Array> darr = new LinkedHashMap<>();
        Map<String, Long> dsc = new LinkedHashMap<>();
        Map<String, Integer> en = new LinkedHashMap<>();
        Map<String, Long> st = new LinkedHashMap<>();
        int lineNo = 0;
        for (String line : text.split("\n")) {
            lineNo++;
            if (line.isBlank()) {
                continue;
            }
            String[] f = line.trim().split("\\s+");
            try {
                switch (f[0]) {
                    case "header" -> header = Integer.parseInt(f[1]);
                    case "sizeof" -> {
                        if (f[1].equals("mjModel")) {
                            mb = Long.parseLong(f[2]);
                        } else {
                            db = Long.parseLong(f[2]);
                        }
                    }
                    case "model.int" -> ints.put(f[1], Long.parseLong(f[2]));
                    case "model.opt" -> opts.put(f[1], Long.parseLong(f[2]));
                    case "model.ptr" -> marr.put(f[1], new Array(f[1], Long.parseLong(f[2]), Integer.parseInt(f[3]), f[4], f[5], f[6]));
                    case "data.ptr" -> darr.put(f[1], new Array(f[1], Long.parseLong(f[2]), Integer.parseInt(f[3]), f[4], f[5], f[6]));
                    case "data.scalar" -> dsc.put(f[1], Long.parseLong(f[2]));
                    case "enum" -> en.put(f[1], Integer.parseInt(f[2]));
                    case "struct", "field" -> st.put(f[1], Long.parseLong(f[2]));
                    default -> throw new IllegalArgumentException("unknown record " + f[0]);
                }
            } catch (RuntimeException e) {
                throw new IllegalStateException("MuJoCo layout line " + lineNo + " '" + line + "': " + e.getMessage(), e);
            }
        }
        if (header < 0 || mb <= 0 || db <= 0 || !ints.containsKey("nq") || !darr.containsKey("qpos")) {
            throw new IllegalStateException("MuJoCo layout incomplete (header " + header + ", sizeof mjModel " + mb
                    + ", sizeof mjData " + db + ")");
        }
        this.headerVersion = header;
        this.modelBytes = mb;
        this.dataBytes = db;
        this.modelInts = Collections.unmodifiableMap(ints);
        this.modelArrays = Collections.unmodifiableMap(marr);
        this.options = Collections.unmodifiableMap(opts);
        this.dataArrays = Collections.unmodifiableMap(darr);
        this.dataScalars = Collections.unmodifiableMap(dsc);
        this.enums = Collections.unmodifiableMap(en);
        this.structs = Collections.unmodifiableMap(st);
        this.source = text;
    }

    /** Parses the output of {@code mj_layout}. */
    public static MjLayout parse(String text) {
        return new MjLayout(text);
    }

    /** The layout of the installed headers, measured once per JVM (compiling the program on first use). */
    public static MjLayout installed() {
        MjLayout l = installed;
        if (l == null) {
            synchronized (MjLayout.class) {
                l = installed;
                if (l == null) {
                    l = parse(measure(cacheDirectory()));
                    installed = l;
                }
            }
        }
        return l;
    }

    /** {@code mjVERSION_HEADER} of the headers the layout was measured from. */
    public int headerVersion() {
        return headerVersion;
    }

    public long modelBytes() {
        return modelBytes;
    }

    public long dataBytes() {
        return dataBytes;
    }

    /** Offset of an {@code int} count of mjModel ({@code nq}, {@code nbody}, ...). */
    public long modelInt(String name) {
        return require(modelInts, name, "mjModel int");
    }

    /** Offset of an mjOption scalar inside mjModel ({@code timestep}, ...). */
    public long option(String name) {
        return require(options, name, "mjOption field");
    }

    public Array modelArray(String name) {
        return require(modelArrays, name, "mjModel array");
    }

    public Array dataArray(String name) {
        return require(dataArrays, name, "mjData array");
    }

    public long dataScalar(String name) {
        return require(dataScalars, name, "mjData scalar");
    }

    /** Value of a MuJoCo enum constant ({@code mjOBJ_BODY}, {@code mjJNT_FREE}, ...). */
    public int enumValue(String name) {
        return require(enums, name, "enum constant");
    }

    /** Size of an element struct ({@code mjContact}) or offset of one of its fields ({@code mjContact.geom1}). */
    public long struct(String name) {
        return require(structs, name, "struct or field");
    }

    public Map<String, Long> modelInts() {
        return modelInts;
    }

    public Map<String, Array> modelArrays() {
        return modelArrays;
    }

    public Map<String, Array> dataArrays() {
        return dataArrays;
    }

    /** The program's output this layout was parsed from. */
    public String source() {
        return source;
    }

    private static <T> T require(Map<String, T> map, String name, String what) {
        T v = map.get(name);
        if (v == null) {
            throw new IllegalArgumentException("no " + what + " named '" + name + "' in MuJoCo " + "headers");
        }
        return v;
    }

    static Path cacheDirectory() {
        String dir = System.getProperty("myelin.mujoco.cache");
        if (dir != null) {
            return Path.of(dir);
        }
        Path home = Path.of(System.getProperty("user.home"), ".cache", "myelin", "mujoco");
        try {
            Files.createDirectories(home);
            if (Files.isWritable(home)) {
                return home;
            }
        } catch (IOException | SecurityException e) {
            // an unwritable home (CI sandboxes): fall back to the temporary directory below
        }
        return Path.of(System.getProperty("java.io.tmpdir"), "myelin-mujoco-" + System.getProperty("user.name"));
    }

    /** Compiles and runs {@code mj_layout.c} in {@code dir} unless its output for these headers is cached. */
    static String measure(Path dir) {
        try {
            Files.createDirectories(dir);
            byte[] program = resource("mj_layout.c");
            List<byte[]> parts = new ArrayList<>();
            parts.add(program);
            for (String h : HEADERS) {
                Path p = INCLUDE.resolve("mujoco").resolve(h);
                if (!Files.isRegularFile(p)) {
                    throw new IllegalStateException(p + " not found; install the Debian package libmujoco-dev"
                            + " (./myelin installs it)");
                }
                parts.add(Files.readAllBytes(p));
            }
            String hash = sha256(parts).substring(0, 16);
            Path cached = dir.resolve("layout-" + hash + ".txt");
            if (Files.isRegularFile(cached)) {
                return Files.readString(cached);
            }
            Path work = Files.createTempDirectory(dir, "build-");
            try {
                Files.write(work.resolve("mj_layout.c"), program);
                run(work, List.of("gcc", "-O0", "-I" + INCLUDE, "-o", "mj_layout", "mj_layout.c"), "gcc");
                String out = run(work, List.of(work.resolve("mj_layout").toString()), "mj_layout");
                Path tmp = work.resolve("layout.txt");
                Files.writeString(tmp, out);
                Files.move(tmp, cached, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                return out;
            } finally {
                deleteTree(work);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot measure the MuJoCo layout in " + dir, e);
        }
    }

    /** Bytes of a resource of this package. */
    static byte[] resource(String name) {
        try (InputStream in = MjLayout.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("resource " + name + " missing from the jar");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Runs a command in {@code dir} and returns its standard output; fails with its output on a non-zero exit. */
    static String run(Path dir, List<String> command, String debianPackageHint) {
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + command.getFirst() + " (install the Debian package "
                    + debianPackageHint + "; ./myelin installs it): " + e.getMessage(), e);
        }
        try {
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(5, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new IllegalStateException(String.join(" ", command) + " timed out");
            }
            String text = new String(out, StandardCharsets.UTF_8);
            if (p.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed with exit code " + p.exitValue()
                        + ":\n" + text);
            }
            return text;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + command.getFirst(), e);
        }
    }

    private static String sha256(List<byte[]> parts) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            for (byte[] b : parts) {
                md.update(b);
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        try (var s = Files.walk(dir)) {
            for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}

package dev.myelin.sim.mujoco;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A compiled MuJoCo model ({@code mjModel*}) owned by Java: loaded from an MJCF file, freed by
 * {@link #close()} (which also closes the {@link MjData} made from it). Sizes, options, name lookup
 * and every array of {@code mjxmacro.h} through {@link #array(String)}.
 *
 * <p>Thread contract: reading is safe from any thread; writing arrays or options while another
 * thread steps a data of this model is not. Copies ({@link #copy()}) are independent models, which
 * is how worlds with randomized parameters get their own.
 */
public final class MjModel implements AutoCloseable {
    private static final int ERROR_BYTES = 1000;
    private static final java.util.concurrent.atomic.AtomicInteger OPEN = new java.util.concurrent.atomic.AtomicInteger();

    private final Path source;
    private MemorySegment model;
    private final MjLayout layout;
    private final Map<String, MjArray> arrays = new HashMap<>();
    private final List<MjData> datas = new ArrayList<>();

    private MjModel(Path source, MemorySegment pointer) {
        this.source = source;
        this.layout = MjNative.LAYOUT;
        this.model = pointer.reinterpret(layout.modelBytes());
        OPEN.incrementAndGet();
    }

    /** Models compiled or copied and not yet closed, in this JVM (for leak checks). */
    public static int openModels() {
        return OPEN.get();
    }

    /**
     * Compiles the MJCF file at {@code xml}.
     *
     * @throws IllegalArgumentException naming the file and MuJoCo's own message when it cannot be loaded
     */
    public static MjModel load(Path xml) {
        Path abs = xml.toAbsolutePath();
        if (!Files.isRegularFile(abs)) {
            throw new IllegalArgumentException(xml + ": no such MJCF file");
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment error = arena.allocate(ERROR_BYTES);
            MemorySegment m = (MemorySegment) MjNative.LOAD_XML.invokeExact(
                    arena.allocateFrom(abs.toString()), MemorySegment.NULL, error, ERROR_BYTES);
            if (m.equals(MemorySegment.NULL)) {
                String message = error.getString(0).strip();
                throw new IllegalArgumentException(xml + ": MuJoCo cannot load this model: "
                        + (message.isEmpty() ? "(no message)" : message));
            }
            return new MjModel(abs, m);
        } catch (IllegalArgumentException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("mj_loadXML failed for " + xml, t);
        }
    }

    /** An independent copy of this model (same file, own memory). */
    public MjModel copy() {
        MemorySegment c;
        try {
            c = (MemorySegment) MjNative.COPY_MODEL.invokeExact(MemorySegment.NULL, open());
        } catch (Throwable t) {
            throw new IllegalStateException("mj_copyModel failed", t);
        }
        if (c.equals(MemorySegment.NULL)) {
            throw new IllegalStateException("mj_copyModel returned NULL for " + source);
        }
        return new MjModel(source, c);
    }

    /** A fresh {@code mjData} for this model; closed with the model at the latest. */
    public MjData makeData() {
        MjData d = new MjData(this);
        datas.add(d);
        return d;
    }

    void forget(MjData data) {
        datas.remove(data);
    }

    /** The MJCF file this model was compiled from. */
    public Path source() {
        return source;
    }

    /** An int count of mjModel by its header name ({@code nq}, {@code nv}, {@code nu}, {@code nbody}, ...). */
    public int count(String name) {
        return open().get(ValueLayout.JAVA_INT, layout.modelInt(name));
    }

    public int nq() {
        return count("nq");
    }

    public int nv() {
        return count("nv");
    }

    public int nu() {
        return count("nu");
    }

    public int nbody() {
        return count("nbody");
    }

    public int njnt() {
        return count("njnt");
    }

    public int ngeom() {
        return count("ngeom");
    }

    public int nsensor() {
        return count("nsensor");
    }

    public int nsensordata() {
        return count("nsensordata");
    }

    /** {@code opt.timestep} in seconds. */
    public double timestep() {
        return option("timestep");
    }

    /** An mjOption scalar by its header name. */
    public double option(String name) {
        return open().get(ValueLayout.JAVA_DOUBLE, layout.option(name));
    }

    public void option(String name, double value) {
        open().set(ValueLayout.JAVA_DOUBLE, layout.option(name), value);
    }

    /** A model array by its {@code mjxmacro.h} name ({@code body_mass}, {@code jnt_qposadr}, ...); cached. */
    public MjArray array(String name) {
        MjArray a = arrays.get(name);
        if (a == null) {
            MjLayout.Array f = layout.modelArray(name);
            a = new MjArray(name, open(), f, size(f.rows()), size(f.cols()));
            arrays.put(name, a);
        }
        return a;
    }

    /** Id of the named object, or -1 when the model has none. */
    public int id(MjObject kind, String name) {
        try (Arena arena = Arena.ofConfined()) {
            return (int) MjNative.NAME2ID.invokeExact(open(), kind.code(), arena.allocateFrom(name));
        } catch (Throwable t) {
            throw new IllegalStateException("mj_name2id failed", t);
        }
    }

    /**
     * Id of the named object.
     *
     * @param context what asked for it (a spec key), named in the error
     * @throws IllegalArgumentException naming the context, the missing name and the names the model has
     */
    public int require(MjObject kind, String name, String context) {
        int id = id(kind, name);
        if (id < 0) {
            throw new IllegalArgumentException(context + ": " + source.getFileName() + " has no " + kind.label()
                    + " named '" + name + "' (" + kind.label() + "s: " + String.join(", ", names(kind)) + ")");
        }
        return id;
    }

    /** Name of object {@code id}, or "" when it has none. */
    public String name(MjObject kind, int id) {
        try {
            MemorySegment s = (MemorySegment) MjNative.ID2NAME.invokeExact(open(), kind.code(), id);
            return s.equals(MemorySegment.NULL) ? "" : s.reinterpret(Integer.MAX_VALUE).getString(0);
        } catch (Throwable t) {
            throw new IllegalStateException("mj_id2name failed", t);
        }
    }

    /** Names of every object of a kind, in id order ("" for unnamed ones). */
    public List<String> names(MjObject kind) {
        int n = switch (kind) {
            case BODY -> nbody();
            case JOINT -> njnt();
            case GEOM -> ngeom();
            case SITE -> count("nsite");
            case ACTUATOR -> nu();
            case SENSOR -> nsensor();
        };
        List<String> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(name(kind, i));
        }
        return out;
    }

    /** The raw {@code mjModel*}. */
    MemorySegment pointer() {
        return open();
    }

    MjLayout layout() {
        return layout;
    }

    /** Resolves a size expression of mjxmacro.h: a number, a model count, or a product of them. */
    int size(String expression) {
        int product = 1;
        for (String term : expression.split("\\*")) {
            String t = term.strip();
            product *= Character.isDigit(t.charAt(0)) ? Integer.parseInt(t) : count(t);
        }
        return product;
    }

    public boolean isOpen() {
        return model != null;
    }

    private MemorySegment open() {
        MemorySegment m = model;
        if (m == null) {
            throw new IllegalStateException("MuJoCo model " + source + " is closed");
        }
        return m;
    }

    /** Frees the model and every data made from it; idempotent. */
    @Override
    public void close() {
        if (model == null) {
            return;
        }
        for (MjData d : new ArrayList<>(datas)) {
            d.close();
        }
        try {
            MjNative.DELETE_MODEL.invokeExact(model);
        } catch (Throwable t) {
            throw new IllegalStateException("mj_deleteModel failed", t);
        } finally {
            model = null;
            arrays.clear();
            OPEN.decrementAndGet();
        }
    }
}

package dev.myelin.sim.mujoco;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.HashMap;
import java.util.Map;

/**
 * The simulation state of one world ({@code mjData*}) for an {@link MjModel}: reset, step (with frame
 * skip), forward, and views of {@code qpos}, {@code qvel}, {@code ctrl}, {@code xpos}, {@code xquat},
 * {@code cfrc_ext}, {@code sensordata} and every other array of {@code mjxmacro.h}. Stepping and the
 * views allocate nothing. Freed by {@link #close()} or with its model.
 *
 * <p>Thread contract: one thread at a time per data; different datas of the same model may be
 * stepped concurrently (MuJoCo only reads the model while stepping).
 */
public final class MjData implements AutoCloseable {
    private final MjModel model;
    private final MemorySegment modelPointer;
    private MemorySegment data;
    private final long timeOffset;
    private final long nconOffset;
    private final Map<String, MjArray> arrays = new HashMap<>();
    private final MjArray qpos;
    private final MjArray qvel;
    private final MjArray act;
    private final MjArray ctrl;
    private final MjArray xpos;
    private final MjArray xquat;
    private final MjArray cfrcExt;
    private final MjArray sensordata;
    private final MjArray qaccWarmstart;
    private final MemorySegment contacts;
    private final long contactBytes;
    private final long contactGeom1;
    private final long contactGeom2;

    MjData(MjModel model) {
        this.model = model;
        this.modelPointer = model.pointer();
        MemorySegment d;
        try {
            d = (MemorySegment) MjNative.MAKE_DATA.invokeExact(modelPointer);
        } catch (Throwable t) {
            throw new IllegalStateException("mj_makeData failed", t);
        }
        if (d.equals(MemorySegment.NULL)) {
            throw new IllegalStateException("mj_makeData returned NULL for " + model.source());
        }
        this.data = d.reinterpret(model.layout().dataBytes());
        this.timeOffset = model.layout().dataScalar("time");
        this.nconOffset = model.layout().dataScalar("ncon");
        qpos = array("qpos");
        qvel = array("qvel");
        act = array("act");
        ctrl = array("ctrl");
        xpos = array("xpos");
        xquat = array("xquat");
        cfrcExt = array("cfrc_ext");
        sensordata = array("sensordata");
        qaccWarmstart = array("qacc_warmstart");
        MjLayout layout = model.layout();
        contactBytes = layout.struct("mjContact");
        contactGeom1 = layout.struct("mjContact.geom1");
        contactGeom2 = layout.struct("mjContact.geom2");
        int nconmax = model.count("nconmax");
        MemorySegment c = data.get(ValueLayout.ADDRESS, layout.dataArray("contact").offset());
        contacts = nconmax == 0 ? MemorySegment.NULL : c.reinterpret(nconmax * contactBytes);
    }

    /** First geom of contact {@code i} (0 <= i < {@link #contacts()}). */
    public int contactGeom1(int i) {
        return contacts.get(ValueLayout.JAVA_INT, checkContact(i) * contactBytes + contactGeom1);
    }

    /** Second geom of contact {@code i}. */
    public int contactGeom2(int i) {
        return contacts.get(ValueLayout.JAVA_INT, checkContact(i) * contactBytes + contactGeom2);
    }

    private long checkContact(int i) {
        if (i < 0 || i >= contacts()) {
            throw new IndexOutOfBoundsException("contact " + i + " outside [0, " + contacts() + ")");
        }
        return i;
    }

    public MjModel model() {
        return model;
    }

    /** {@code mj_resetData}: the model's reference state, time 0, controls 0. */
    public void reset() {
        call(MjNative.RESET_DATA, "mj_resetData");
    }

    /** {@code mj_forward}: positions, velocities and sensors computed for the current state without stepping. */
    public void forward() {
        call(MjNative.FORWARD, "mj_forward");
    }

    /** One {@code mj_step}. */
    public void step() {
        call(MjNative.STEP, "mj_step");
    }

    /** {@code frames} calls of {@code mj_step} (frame skip). */
    public void step(int frames) {
        MemorySegment d = open();
        try {
            for (int i = 0; i < frames; i++) {
                MjNative.STEP.invokeExact(modelPointer, d);
            }
        } catch (Throwable t) {
            throw rethrow("mj_step", t);
        }
    }

    /** {@code mj_rnePostConstraint}: fills {@code cacc}, {@code cfrc_int} and {@code cfrc_ext}. */
    public void rnePostConstraint() {
        call(MjNative.RNE_POST_CONSTRAINT, "mj_rnePostConstraint");
    }

    /** Simulated time in seconds. */
    public double time() {
        return open().get(ValueLayout.JAVA_DOUBLE, timeOffset);
    }

    public void time(double seconds) {
        open().set(ValueLayout.JAVA_DOUBLE, timeOffset, seconds);
    }

    /** Contacts found by the last step or forward. */
    public int contacts() {
        return open().get(ValueLayout.JAVA_INT, nconOffset);
    }

    public MjArray qpos() {
        return qpos;
    }

    public MjArray qvel() {
        return qvel;
    }

    public MjArray act() {
        return act;
    }

    public MjArray ctrl() {
        return ctrl;
    }

    /** Body positions in the world frame, nbody x 3. */
    public MjArray xpos() {
        return xpos;
    }

    /** Body orientations (w, x, y, z), nbody x 4. */
    public MjArray xquat() {
        return xquat;
    }

    /** External contact wrench per body (torque, force) in the com-based frame, nbody x 6. */
    public MjArray cfrcExt() {
        return cfrcExt;
    }

    public MjArray sensordata() {
        return sensordata;
    }

    public MjArray qaccWarmstart() {
        return qaccWarmstart;
    }

    /** A data array by its {@code mjxmacro.h} name; cached. */
    public MjArray array(String name) {
        MjArray a = arrays.get(name);
        if (a == null) {
            MjLayout.Array f = model.layout().dataArray(name);
            a = new MjArray(name, open(), f, model.size(f.rows()), model.size(f.cols()));
            arrays.put(name, a);
        }
        return a;
    }

    public boolean isOpen() {
        return data != null;
    }

    private MemorySegment open() {
        MemorySegment d = data;
        if (d == null) {
            throw new IllegalStateException("MuJoCo data of " + model.source() + " is closed");
        }
        return d;
    }

    /** Calls a {@code void f(const mjModel*, mjData*)} of MuJoCo on this data. */
    private void call(java.lang.invoke.MethodHandle function, String name) {
        try {
            function.invokeExact(modelPointer, open());
        } catch (Throwable t) {
            throw rethrow(name, t);
        }
    }

    private static RuntimeException rethrow(String call, Throwable t) {
        if (t instanceof RuntimeException r) {
            return r;
        }
        return new IllegalStateException(call + " failed", t);
    }

    /** Frees the data; idempotent. */
    @Override
    public void close() {
        if (data == null) {
            return;
        }
        try {
            MjNative.DELETE_DATA.invokeExact(data);
        } catch (Throwable t) {
            throw rethrow("mj_deleteData", t);
        } finally {
            data = null;
            arrays.clear();
            model.forget(this);
        }
    }
}

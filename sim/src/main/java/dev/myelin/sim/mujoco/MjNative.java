package dev.myelin.sim.mujoco;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.concurrent.atomic.AtomicLong;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * Downcall handles into Debian's {@code libmujoco.so.2.2.2} ({@code -Dmyelin.mujoco.library} names
 * another file). Loaded once per JVM; the library's version must equal the headers' the layout was
 * measured from. MuJoCo's warnings are routed to a counter instead of {@code MUJOCO_LOG.TXT}.
 */
final class MjNative {
    static final String LIBRARY = System.getProperty("myelin.mujoco.library", "libmujoco.so.2.2.2");

    static final MethodHandle LOAD_XML;
    static final MethodHandle MAKE_DATA;
    static final MethodHandle DELETE_DATA;
    static final MethodHandle DELETE_MODEL;
    static final MethodHandle COPY_MODEL;
    static final MethodHandle RESET_DATA;
    static final MethodHandle FORWARD;
    static final MethodHandle STEP;
    static final MethodHandle RNE_POST_CONSTRAINT;
    static final MethodHandle NAME2ID;
    static final MethodHandle ID2NAME;
    static final int VERSION;
    static final MjLayout LAYOUT;

    private static final AtomicLong WARNINGS = new AtomicLong();
    private static volatile String lastWarning = "";

    static {
        Linker linker = Linker.nativeLinker();
        SymbolLookup lib;
        try {
            lib = SymbolLookup.libraryLookup(LIBRARY, Arena.global());
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("cannot load " + LIBRARY + "; install the Debian package libmujoco2.2.2"
                    + " (./myelin installs it)", e);
        }
        FunctionDescriptor md = FunctionDescriptor.ofVoid(ADDRESS, ADDRESS);
        LOAD_XML = handle(linker, lib, "mj_loadXML", FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS, ADDRESS, JAVA_INT));
        MAKE_DATA = handle(linker, lib, "mj_makeData", FunctionDescriptor.of(ADDRESS, ADDRESS));
        DELETE_DATA = handle(linker, lib, "mj_deleteData", FunctionDescriptor.ofVoid(ADDRESS));
        DELETE_MODEL = handle(linker, lib, "mj_deleteModel", FunctionDescriptor.ofVoid(ADDRESS));
        COPY_MODEL = handle(linker, lib, "mj_copyModel", FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS));
        RESET_DATA = handle(linker, lib, "mj_resetData", md);
        FORWARD = handle(linker, lib, "mj_forward", md);
        STEP = handle(linker, lib, "mj_step", md);
        RNE_POST_CONSTRAINT = handle(linker, lib, "mj_rnePostConstraint", md);
        NAME2ID = handle(linker, lib, "mj_name2id", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, ADDRESS));
        ID2NAME = handle(linker, lib, "mj_id2name", FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_INT, JAVA_INT));
        MethodHandle version = handle(linker, lib, "mj_version", FunctionDescriptor.of(JAVA_INT));
        try {
            VERSION = (int) version.invokeExact();
        } catch (Throwable t) {
            throw new IllegalStateException("mj_version failed", t);
        }
        LAYOUT = MjLayout.installed();
        if (LAYOUT.headerVersion() != VERSION) {
            throw new IllegalStateException("MuJoCo headers in " + MjLayout.INCLUDE + " are version "
                    + LAYOUT.headerVersion() + " but " + LIBRARY + " is " + VERSION
                    + "; install matching libmujoco-dev and libmujoco2.2.2");
        }
        installWarningHandler(linker, lib);
    }

    private MjNative() {
    }

    private static MethodHandle handle(Linker linker, SymbolLookup lib, String name, FunctionDescriptor fd) {
        MemorySegment symbol = lib.find(name).orElseThrow(
                () -> new IllegalStateException(LIBRARY + " has no symbol " + name));
        return linker.downcallHandle(symbol, fd);
    }

    private static void installWarningHandler(Linker linker, SymbolLookup lib) {
        try {
            MethodHandle target = MethodHandles.lookup().findStatic(MjNative.class, "onWarning",
                    MethodType.methodType(void.class, MemorySegment.class));
            MemorySegment stub = linker.upcallStub(target, FunctionDescriptor.ofVoid(ADDRESS), Arena.global());
            MemorySegment slot = lib.find("mju_user_warning").orElseThrow().reinterpret(ADDRESS.byteSize());
            slot.set(ADDRESS, 0, stub);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Called by MuJoCo on any thread; must not throw. */
    private static void onWarning(MemorySegment message) {
        WARNINGS.incrementAndGet();
        try {
            lastWarning = message.reinterpret(4096).getString(0);
        } catch (RuntimeException e) {
            lastWarning = "(unreadable warning)";
        }
    }

    /** MuJoCo warnings since the library was loaded (instabilities, contact buffer full, ...). */
    static long warnings() {
        return WARNINGS.get();
    }

    static String lastWarning() {
        return lastWarning;
    }

    static MemorySegment cString(Arena arena, String s) {
        return arena.allocateFrom(s);
    }

    static final ValueLayout.OfDouble DOUBLE = ValueLayout.JAVA_DOUBLE;
}

package dev.myelin.trainer.mpi;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * {@link Communicator} over Open MPI's C library ({@code libmpi.so.40}), called through
 * {@code java.lang.foreign}: MPI_Init, MPI_Comm_rank/size, MPI_Allreduce (in place, MPI_SUM),
 * MPI_Bcast and MPI_Gather on MPI_COMM_WORLD, MPI_Barrier, MPI_Finalize. Open MPI's predefined handles
 * are addresses of global objects ({@code MPI_COMM_WORLD == &ompi_mpi_comm_world}, {@code MPI_FLOAT ==
 * &ompi_mpi_float}, {@code MPI_SUM == &ompi_mpi_op_sum}, {@code MPI_IN_PLACE == (void *) 1}), which are
 * looked up as symbols. Java arrays are staged through one native buffer that grows to the largest
 * message and is then reused, so steady-state collectives allocate nothing. Every MPI error code is turned
 * into an exception naming the call. One thread (MPI_THREAD_SINGLE).
 */
@SuppressWarnings("restricted") // native access is the point of this class; the launcher enables it
public final class OpenMpi implements Communicator {
    private static final String[] LIBRARIES = {"libmpi.so.40", "/usr/lib/x86_64-linux-gnu/libmpi.so.40",
            "/usr/lib/aarch64-linux-gnu/libmpi.so.40", "libmpi.so"};

    private final Arena arena = Arena.ofShared();
    private final MemorySegment commWorld;
    private final MemorySegment typeFloat;
    private final MemorySegment typeDouble;
    private final MemorySegment typeLong;
    private final MemorySegment typeByte;
    private final MemorySegment opSum;
    private final MemorySegment inPlace = MemorySegment.ofAddress(1);
    private final MethodHandle allreduce;
    private final MethodHandle bcast;
    private final MethodHandle gather;
    private final MethodHandle barrier;
    private final MethodHandle finalizeCall;
    private final MethodHandle abortCall;
    private final int rank;
    private final int size;
    private MemorySegment staging;
    private boolean closed;

    private OpenMpi() {
        Linker linker = Linker.nativeLinker();
        SymbolLookup lib = load();
        commWorld = symbol(lib, "ompi_mpi_comm_world");
        typeFloat = symbol(lib, "ompi_mpi_float");
        typeDouble = symbol(lib, "ompi_mpi_double");
        typeLong = symbol(lib, "ompi_mpi_long_long_int");
        typeByte = symbol(lib, "ompi_mpi_byte");
        opSum = symbol(lib, "ompi_mpi_op_sum");
        MethodHandle init = linker.downcallHandle(symbol(lib, "MPI_Init"), FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
        MethodHandle commRank = linker.downcallHandle(symbol(lib, "MPI_Comm_rank"), FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
        MethodHandle commSize = linker.downcallHandle(symbol(lib, "MPI_Comm_size"), FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
        allreduce = linker.downcallHandle(symbol(lib, "MPI_Allreduce"),
                FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_INT, ADDRESS, ADDRESS, ADDRESS));
        bcast = linker.downcallHandle(symbol(lib, "MPI_Bcast"),
                FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, ADDRESS, JAVA_INT, ADDRESS));
        gather = linker.downcallHandle(symbol(lib, "MPI_Gather"),
                FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, ADDRESS, ADDRESS, JAVA_INT, ADDRESS, JAVA_INT, ADDRESS));
        barrier = linker.downcallHandle(symbol(lib, "MPI_Barrier"), FunctionDescriptor.of(JAVA_INT, ADDRESS));
        finalizeCall = linker.downcallHandle(symbol(lib, "MPI_Finalize"), FunctionDescriptor.of(JAVA_INT));
        abortCall = linker.downcallHandle(symbol(lib, "MPI_Abort"), FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
        try {
            check("MPI_Init", (int) init.invokeExact(MemorySegment.NULL, MemorySegment.NULL));
            MemorySegment out = arena.allocate(JAVA_INT);
            check("MPI_Comm_rank", (int) commRank.invokeExact(commWorld, out));
            rank = out.get(JAVA_INT, 0);
            check("MPI_Comm_size", (int) commSize.invokeExact(commWorld, out));
            size = out.get(JAVA_INT, 0);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("MPI_Init failed", t);
        }
        staging = arena.allocate(1 << 16, 8);
    }

    /** Initialises MPI (once per process). */
    public static OpenMpi init() {
        return new OpenMpi();
    }

    /** Whether this process was started by Open MPI's {@code mpirun}/{@code mpiexec}. */
    public static boolean launchedByMpirun() {
        return System.getenv("OMPI_COMM_WORLD_SIZE") != null;
    }

    /** MPI when started by mpirun, otherwise a single process. */
    public static Communicator fromEnvironment() {
        return launchedByMpirun() ? init() : Communicator.single();
    }

    private static SymbolLookup load() {
        StringBuilder tried = new StringBuilder();
        for (String name : LIBRARIES) {
            try {
                if (name.startsWith("/") && !Files.exists(Path.of(name))) {
                    continue;
                }
                return SymbolLookup.libraryLookup(name, Arena.global());
            } catch (IllegalArgumentException e) {
                tried.append(' ').append(name);
            }
        }
        throw new IllegalStateException("Open MPI's libmpi.so.40 was not found (tried" + tried
                + "); install it with: apt-get install openmpi-bin libopenmpi-dev");
    }

    private static MemorySegment symbol(SymbolLookup lib, String name) {
        return lib.find(name).orElseThrow(() -> new IllegalStateException("libmpi has no symbol " + name
                + " (is it Open MPI 4 or newer?)"));
    }

    private static void check(String call, int code) {
        if (code != 0) {
            throw new IllegalStateException(call + " failed with MPI error code " + code);
        }
    }

    private MemorySegment stage(long bytes) {
        if (staging.byteSize() < bytes) {
            staging = arena.allocate(Math.max(bytes, staging.byteSize() * 2), 8);
        }
        return staging;
    }

    private void open() {
        if (closed) {
            throw new IllegalStateException("MPI was finalized");
        }
    }

    @Override
    public int rank() {
        return rank;
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    public void sum(float[] buf, int n) {
        open();
        MemorySegment s = stage(4L * n);
        MemorySegment.copy(buf, 0, s, ValueLayout.JAVA_FLOAT, 0, n);
        int code;
        try {
            code = (int) allreduce.invokeExact(inPlace, s, n, typeFloat, opSum, commWorld);
        } catch (Throwable t) {
            throw failure("MPI_Allreduce", t);
        }
        check("MPI_Allreduce", code);
        MemorySegment.copy(s, ValueLayout.JAVA_FLOAT, 0, buf, 0, n);
    }

    @Override
    public void sum(double[] buf, int n) {
        open();
        MemorySegment s = stage(8L * n);
        MemorySegment.copy(buf, 0, s, ValueLayout.JAVA_DOUBLE, 0, n);
        int code;
        try {
            code = (int) allreduce.invokeExact(inPlace, s, n, typeDouble, opSum, commWorld);
        } catch (Throwable t) {
            throw failure("MPI_Allreduce", t);
        }
        check("MPI_Allreduce", code);
        MemorySegment.copy(s, ValueLayout.JAVA_DOUBLE, 0, buf, 0, n);
    }

    @Override
    public void broadcast(float[] buf, int n) {
        open();
        MemorySegment s = stage(4L * n);
        MemorySegment.copy(buf, 0, s, ValueLayout.JAVA_FLOAT, 0, n);
        int code;
        try {
            code = (int) bcast.invokeExact(s, n, typeFloat, 0, commWorld);
        } catch (Throwable t) {
            throw failure("MPI_Bcast", t);
        }
        check("MPI_Bcast", code);
        MemorySegment.copy(s, ValueLayout.JAVA_FLOAT, 0, buf, 0, n);
    }

    @Override
    public void broadcast(long[] buf, int n) {
        open();
        MemorySegment s = stage(8L * n);
        MemorySegment.copy(buf, 0, s, ValueLayout.JAVA_LONG, 0, n);
        int code;
        try {
            code = (int) bcast.invokeExact(s, n, typeLong, 0, commWorld);
        } catch (Throwable t) {
            throw failure("MPI_Bcast", t);
        }
        check("MPI_Bcast", code);
        MemorySegment.copy(s, ValueLayout.JAVA_LONG, 0, buf, 0, n);
    }

    @Override
    public void broadcast(byte[] buf, int n) {
        open();
        MemorySegment s = stage(n);
        MemorySegment.copy(buf, 0, s, ValueLayout.JAVA_BYTE, 0, n);
        int code;
        try {
            code = (int) bcast.invokeExact(s, n, typeByte, 0, commWorld);
        } catch (Throwable t) {
            throw failure("MPI_Bcast", t);
        }
        check("MPI_Bcast", code);
        MemorySegment.copy(s, ValueLayout.JAVA_BYTE, 0, buf, 0, n);
    }

    @Override
    public byte[] gather(byte[] mine) {
        open();
        // every rank must send the same number of bytes: the lengths agree iff sum(L) = N L and sum(L^2) = N L^2
        double l = mine.length;
        double[] agree = {l, l * l};
        sum(agree, 2);
        if (agree[0] != size * l || agree[1] != size * l * l) {
            throw new IllegalStateException("MPI_Gather: ranks contribute different lengths (rank " + rank + ": "
                    + mine.length + " bytes)");
        }
        int n = mine.length;
        MemorySegment s = stage((long) n * (size + 1));
        MemorySegment.copy(mine, 0, s, ValueLayout.JAVA_BYTE, 0, n);
        MemorySegment recv = s.asSlice(n);
        int code;
        try {
            code = (int) gather.invokeExact(s, n, typeByte, recv, n, typeByte, 0, commWorld);
        } catch (Throwable t) {
            throw failure("MPI_Gather", t);
        }
        check("MPI_Gather", code);
        if (rank != 0) {
            return null;
        }
        byte[] all = new byte[n * size];
        MemorySegment.copy(recv, ValueLayout.JAVA_BYTE, 0, all, 0, all.length);
        return all;
    }

    @Override
    public void barrier() {
        open();
        int code;
        try {
            code = (int) barrier.invokeExact(commWorld);
        } catch (Throwable t) {
            throw failure("MPI_Barrier", t);
        }
        check("MPI_Barrier", code);
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        int code;
        try {
            code = (int) finalizeCall.invokeExact();
        } catch (Throwable t) {
            throw failure("MPI_Finalize", t);
        }
        check("MPI_Finalize", code);
    }

    @Override
    public void abort(int code) {
        closed = true;
        try {
            int ignored = (int) abortCall.invokeExact(commWorld, code);
        } catch (Throwable t) {
            // MPI_Abort ends the process; if it could not, the caller exits anyway
        }
    }

    private static RuntimeException failure(String call, Throwable t) {
        if (t instanceof RuntimeException r) {
            return r;
        }
        if (t instanceof Error e) {
            throw e;
        }
        return new IllegalStateException(call + " failed", t);
    }

    /** Libraries looked for, in order. */
    public static List<String> libraries() {
        return List.of(LIBRARIES);
    }
}

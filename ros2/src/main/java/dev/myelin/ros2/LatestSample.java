package dev.myelin.ros2;

import dev.myelin.ros2.cdr.CdrReader;
import dev.myelin.ros2.msg.CdrCodec;
import dev.myelin.ros2.msg.Message;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The newest valid sample of a subscription, handed from the executor thread to a polling thread
 * without locks or allocation: a sequence lock over the serialized bytes. The writer makes the
 * sequence odd, copies, makes it even; a reader copies the bytes to its own buffer and keeps the
 * copy only if the sequence was even and unchanged around the copy, then decodes outside the
 * critical section.
 */
final class LatestSample {
    private static final VarHandle SEQUENCE;

    static {
        try {
            SEQUENCE = MethodHandles.lookup().findVarHandle(LatestSample.class, "sequence", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    @SuppressWarnings("unused") // accessed through SEQUENCE
    private volatile long sequence;
    private MemorySegment data = Arena.ofAuto().allocate(256, 8);
    private long length;
    private long receiveNanos;

    private final Object readLock = new Object();
    private MemorySegment copy = Arena.ofAuto().allocate(256, 8);
    private final CdrReader reader = new CdrReader();

    /** Stores a validated sample. Executor thread only. */
    void publish(MemorySegment source, long n, long receiveTimeNanos) {
        long s = (long) SEQUENCE.getOpaque(this);
        SEQUENCE.setOpaque(this, s + 1);
        VarHandle.storeStoreFence();
        if (n > data.byteSize()) {
            // the old buffer stays valid for readers still copying from it (GC-managed memory)
            data = Arena.ofAuto().allocate(Math.max(n, data.byteSize() * 2), 8);
        }
        MemorySegment.copy(source, 0, data, 0, n);
        length = n;
        receiveNanos = receiveTimeNanos;
        SEQUENCE.setRelease(this, s + 2);
    }

    /** True once a sample has been stored. */
    boolean hasSample() {
        return (long) SEQUENCE.getAcquire(this) != 0;
    }

    /**
     * Decodes the newest sample into {@code into}.
     *
     * @return its receive time, or {@link Subscription#NO_SAMPLE} when none arrived yet
     */
    long read(Message into) {
        synchronized (readLock) {
            while (true) {
                long before = (long) SEQUENCE.getAcquire(this);
                if (before == 0) {
                    return Subscription.NO_SAMPLE;
                }
                if ((before & 1) != 0) {
                    Thread.onSpinWait();
                    continue;
                }
                MemorySegment source = data;
                long n = length;
                long time = receiveNanos;
                if (n < 0 || n > source.byteSize()) {
                    continue; // torn read of a concurrent publish; the sequence check would reject it anyway
                }
                if (n > copy.byteSize()) {
                    copy = Arena.ofAuto().allocate(Math.max(n, copy.byteSize() * 2), 8);
                }
                MemorySegment.copy(source, 0, copy, 0, n);
                VarHandle.loadLoadFence();
                if ((long) SEQUENCE.getOpaque(this) != before) {
                    continue;
                }
                reader.wrap(copy, 0, n);
                CdrCodec.decode(reader, into);
                return time;
            }
        }
    }
}

package dev.myelin.ros2;

import java.lang.foreign.MemorySegment;

/**
 * Receives samples of a {@link Subscription} still serialized (CDR with its 4-byte encapsulation
 * header), on the context's executor thread: for recording, bridging, rate measurement. The bytes
 * are valid during the call only.
 */
@FunctionalInterface
public interface RawSampleHandler {
    /**
     * @param sample buffer holding the sample from offset 0
     * @param length sample length in bytes, header included
     * @param receiveTimeNanos when it was taken from the middleware, on the {@link System#nanoTime()} clock
     */
    void onSample(MemorySegment sample, long length, long receiveTimeNanos);
}

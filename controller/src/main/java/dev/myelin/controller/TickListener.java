package dev.myelin.controller;

/**
 * Called on the control thread at the end of every tick with what the tick saw and did, for
 * recording decisions. Implementations must return quickly, must not block and must not allocate
 * (hand the data to another thread through a preallocated buffer); an exception is counted and
 * the listener is dropped, the loop goes on.
 */
@FunctionalInterface
public interface TickListener {
    void onTick(TickRecord record);
}

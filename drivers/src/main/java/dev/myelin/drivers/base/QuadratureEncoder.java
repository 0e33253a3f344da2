package dev.myelin.drivers.base;

/**
 * Quadrature (x4) decoding of an incremental encoder's A/B channels: every valid transition of the
 * Gray-code sequence 00 -> 01 -> 11 -> 10 -> 00 is one tick forward, the reverse one tick back; a
 * double transition (both channels changed, an edge was missed) is counted as an error and ignored.
 * {@link #update} is called from the GPIO event thread; {@link #ticks()} may be read from any thread.
 */
public final class QuadratureEncoder {
    // index: previous state (A<<1|B) * 4 + new state; +1 forward, -1 backward, 0 no move, 2 invalid
    private static final int[] STEP = {
        0, 1, -1, 2,
        -1, 0, 2, 1,
        1, 2, 0, -1,
        2, -1, 1, 0,
    };

    private final int sign;
    private int state;
    private volatile long ticks;
    private volatile long errors;

    /** @param inverted count the other way (an encoder on a mirrored wheel) */
    public QuadratureEncoder(boolean inverted, boolean a, boolean b) {
        sign = inverted ? -1 : 1;
        state = (a ? 2 : 0) | (b ? 1 : 0);
    }

    /** New levels of A and B after an edge on either. */
    public synchronized void update(boolean a, boolean b) {
        int next = (a ? 2 : 0) | (b ? 1 : 0);
        int step = STEP[state * 4 + next];
        if (step == 2) {
            errors++;
        } else {
            ticks += sign * step;
        }
        state = next;
    }

    public long ticks() {
        return ticks;
    }

    /** Transitions that skipped a state (missed edges). */
    public long errors() {
        return errors;
    }
}

package dev.myelin.sim;

/**
 * Validates and clips agent-major action vectors into a task's action buffer: wrong length or a
 * non-finite component is refused before anything is written; finite out-of-range components are
 * clipped to the action space and counted. Allocates only on the error path. Immutable; any thread.
 */
final class ActionGate {
    private final BoxSpace space;
    private final int agents;
    private final int size;
    private final float[] low;
    private final float[] high;

    ActionGate(BoxSpace space, int agents) {
        this.space = space;
        this.agents = agents;
        this.size = space.size();
        low = new float[size];
        high = new float[size];
        for (int i = 0; i < size; i++) {
            low[i] = space.low(i);
            high[i] = space.high(i);
        }
    }

    /** Checks {@code action}, then writes it clipped into {@code into}; returns the number of clipped components. */
    int admit(float[] action, float[] into) {
        if (action == null) {
            throw new IllegalArgumentException("action is null; expected " + expected());
        }
        if (action.length != into.length) {
            throw new IllegalArgumentException("action has " + action.length + " components; expected " + expected());
        }
        for (int i = 0; i < action.length; i++) {
            if (!Float.isFinite(action[i])) {
                throw new IllegalArgumentException(describe(i) + " is " + action[i] + "; actions must be finite");
            }
        }
        int clipped = 0;
        int c = 0;
        for (int i = 0; i < action.length; i++) {
            float v = action[i];
            float lo = low[c];
            float hi = high[c];
            if (v < lo) {
                v = lo;
                clipped++;
            } else if (v > hi) {
                v = hi;
                clipped++;
            }
            into[i] = v;
            c = c + 1 == size ? 0 : c + 1;
        }
        return clipped;
    }

    private String expected() {
        return agents == 1 ? size + " " + space.names()
                : agents + " agents x " + size + " " + space.names() + " = " + agents * size;
    }

    private String describe(int i) {
        String name = "action component " + i + " (" + space.name(i % size) + ")";
        return agents == 1 ? name : name + " of agent " + i / size;
    }
}

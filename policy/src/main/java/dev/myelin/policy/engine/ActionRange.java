package dev.myelin.policy.engine;

import dev.myelin.policy.model.Channel;

import java.util.List;

/** Maps a readout pre-activation z to action j's range: {@code center_j + halfRange_j * tanh(z)}. */
final class ActionRange {
    private final float[] center;
    private final float[] half;

    ActionRange(List<Channel> actions) {
        center = new float[actions.size()];
        half = new float[actions.size()];
        for (int j = 0; j < center.length; j++) {
            center[j] = actions.get(j).center();
            half[j] = actions.get(j).halfRange();
        }
    }

    float squash(int j, float z) {
        return center[j] + half[j] * (float) Math.tanh(z);
    }
}

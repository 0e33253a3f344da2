package dev.myelin.policy.model;

/**
 * One named element of an observation or action vector, with its unit and range. For actions the
 * range is what the decoder maps tanh's (-1, 1) onto; for observations it documents the sensor's range.
 */
public record Channel(String name, String unit, float low, float high) {

    public Channel {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("channel name must not be empty");
        }
        if (unit == null) {
            unit = "";
        }
        if (!Float.isFinite(low) || !Float.isFinite(high) || !(low < high)) {
            throw new IllegalArgumentException("channel " + name + ": range [" + low + ", " + high
                    + "] must be finite with low < high");
        }
    }

    public static Channel symmetric(String name, String unit, float limit) {
        return new Channel(name, unit, -limit, limit);
    }

    public float center() {
        return 0.5f * (low + high);
    }

    public float halfRange() {
        return 0.5f * (high - low);
    }
}

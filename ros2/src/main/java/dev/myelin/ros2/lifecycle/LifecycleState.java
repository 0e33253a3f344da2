package dev.myelin.ros2.lifecycle;

/** lifecycle_msgs/msg/State primary states: id and label as rcl_lifecycle gives them. */
public enum LifecycleState {
    UNKNOWN(0), UNCONFIGURED(1), INACTIVE(2), ACTIVE(3), FINALIZED(4);

    private final int id;

    LifecycleState(int id) {
        this.id = id;
    }

    public int id() {
        return id;
    }

    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}

package dev.myelin.ros2.lifecycle;

import java.util.Locale;

/** lifecycle_msgs/msg/Transition ids with the primary states each leads from and to. */
public enum LifecycleTransition {
    CONFIGURE(1, "configure", LifecycleState.UNCONFIGURED, LifecycleState.INACTIVE),
    CLEANUP(2, "cleanup", LifecycleState.INACTIVE, LifecycleState.UNCONFIGURED),
    ACTIVATE(3, "activate", LifecycleState.INACTIVE, LifecycleState.ACTIVE),
    DEACTIVATE(4, "deactivate", LifecycleState.ACTIVE, LifecycleState.INACTIVE),
    UNCONFIGURED_SHUTDOWN(5, "shutdown", LifecycleState.UNCONFIGURED, LifecycleState.FINALIZED),
    INACTIVE_SHUTDOWN(6, "shutdown", LifecycleState.INACTIVE, LifecycleState.FINALIZED),
    ACTIVE_SHUTDOWN(7, "shutdown", LifecycleState.ACTIVE, LifecycleState.FINALIZED);

    private final int id;
    private final String label;
    private final LifecycleState start;
    private final LifecycleState goal;

    LifecycleTransition(int id, String label, LifecycleState start, LifecycleState goal) {
        this.id = id;
        this.label = label;
        this.start = start;
        this.goal = goal;
    }

    public int id() {
        return id;
    }

    public String label() {
        return label;
    }

    public LifecycleState start() {
        return start;
    }

    public LifecycleState goal() {
        return goal;
    }

    /**
     * The transition a request names in {@code state}: by id, or (id 0) by label as
     * {@code ros2 lifecycle set} sends it.
     *
     * @return null when no such transition leaves {@code state}
     */
    public static LifecycleTransition resolve(int id, String label, LifecycleState state) {
        for (LifecycleTransition t : values()) {
            if (t.start == state && (id != 0 ? t.id == id : t.label.equals(label.strip().toLowerCase(Locale.ROOT)))) {
                return t;
            }
        }
        return null;
    }
}

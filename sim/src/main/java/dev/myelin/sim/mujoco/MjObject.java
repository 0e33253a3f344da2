package dev.myelin.sim.mujoco;

/** MuJoCo object kinds that have names; their {@code mjtObj} values come from the installed headers. */
public enum MjObject {
    BODY("body"),
    JOINT("joint"),
    GEOM("geom"),
    SITE("site"),
    ACTUATOR("actuator"),
    SENSOR("sensor");

    private final String label;

    MjObject(String label) {
        this.label = label;
    }

    /** The {@code mjtObj} value, as the installed {@code mjmodel.h} defines it. */
    public int code() {
        return MjNative.LAYOUT.enumValue("mjOBJ_" + name());
    }

    /** Lower-case name as MJCF writes the element. */
    public String label() {
        return label;
    }
}

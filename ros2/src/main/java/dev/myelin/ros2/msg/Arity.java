package dev.myelin.ros2.msg;

/** How many values a field holds: one, a fixed-length array {@code T[N]}, or a sequence {@code T[]} / {@code T[<=N]}. */
public enum Arity {
    SINGLE,
    ARRAY,
    SEQUENCE
}

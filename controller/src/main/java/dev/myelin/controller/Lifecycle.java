package dev.myelin.controller;

/**
 * The controller's lifecycle (ros2_control's managed states): {@code UNCONFIGURED} (nothing
 * created), {@code INACTIVE} (topics open, loop running, inputs read, outputs held at the safe
 * command), {@code ACTIVE} (the policy drives the outputs through the safety gate),
 * {@code FINALIZED} (closed).
 */
public enum Lifecycle {
    UNCONFIGURED, INACTIVE, ACTIVE, FINALIZED
}

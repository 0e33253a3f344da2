package dev.myelin.ros2.dds;

/** The Cyclone DDS C library (or one of the functions this binding needs) could not be found. */
public final class DdsUnavailableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public DdsUnavailableException(String message) {
        super(message);
    }
}

package dev.myelin.ros2.dds;

/**
 * A Cyclone DDS call returned an error. The message carries the operation, Cyclone's own text for
 * the return code ({@code dds_strretcode}) and the numeric code.
 */
public final class DdsException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int returnCode;

    public DdsException(String operation, int returnCode, String returnCodeText) {
        super(operation + " failed: " + returnCodeText + " (Cyclone DDS return code " + returnCode + ")");
        this.returnCode = returnCode;
    }

    /** Cyclone's negative {@code dds_return_t}, e.g. -3 for {@code DDS_RETCODE_BAD_PARAMETER}. */
    public int returnCode() {
        return returnCode;
    }
}

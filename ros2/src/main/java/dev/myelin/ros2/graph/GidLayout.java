package dev.myelin.ros2.graph;

/**
 * Size of {@code rmw_dds_common/msg/Gid}: the DDS GUID (16 bytes) from Iron on; Humble and older
 * reserve 24 bytes, the GUID followed by zeros. Peers must agree, since the size is part of the
 * discovery message's layout.
 */
public enum GidLayout {
    /** {@code char[16]}: Iron, Jazzy, Kilted, Rolling. */
    IRON(16),
    /** {@code char[24]}: Humble and older. */
    HUMBLE(24);

    private final int size;

    GidLayout(int size) {
        this.size = size;
    }

    /** Bytes in one GID. */
    public int size() {
        return size;
    }

    /**
     * {@code iron} (also {@code jazzy}, {@code kilted}, {@code rolling}, {@code 16}) or {@code humble} ({@code 24}).
     *
     * @throws IllegalArgumentException naming the value for anything else
     */
    public static GidLayout parse(String text) {
        return switch (text.strip().toLowerCase(java.util.Locale.ROOT)) {
            case "iron", "jazzy", "kilted", "rolling", "16" -> IRON;
            case "humble", "24" -> HUMBLE;
            default -> throw new IllegalArgumentException("GID layout '" + text
                    + "' is neither iron (16 bytes, Iron and later) nor humble (24 bytes)");
        };
    }
}

package dev.myelin.ros2.graph;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * A ROS graph id: a participant's, reader's or writer's DDS GUID, as {@code ros_discovery_info}
 * carries it. Only the first 16 bytes (the GUID) identify the entity; Humble's layout pads them
 * with zeros to 24.
 */
public final class Gid {
    /** Bytes of a DDS GUID (prefix 12, entity id 4). */
    public static final int GUID_SIZE = 16;

    private final byte[] guid;

    private Gid(byte[] guid) {
        this.guid = guid;
    }

    /**
     * From the bytes of a GID of either layout: the first 16 are the GUID.
     *
     * @throws IllegalArgumentException for fewer than 16 bytes
     */
    public static Gid of(byte[] bytes) {
        if (bytes.length < GUID_SIZE) {
            throw new IllegalArgumentException("a GID needs at least " + GUID_SIZE + " bytes, got " + bytes.length);
        }
        return new Gid(Arrays.copyOf(bytes, GUID_SIZE));
    }

    /** From 32 hex digits, as {@link #hex()} writes them and the DDS built-in topics' keys print. */
    public static Gid ofHex(String hex) {
        if (hex.length() != 2 * GUID_SIZE) {
            throw new IllegalArgumentException("GID '" + hex + "' must be " + 2 * GUID_SIZE + " hex digits");
        }
        return new Gid(HexFormat.of().parseHex(hex));
    }

    /** The GID in {@code layout}'s size: the GUID, zero-padded for Humble. */
    public byte[] bytes(GidLayout layout) {
        return Arrays.copyOf(guid, layout.size());
    }

    /** The 12-byte GUID prefix shared by a participant and all its endpoints. */
    public byte[] prefix() {
        return Arrays.copyOf(guid, 12);
    }

    /** 32 lower-case hex digits. */
    public String hex() {
        return HexFormat.of().formatHex(guid);
    }

    /** Bytes as {@code ros2 node info --verbose} and rmw print GIDs: hex pairs joined by dots. */
    public String dotted() {
        return HexFormat.ofDelimiter(".").formatHex(guid);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Gid g && Arrays.equals(guid, g.guid);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(guid);
    }

    @Override
    public String toString() {
        return dotted();
    }
}

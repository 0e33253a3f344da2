package dev.myelin.observe.mcap;

/** MCAP constants: magic, record opcodes, the ROS 2 profile's encodings. */
public final class Mcap {
    private Mcap() {
    }

    /** The 8 bytes at the start and the end of every MCAP file (format version 0). */
    static final byte[] MAGIC = {(byte) 0x89, 'M', 'C', 'A', 'P', '0', '\r', '\n'};

    static final int OP_HEADER = 0x01;
    static final int OP_FOOTER = 0x02;
    static final int OP_SCHEMA = 0x03;
    static final int OP_CHANNEL = 0x04;
    static final int OP_MESSAGE = 0x05;
    static final int OP_CHUNK = 0x06;
    static final int OP_MESSAGE_INDEX = 0x07;
    static final int OP_CHUNK_INDEX = 0x08;
    static final int OP_STATISTICS = 0x0B;
    static final int OP_SUMMARY_OFFSET = 0x0E;
    static final int OP_DATA_END = 0x0F;

    /** Footer record length: opcode, u64 length, summary start, summary offset start, CRC. */
    static final int FOOTER_RECORD_SIZE = 1 + 8 + 8 + 8 + 4;

    public static final String PROFILE_ROS2 = "ros2";
    public static final String SCHEMA_ROS2MSG = "ros2msg";
    public static final String ENCODING_CDR = "cdr";
    public static final String COMPRESSION_ZSTD = "zstd";
    public static final String COMPRESSION_NONE = "";
}

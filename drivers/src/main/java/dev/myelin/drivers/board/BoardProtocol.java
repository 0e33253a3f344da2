package dev.myelin.drivers.board;

/**
 * The host-board wire protocol, version {@value #VERSION}. Every message is one frame; all integers
 * are little-endian.
 * <pre>
 *   u32  length     bytes after this field: 10 + payload length, at most {@value #MAX_FRAME}
 *   u8   version    {@value #VERSION}; a peer answers a frame of another version with ERROR BAD_FRAME
 *   u8   type       request type, or request type | 0x80 for its reply, or 0xFF for ERROR
 *   u32  sequence   chosen by the host; the reply echoes it, so a late reply is recognised and dropped
 *   ...  payload
 *   u32  crc32      CRC-32 (IEEE 802.3, as java.util.zip.CRC32) of version .. end of payload
 * </pre>
 *
 * Requests and their payloads:
 * <pre>
 *   LOAD   0x01  u16 layers, then per layer:
 *                  u32 neurons n, u32 inputs m, u16 currentDecay, u16 voltageDecay (12-bit, unity 4096),
 *                  i32 threshold (Q12), n x i32 bias (Q12), n x i64 multiplier (round(scale * 2^24)),
 *                  n*m x i8 weights row-major [neuron][input]
 *                reply: the STATUS reply payload, or ERROR DOES_NOT_FIT / INVALID_MODEL with the reason
 *   RESET  0x02  empty; zeroes every neuron. Reply: empty
 *   STEP   0x03  u8 flags (bit 0: reset neurons first), u16 timesteps T, u32 inputs m,
 *                T x ceil(m / 8) bytes of input spikes, bit i of step t at byte t*ceil(m/8) + i/8, bit i%8
 *                reply: u16 T, u32 outputs k, k x u16 output spike counts over the T steps,
 *                       u64 synaptic operations, u64 spikes (since the last reset)
 *   STATUS 0x04  empty. Reply: u8 loaded, u16 cores used, u16 cores, u32 neurons used, u32 neurons per core,
 *                u32 synapses used, u32 synapses per core, u8 weight bits, u32 inputs, u32 outputs
 *   ERROR  0xFF  (reply only) u16 code, u16 byte length, UTF-8 reason
 * </pre>
 * A board answers every request with exactly one reply, in order.
 */
public final class BoardProtocol {
    public static final int VERSION = 1;
    /** Largest frame (length field value) either side accepts. */
    public static final int MAX_FRAME = 64 << 20;
    /** Frame bytes around the payload: length, version, type, sequence, crc. */
    public static final int OVERHEAD = 4 + 1 + 1 + 4 + 4;

    public static final int LOAD = 0x01;
    public static final int RESET = 0x02;
    public static final int STEP = 0x03;
    public static final int STATUS = 0x04;
    public static final int REPLY = 0x80;
    public static final int ERROR = 0xFF;

    public static final int STEP_FLAG_RESET = 0x01;

    /** ERROR codes. */
    public static final int E_BAD_FRAME = 1;
    public static final int E_UNKNOWN_TYPE = 2;
    public static final int E_DOES_NOT_FIT = 3;
    public static final int E_INVALID_MODEL = 4;
    public static final int E_NOT_LOADED = 5;
    public static final int E_BAD_INPUT = 6;

    private BoardProtocol() {
    }

    public static String typeName(int type) {
        return switch (type) {
            case LOAD -> "LOAD";
            case RESET -> "RESET";
            case STEP -> "STEP";
            case STATUS -> "STATUS";
            case LOAD | REPLY -> "LOAD reply";
            case RESET | REPLY -> "RESET reply";
            case STEP | REPLY -> "STEP reply";
            case STATUS | REPLY -> "STATUS reply";
            case ERROR -> "ERROR";
            default -> "type 0x" + Integer.toHexString(type);
        };
    }

    public static String errorName(int code) {
        return switch (code) {
            case E_BAD_FRAME -> "BAD_FRAME";
            case E_UNKNOWN_TYPE -> "UNKNOWN_TYPE";
            case E_DOES_NOT_FIT -> "DOES_NOT_FIT";
            case E_INVALID_MODEL -> "INVALID_MODEL";
            case E_NOT_LOADED -> "NOT_LOADED";
            case E_BAD_INPUT -> "BAD_INPUT";
            default -> "error " + code;
        };
    }

    /** Bytes per timestep of a STEP request's spike bitmap for {@code inputs} inputs. */
    public static int spikeBytes(int inputs) {
        return (inputs + 7) >>> 3;
    }
}

package dev.myelin.drivers.board;

import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.zip.CRC32;

/**
 * Frames of {@link BoardProtocol} over a byte stream (TCP socket or serial port). Send and receive
 * buffers are reused and grow only for larger frames (a LOAD), so steady STEP traffic allocates
 * nothing. Not thread-safe: one thread sends and receives.
 */
public final class FrameChannel implements Closeable {
    private static final int HEADER = 10;

    private final InputStream in;
    private final OutputStream out;
    private final Closeable resource;
    private final CRC32 crc = new CRC32();
    private byte[] sendBytes;
    private ByteBuffer send;
    private byte[] recvBytes;
    private ByteBuffer recv;
    private int recvType;
    private int recvSequence;
    private int recvPayloadEnd;

    public FrameChannel(InputStream in, OutputStream out, Closeable resource) {
        this.in = in;
        this.out = out;
        this.resource = resource;
        sendBytes = new byte[4096];
        send = ByteBuffer.wrap(sendBytes).order(ByteOrder.LITTLE_ENDIAN);
        recvBytes = new byte[4096];
        recv = ByteBuffer.wrap(recvBytes).order(ByteOrder.LITTLE_ENDIAN);
    }

    /**
     * Starts a frame whose payload takes at most {@code payloadCapacity} bytes; returns the buffer
     * positioned at the payload's first byte. Finish with {@link #send()}.
     */
    public ByteBuffer begin(int type, int sequence, int payloadCapacity) {
        int need = HEADER + payloadCapacity + 4;
        if (need > BoardProtocol.MAX_FRAME + 4) {
            throw new IllegalArgumentException("a frame of " + payloadCapacity + " payload bytes exceeds the protocol's "
                    + BoardProtocol.MAX_FRAME + " byte limit");
        }
        if (need > sendBytes.length) {
            sendBytes = new byte[Math.max(need, sendBytes.length * 2)];
            send = ByteBuffer.wrap(sendBytes).order(ByteOrder.LITTLE_ENDIAN);
        }
        send.clear();
        send.putInt(0);
        send.put((byte) BoardProtocol.VERSION);
        send.put((byte) type);
        send.putInt(sequence);
        return send;
    }

    /** Completes the frame started by {@link #begin} (length and CRC) and writes it. */
    public void send() throws IOException {
        int end = send.position();
        send.putInt(0, end);  // length = (end - 4) + 4 crc bytes
        crc.reset();
        crc.update(sendBytes, 4, end - 4);
        send.putInt(end, (int) crc.getValue());
        out.write(sendBytes, 0, end + 4);
        out.flush();
    }

    /**
     * Reads one frame and checks its length, version and CRC. Returns its type; the payload is then
     * readable from {@link #payload()}.
     *
     * @throws BoardProtocolException when the frame is malformed (the stream cannot be trusted afterwards)
     * @throws EOFException           when the peer closed the stream
     */
    public int receive() throws IOException {
        recv.clear();
        readFully(recvBytes, 0, 4);
        int length = recv.getInt(0);
        if (length < HEADER - 4 + 4 || length > BoardProtocol.MAX_FRAME) {
            throw new BoardProtocolException(BoardProtocol.E_BAD_FRAME, "frame length " + Integer.toUnsignedString(length)
                    + " is outside [10, " + BoardProtocol.MAX_FRAME + "]");
        }
        if (length + 4 > recvBytes.length) {
            byte[] grown = new byte[Math.max(length + 4, recvBytes.length * 2)];
            System.arraycopy(recvBytes, 0, grown, 0, 4);
            recvBytes = grown;
            recv = ByteBuffer.wrap(recvBytes).order(ByteOrder.LITTLE_ENDIAN);
        }
        recv.clear();
        readFully(recvBytes, 4, length);
        int end = 4 + length - 4;
        crc.reset();
        crc.update(recvBytes, 4, end - 4);
        int expected = (int) crc.getValue();
        int actual = recv.getInt(end);
        if (expected != actual) {
            throw new BoardProtocolException(BoardProtocol.E_BAD_FRAME, "frame CRC32 mismatch: computed 0x"
                    + Integer.toHexString(expected) + ", frame carries 0x" + Integer.toHexString(actual));
        }
        int version = recvBytes[4] & 0xFF;
        if (version != BoardProtocol.VERSION) {
            throw new BoardProtocolException(BoardProtocol.E_BAD_FRAME, "protocol version " + version
                    + " is not supported (this side speaks " + BoardProtocol.VERSION + ")");
        }
        recvType = recvBytes[5] & 0xFF;
        recvSequence = recv.getInt(6);
        recvPayloadEnd = end;
        recv.limit(end).position(HEADER);
        return recvType;
    }

    /** The last received frame's payload (position at its start, limit at its end). */
    public ByteBuffer payload() {
        return recv;
    }

    public int receivedType() {
        return recvType;
    }

    public int receivedSequence() {
        return recvSequence;
    }

    public int receivedPayloadLength() {
        return recvPayloadEnd - HEADER;
    }

    private void readFully(byte[] b, int off, int len) throws IOException {
        while (len > 0) {
            int n = in.read(b, off, len);
            if (n < 0) {
                throw new EOFException("the peer closed the connection");
            }
            off += n;
            len -= n;
        }
    }

    @Override
    public void close() throws IOException {
        resource.close();
    }
}

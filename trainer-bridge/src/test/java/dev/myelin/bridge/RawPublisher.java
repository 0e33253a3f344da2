package dev.myelin.bridge;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * An MQTT 5 client written from the packet layout (MQTT 5.0, sections 3.1 to 3.4) for attack tests: it
 * connects without announcing any limit and streams a QoS 1 PUBLISH of any size from a 1 MiB buffer, so it
 * can send what a well-behaved client library would refuse to send, without holding the payload in memory.
 */
public final class RawPublisher {

    /** How a publish ended. */
    public enum Outcome {
        /** The broker acknowledged it (PUBACK). */
        ACKNOWLEDGED,
        /** The broker closed the connection (or refused it with a DISCONNECT) before acknowledging. */
        DISCONNECTED
    }

    private RawPublisher() {
    }

    /** Connects to {@code host:port}, publishes {@code bytes} filler bytes on {@code topic} with QoS 1, and disconnects. */
    public static Outcome publish(String host, int port, String topic, long bytes, boolean retained) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(host, port), 5_000);
            s.setSoTimeout(20_000);
            OutputStream out = s.getOutputStream();
            DataInputStream in = new DataInputStream(s.getInputStream());
            byte[] id = ("raw-" + System.nanoTime()).getBytes(StandardCharsets.UTF_8);
            byte[] connect = concat(new byte[] {0, 4, 'M', 'Q', 'T', 'T', 5, 0x02, 0, 60, 0},
                    new byte[] {(byte) (id.length >> 8), (byte) id.length}, id);
            out.write(0x10);
            out.write(varint(connect.length));
            out.write(connect);
            out.flush();
            if (in.read() != 0x20) {
                return Outcome.DISCONNECTED;
            }
            in.readNBytes(varintValue(in));
            byte[] t = topic.getBytes(StandardCharsets.UTF_8);
            byte[] head = concat(new byte[] {(byte) (t.length >> 8), (byte) t.length}, t, new byte[] {0, 1, 0});
            try {
                out.write(0x32 | (retained ? 1 : 0));
                out.write(varint(head.length + bytes));
                out.write(head);
                byte[] filler = new byte[1 << 20];
                Arrays.fill(filler, (byte) '{');
                for (long left = bytes; left > 0; left -= filler.length) {
                    out.write(filler, 0, (int) Math.min(filler.length, left));
                }
                out.flush();
            } catch (IOException e) {
                return Outcome.DISCONNECTED; // the broker hung up while the payload was still being written
            }
            try {
                while (true) {
                    int type = in.read();
                    if (type < 0 || type == 0xE0) {
                        return Outcome.DISCONNECTED;
                    }
                    in.readNBytes(varintValue(in));
                    if (type == 0x40) {
                        out.write(new byte[] {(byte) 0xE0, 0});
                        return Outcome.ACKNOWLEDGED;
                    }
                }
            } catch (SocketTimeoutException e) {
                return Outcome.DISCONNECTED;
            } catch (IOException e) {
                return Outcome.DISCONNECTED;
            }
        }
    }

    private static byte[] varint(long v) {
        byte[] b = new byte[4];
        int n = 0;
        do {
            int d = (int) (v % 128);
            v /= 128;
            b[n++] = (byte) (v > 0 ? d | 0x80 : d);
        } while (v > 0);
        return Arrays.copyOf(b, n);
    }

    private static int varintValue(DataInputStream in) throws IOException {
        int value = 0;
        for (int shift = 0; shift < 28; shift += 7) {
            int b = in.readUnsignedByte();
            value |= (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                return value;
            }
        }
        throw new IOException("malformed remaining length");
    }

    private static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += p.length;
        }
        byte[] r = new byte[n];
        int at = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, r, at, p.length);
            at += p.length;
        }
        return r;
    }
}

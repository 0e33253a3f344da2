package dev.myelin.drivers.board;

import com.fazecast.jSerialComm.SerialPort;
import dev.myelin.policy.engine.Int8Core;
import org.HdrHistogram.Histogram;

import java.io.Closeable;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

/**
 * The host's connection to one board (or its emulator) speaking {@link BoardProtocol}: LOAD, RESET,
 * STEP, STATUS, each waiting for its reply within a read timeout. After any exception the link must be
 * closed: the stream may be mid-frame. {@link #step} allocates nothing. Not thread-safe: one thread
 * owns a link at a time.
 *
 * <pre>{@code
 * try (BoardLink link = BoardLink.connect(BoardAddress.parse("tcp://127.0.0.1:7070", 115200), Duration.ofSeconds(2))) {
 *     link.load(Int8Core.of(popsan).layers());
 *     BoardLink.Rtt rtt = link.measureRtt(1000);   // rtt.p50Micros(), rtt.p99Micros()
 * }
 * }</pre>
 */
public final class BoardLink implements Closeable {

    /** Round-trip percentiles in microseconds over {@code samples} requests. */
    public record Rtt(long samples, double p50Micros, double p99Micros, double maxMicros) {
        public static Rtt of(Histogram nanos) {
            return new Rtt(nanos.getTotalCount(), nanos.getValueAtPercentile(50) / 1000.0,
                    nanos.getValueAtPercentile(99) / 1000.0, nanos.getMaxValue() / 1000.0);
        }
    }

    private interface ReadTimeout {
        void set(int millis) throws IOException;
    }

    private final BoardAddress address;
    private final FrameChannel channel;
    private final ReadTimeout readTimeout;
    private int timeoutMillis = -1;
    private int sequence;
    private int inputs;
    private int outputs;
    private long lastSynOps;
    private long lastSpikes;

    private BoardLink(BoardAddress address, FrameChannel channel, ReadTimeout readTimeout) {
        this.address = address;
        this.channel = channel;
        this.readTimeout = readTimeout;
    }

    /** Opens a TCP connection or a serial port; {@code timeout} bounds the connect and later non-STEP replies. */
    public static BoardLink connect(BoardAddress address, Duration timeout) throws IOException {
        int ms = (int) Math.max(1, Math.min(Integer.MAX_VALUE, timeout.toMillis()));
        BoardLink link;
        if (address.isSerial()) {
            SerialPort port = SerialPort.getCommPort(address.serialPath());
            port.setComPortParameters(address.baud(), 8, SerialPort.ONE_STOP_BIT, SerialPort.NO_PARITY);
            port.setComPortTimeouts(SerialPort.TIMEOUT_READ_SEMI_BLOCKING, ms, 0);
            if (!port.openPort()) {
                throw new IOException("cannot open serial port " + address.serialPath() + " (error "
                        + port.getLastErrorCode() + ")");
            }
            link = new BoardLink(address, new FrameChannel(port.getInputStream(), port.getOutputStream(), port::closePort),
                    t -> port.setComPortTimeouts(SerialPort.TIMEOUT_READ_SEMI_BLOCKING, t, 0));
        } else {
            Socket socket = new Socket();
            try {
                socket.setTcpNoDelay(true);
                socket.connect(new InetSocketAddress(address.host(), address.port()), ms);
            } catch (IOException e) {
                socket.close();
                throw new IOException("cannot connect to board at " + address + ": " + e.getMessage(), e);
            }
            link = new BoardLink(address, new FrameChannel(socket.getInputStream(), socket.getOutputStream(), socket),
                    socket::setSoTimeout);
        }
        link.defaultTimeout = ms;
        return link;
    }

    private int defaultTimeout;

    public BoardAddress address() {
        return address;
    }

    /** Loads a spiking core; throws {@link BoardProtocolException} with the board's reason when it refuses. */
    public BoardStatus load(List<Int8Core.Layer> layers) throws IOException {
        ByteBuffer b = channel.begin(BoardProtocol.LOAD, ++sequence, ModelImage.size(layers));
        ModelImage.write(layers, b);
        channel.send();
        ByteBuffer r = await(BoardProtocol.LOAD, defaultTimeout);
        BoardStatus s = BoardStatus.read(r);
        inputs = s.inputs();
        outputs = s.outputs();
        return s;
    }

    public BoardStatus status() throws IOException {
        channel.begin(BoardProtocol.STATUS, ++sequence, 0);
        channel.send();
        return BoardStatus.read(await(BoardProtocol.STATUS, defaultTimeout));
    }

    /** Zeroes every neuron on the board. */
    public void reset() throws IOException {
        channel.begin(BoardProtocol.RESET, ++sequence, 0);
        channel.send();
        await(BoardProtocol.RESET, defaultTimeout);
    }

    /**
     * Runs {@code timesteps} steps: {@code spikes} holds {@code timesteps x inputs} 0/1 values, step-major.
     * Output spike counts go to {@code counts}. Waits at most {@code timeoutMillis} for each read of the reply.
     *
     * @param resetFirst zero the neurons before the first step (start of a decision)
     */
    public void step(int[] spikes, int timesteps, boolean resetFirst, int[] counts, int timeoutMillis) throws IOException {
        int n = inputs;
        int rowBytes = BoardProtocol.spikeBytes(n);
        ByteBuffer b = channel.begin(BoardProtocol.STEP, ++sequence, 7 + timesteps * rowBytes);
        b.put((byte) (resetFirst ? BoardProtocol.STEP_FLAG_RESET : 0));
        b.putShort((short) timesteps);
        b.putInt(n);
        for (int t = 0; t < timesteps; t++) {
            int base = t * n;
            for (int byteIndex = 0; byteIndex < rowBytes; byteIndex++) {
                int bits = 0;
                int from = byteIndex << 3;
                int to = Math.min(n, from + 8);
                for (int i = from; i < to; i++) {
                    bits |= (spikes[base + i] & 1) << (i - from);
                }
                b.put((byte) bits);
            }
        }
        channel.send();
        ByteBuffer r = await(BoardProtocol.STEP, timeoutMillis);
        int t = r.getShort() & 0xFFFF;
        int k = r.getInt();
        if (t != timesteps || k != outputs || k > counts.length) {
            throw new BoardProtocolException(BoardProtocol.E_BAD_FRAME, "STEP reply for " + t + " steps x " + k
                    + " outputs, expected " + timesteps + " x " + outputs);
        }
        for (int i = 0; i < k; i++) {
            counts[i] = r.getShort() & 0xFFFF;
        }
        lastSynOps = r.getLong();
        lastSpikes = r.getLong();
    }

    /** Synaptic operations the board reported for the last STEP. */
    public long lastSynOps() {
        return lastSynOps;
    }

    /** Spikes the board reported for the last STEP. */
    public long lastSpikes() {
        return lastSpikes;
    }

    public int inputs() {
        return inputs;
    }

    public int outputs() {
        return outputs;
    }

    /**
     * Offload round trip: {@code samples} STEP requests of one timestep with no input spikes against the
     * loaded model (STATUS pings when none is loaded). Call from the thread that owns the link.
     */
    public Rtt measureRtt(int samples) throws IOException {
        if (samples <= 0) {
            throw new IllegalArgumentException("RTT samples must be positive, got " + samples);
        }
        Histogram h = new Histogram(3_600_000_000L, 3);
        int[] spikes = new int[Math.max(1, inputs)];
        int[] counts = new int[Math.max(1, outputs)];
        for (int i = 0; i < samples; i++) {
            long t0 = System.nanoTime();
            if (inputs > 0) {
                step(spikes, 1, true, counts, defaultTimeout);
            } else {
                status();
            }
            h.recordValue(Math.max(1, System.nanoTime() - t0));
        }
        return Rtt.of(h);
    }

    /** Waits for the reply to the request just sent, dropping late replies to earlier requests. */
    private ByteBuffer await(int requestType, int millis) throws IOException {
        if (millis != timeoutMillis) {
            readTimeout.set(millis);
            timeoutMillis = millis;
        }
        while (true) {
            int type = channel.receive();
            if (channel.receivedSequence() != sequence) {
                continue;
            }
            ByteBuffer p = channel.payload();
            if (type == BoardProtocol.ERROR) {
                int code = p.getShort() & 0xFFFF;
                int len = p.getShort() & 0xFFFF;
                byte[] msg = new byte[Math.min(len, p.remaining())];
                p.get(msg);
                throw new BoardProtocolException(code, "board " + address + " answered " + BoardProtocol.typeName(requestType)
                        + ": " + new String(msg, StandardCharsets.UTF_8));
            }
            if (type != (requestType | BoardProtocol.REPLY)) {
                throw new BoardProtocolException(BoardProtocol.E_BAD_FRAME, "board " + address + " answered "
                        + BoardProtocol.typeName(requestType) + " with " + BoardProtocol.typeName(type));
            }
            return p;
        }
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}

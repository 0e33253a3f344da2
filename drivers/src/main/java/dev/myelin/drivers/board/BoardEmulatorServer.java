package dev.myelin.drivers.board;

import com.fazecast.jSerialComm.SerialPort;

import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Serves a {@link BoardEmulator} on a TCP port (one host connection at a time, like a board on one
 * USB cable; the next host waits in the backlog) or on a serial device. The model stays loaded
 * across connections, as on a chip that keeps its memory. Runs on its own daemon thread.
 */
public final class BoardEmulatorServer implements Closeable {
    private final BoardEmulator emulator;
    private final ServerSocket server;
    private final SerialPort serial;
    private final Thread thread;
    private final Consumer<String> log;
    private final AtomicLong sessions = new AtomicLong();
    private volatile Socket current;
    private volatile boolean closed;

    private BoardEmulatorServer(BoardEmulator emulator, ServerSocket server, SerialPort serial, Consumer<String> log) {
        this.emulator = emulator;
        this.server = server;
        this.serial = serial;
        this.log = log;
        thread = Thread.ofPlatform().daemon().name("board-emulator").unstarted(server != null ? this::acceptLoop : this::serialLoop);
    }

    /** Listens on {@code bindAddress:port} (port 0 picks a free one, see {@link #port()}). */
    public static BoardEmulatorServer tcp(ChipLimits limits, InetAddress bindAddress, int port, Consumer<String> log)
            throws IOException {
        ServerSocket s = new ServerSocket();
        s.setReuseAddress(true);
        s.bind(new InetSocketAddress(bindAddress, port), 1);
        BoardEmulatorServer b = new BoardEmulatorServer(new BoardEmulator(limits), s, null, log);
        b.thread.start();
        return b;
    }

    /** Serves on a serial device (a USB gadget port, or one end of a pseudo-terminal pair). */
    public static BoardEmulatorServer serial(ChipLimits limits, String path, int baud, Consumer<String> log)
            throws IOException {
        SerialPort port = SerialPort.getCommPort(path);
        port.setComPortParameters(baud, 8, SerialPort.ONE_STOP_BIT, SerialPort.NO_PARITY);
        port.setComPortTimeouts(SerialPort.TIMEOUT_READ_BLOCKING, 0, 0);
        if (!port.openPort()) {
            throw new IOException("cannot open serial port " + path + " (error " + port.getLastErrorCode() + ")");
        }
        BoardEmulatorServer b = new BoardEmulatorServer(new BoardEmulator(limits), null, port, log);
        b.thread.start();
        return b;
    }

    public BoardEmulator emulator() {
        return emulator;
    }

    /** The bound TCP port, or -1 when serving a serial device. */
    public int port() {
        return server == null ? -1 : server.getLocalPort();
    }

    /** Host connections served so far. */
    public long sessions() {
        return sessions.get();
    }

    private void acceptLoop() {
        while (!closed) {
            try (Socket s = server.accept()) {
                current = s;
                s.setTcpNoDelay(true);
                sessions.incrementAndGet();
                log.accept("host connected from " + s.getRemoteSocketAddress());
                emulator.serve(new FrameChannel(s.getInputStream(), s.getOutputStream(), s));
                log.accept("host " + s.getRemoteSocketAddress() + " disconnected");
            } catch (SocketException e) {
                if (!closed) {
                    log.accept("connection ended: " + e.getMessage());
                }
            } catch (IOException e) {
                log.accept("connection failed: " + e.getMessage());
            } finally {
                current = null;
            }
        }
    }

    private void serialLoop() {
        sessions.incrementAndGet();
        try {
            emulator.serve(new FrameChannel(serial.getInputStream(), serial.getOutputStream(), serial::closePort));
        } catch (IOException e) {
            if (!closed) {
                log.accept("serial session ended: " + e.getMessage());
            }
        }
    }

    /** Blocks until the server stops (for the command line). */
    public void await() throws InterruptedException {
        thread.join();
    }

    /** Stops listening and drops the current host connection at once, as if the board lost power. */
    @Override
    public void close() {
        closed = true;
        try {
            if (server != null) {
                server.close();
                Socket s = current;
                if (s != null) {
                    s.close();
                }
            } else {
                serial.closePort();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

package dev.myelin.drivers.board;

import dev.myelin.policy.engine.Int8Core;
import dev.myelin.policy.model.PopSan;
import dev.myelin.policy.model.SpikeMode;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.zip.CRC32;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BoardProtocolTest {

    private static BoardEmulatorServer server() throws IOException {
        return BoardEmulatorServer.tcp(ChipLimits.LOIHI_LIKE, InetAddress.getLoopbackAddress(), 0, m -> { });
    }

    /** A hand-built frame, independent of FrameChannel, to pin the documented layout. */
    private static byte[] frame(int version, int type, int seq, byte[] payload, boolean corrupt) {
        ByteBuffer b = ByteBuffer.allocate(14 + payload.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(10 + payload.length).put((byte) version).put((byte) type).putInt(seq).put(payload);
        CRC32 crc = new CRC32();
        crc.update(b.array(), 4, 6 + payload.length);
        b.putInt((int) crc.getValue() ^ (corrupt ? 1 : 0));
        return b.array();
    }

    private static FrameChannel raw(Socket s) throws IOException {
        return new FrameChannel(s.getInputStream(), s.getOutputStream(), s);
    }

    private static String errorReason(FrameChannel ch, int expectedCode) throws IOException {
        assertEquals(BoardProtocol.ERROR, ch.receive());
        ByteBuffer p = ch.payload();
        assertEquals(expectedCode, p.getShort() & 0xFFFF);
        byte[] msg = new byte[p.getShort() & 0xFFFF];
        p.get(msg);
        return new String(msg, java.nio.charset.StandardCharsets.UTF_8);
    }

    @Test
    void statusFrameHasTheDocumentedLayout() throws IOException {
        try (BoardEmulatorServer srv = server(); Socket s = new Socket("127.0.0.1", srv.port())) {
            OutputStream out = s.getOutputStream();
            out.write(frame(1, BoardProtocol.STATUS, 77, new byte[0], false));
            FrameChannel ch = raw(s);
            assertEquals(BoardProtocol.STATUS | BoardProtocol.REPLY, ch.receive());
            assertEquals(77, ch.receivedSequence());
            assertEquals(1 + 2 + 2 + 4 + 4 + 4 + 4 + 1 + 4 + 4, ch.receivedPayloadLength());
            BoardStatus st = BoardStatus.read(ch.payload());
            assertEquals(false, st.loaded());
            assertEquals(128, st.cores());
            assertEquals(1024, st.neuronsPerCore());
            assertEquals(8, st.weightBits());
        }
    }

    @Test
    void corruptedCrcIsAnsweredWithBadFrame() throws IOException {
        try (BoardEmulatorServer srv = server(); Socket s = new Socket("127.0.0.1", srv.port())) {
            s.getOutputStream().write(frame(1, BoardProtocol.STATUS, 5, new byte[0], true));
            assertTrue(errorReason(raw(s), BoardProtocol.E_BAD_FRAME).contains("CRC32 mismatch"));
        }
    }

    @Test
    void anotherProtocolVersionIsAnsweredWithBadFrame() throws IOException {
        try (BoardEmulatorServer srv = server(); Socket s = new Socket("127.0.0.1", srv.port())) {
            s.getOutputStream().write(frame(2, BoardProtocol.STATUS, 5, new byte[0], false));
            assertTrue(errorReason(raw(s), BoardProtocol.E_BAD_FRAME).contains("protocol version 2"));
        }
    }

    @Test
    void unknownRequestStepBeforeLoadAndWrongInputWidthAreRefusedByName() throws IOException {
        try (BoardEmulatorServer srv = server(); Socket s = new Socket("127.0.0.1", srv.port())) {
            OutputStream out = s.getOutputStream();
            FrameChannel ch = raw(s);
            out.write(frame(1, 0x33, 1, new byte[0], false));
            assertTrue(errorReason(ch, BoardProtocol.E_UNKNOWN_TYPE).contains("0x33"));
            byte[] step = ByteBuffer.allocate(9).order(ByteOrder.LITTLE_ENDIAN).put((byte) 1).putShort((short) 1)
                    .putInt(16).put((byte) 0xFF).put((byte) 0x01).array();
            out.write(frame(1, BoardProtocol.STEP, 2, step, false));
            assertTrue(errorReason(ch, BoardProtocol.E_NOT_LOADED).contains("before a model was loaded"));
            // load a real model through the same stream, then send a STEP of the wrong width
            var layers = Int8Core.of(PopSan.random(2, 1, 4, new int[] {8}, 5, SpikeMode.DETERMINISTIC, 1)).layers();
            ByteBuffer b = ch.begin(BoardProtocol.LOAD, 3, ModelImage.size(layers));
            ModelImage.write(layers, b);
            ch.send();
            assertEquals(BoardProtocol.LOAD | BoardProtocol.REPLY, ch.receive());
            out.write(frame(1, BoardProtocol.STEP, 4, step, false));
            assertTrue(errorReason(ch, BoardProtocol.E_BAD_INPUT).contains("the loaded model takes 8"), "8 inputs loaded");
        }
    }

    @Test
    void truncatedLoadIsInvalidAndKeepsThePreviousModel() throws IOException {
        var layers = Int8Core.of(PopSan.random(2, 1, 4, new int[] {8}, 5, SpikeMode.DETERMINISTIC, 1)).layers();
        try (BoardEmulatorServer srv = server();
             BoardLink link = BoardLink.connect(BoardAddress.tcp("127.0.0.1", srv.port()), Duration.ofSeconds(5));
             Socket s = new Socket()) {
            BoardStatus loaded = link.load(layers);
            link.close();
            s.connect(new java.net.InetSocketAddress("127.0.0.1", srv.port()));
            FrameChannel ch = raw(s);
            ByteBuffer full = ByteBuffer.allocate(ModelImage.size(layers)).order(ByteOrder.LITTLE_ENDIAN);
            ModelImage.write(layers, full);
            byte[] cut = java.util.Arrays.copyOf(full.array(), full.capacity() - 3);
            s.getOutputStream().write(frame(1, BoardProtocol.LOAD, 9, cut, false));
            String reason = errorReason(ch, BoardProtocol.E_INVALID_MODEL);
            assertTrue(reason.contains("ends early, inside layer 1"), reason);
            ch.begin(BoardProtocol.STATUS, 10, 0);
            ch.send();
            ch.receive();
            assertEquals(loaded, BoardStatus.read(ch.payload()), "the earlier model is still loaded");
        }
    }

    @Test
    void theEmulatorAnswersStepsWithoutAllocating() throws Exception {
        var layers = Int8Core.of(PopSan.random(6, 2, 10, new int[] {128, 64}, 5, SpikeMode.DETERMINISTIC, 4)).layers();
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        try (java.net.ServerSocket listener = new java.net.ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            BoardEmulator emulator = new BoardEmulator(ChipLimits.LOIHI_LIKE);
            Thread board = Thread.ofPlatform().daemon().start(() -> {
                try (Socket s = listener.accept()) {
                    emulator.serve(raw(s));
                } catch (IOException ignored) {
                    // the host hung up
                }
            });
            try (BoardLink link = BoardLink.connect(BoardAddress.tcp("127.0.0.1", listener.getLocalPort()), Duration.ofSeconds(5))) {
                link.load(layers);
                java.util.SplittableRandom r = new java.util.SplittableRandom(1);
                int[] spikes = new int[5 * 60];
                for (int i = 0; i < spikes.length; i++) {
                    spikes[i] = r.nextInt(3) == 0 ? 1 : 0;
                }
                int[] counts = new int[20];
                long allocated = -1;
                for (int block = 0; block < 30 && allocated != 0; block++) {
                    long before = mx.getThreadAllocatedBytes(board.threadId());
                    for (int i = 0; i < 2000; i++) {
                        link.step(spikes, 5, true, counts, 5000);
                    }
                    allocated = mx.getThreadAllocatedBytes(board.threadId()) - before;
                }
                assertEquals(0, allocated, "bytes the board thread allocated answering 2000 STEPs");
            }
            board.join(5000);
        }
    }

    @Test
    void addressesParseAndBadOnesSayWhy() {
        assertEquals(BoardAddress.tcp("10.0.0.2", 7070), BoardAddress.parse("tcp://10.0.0.2:7070", 1));
        assertEquals(BoardAddress.serial("/dev/ttyACM0", 115200), BoardAddress.parse("serial:/dev/ttyACM0", 115200));
        assertThrows(IllegalArgumentException.class, () -> BoardAddress.parse("tcp://nohost", 1));
        assertThrows(IllegalArgumentException.class, () -> BoardAddress.parse("serial:", 1));
    }
}

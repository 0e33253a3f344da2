package dev.myelin.drivers.board;

import dev.myelin.policy.engine.InferenceEngine;
import dev.myelin.policy.engine.InferenceEngines;
import dev.myelin.policy.engine.Int8Core;
import dev.myelin.policy.model.Policy;
import dev.myelin.policy.model.PopSan;
import dev.myelin.policy.model.SpikeMode;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.time.Duration;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BoardEngineTest {
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    private static BoardEmulatorServer emulator(ChipLimits limits) throws IOException {
        return BoardEmulatorServer.tcp(limits, LOOPBACK, 0, msg -> { });
    }

    private static String spec(int port, int deadlineMs) {
        return "board:tcp://127.0.0.1:" + port + "?deadline_ms=" + deadlineMs;
    }

    @Test
    void boardActionsAreBitIdenticalToTheInt8EngineOnRandomPolicies() throws IOException {
        SplittableRandom r = new SplittableRandom(7);
        try (BoardEmulatorServer server = emulator(ChipLimits.LOIHI_LIKE)) {
            for (int trial = 0; trial < 8; trial++) {
                int obs = r.nextInt(1, 9);
                int act = r.nextInt(1, 4);
                int pop = r.nextInt(3, 11);
                int[] hidden = r.nextBoolean() ? new int[] {r.nextInt(8, 96)} : new int[] {r.nextInt(8, 96), r.nextInt(8, 64)};
                SpikeMode mode = r.nextBoolean() ? SpikeMode.DETERMINISTIC : SpikeMode.POISSON;
                Policy policy = Policies.popsan(obs, act, pop, hidden, mode, r.nextLong());
                InferenceEngine int8 = InferenceEngines.create("int8", policy);
                // a generous deadline: this test is about the bits, not the latency
                InferenceEngine board = InferenceEngines.create(spec(server.port(), 2000), policy);
                assertInstanceOf(BoardEngine.class, board);
                float[] a = new float[act];
                float[] b = new float[act];
                for (float[] o : Policies.observations(60, obs, r.nextLong())) {
                    int8.act(o, a);
                    board.act(o, b);
                    assertArrayEquals(a, b, "trial " + trial + " (" + mode + ", hidden " + java.util.Arrays.toString(hidden) + ")");
                    assertEquals(int8.energy().spikes(), board.energy().spikes(), "spikes");
                    assertEquals(int8.energy().synOps(), board.energy().synOps(), "SynOps");
                    assertEquals(int8.energy().macs(), board.energy().macs(), "MACs");
                }
                BoardDiagnostics d = ((BoardEngine) board).diagnostics();
                assertEquals(60, d.boardDecisions(), d.toString());
                assertEquals(0, d.cpuFallbacks(), d.toString());
                assertEquals(60, d.rtt().samples());
                ((BoardEngine) board).close();
            }
        }
    }

    @Test
    void emulatorStepCountsMatchTheInt8CoreExactly() throws IOException {
        Policy policy = Policies.popsan(4, 2, 10, new int[] {64, 32}, SpikeMode.DETERMINISTIC, 11);
        Int8Core reference = Int8Core.of((PopSan) policy.network());
        try (BoardEmulatorServer server = emulator(ChipLimits.LOIHI_LIKE);
             BoardLink link = BoardLink.connect(BoardAddress.tcp("127.0.0.1", server.port()), Duration.ofSeconds(5))) {
            BoardStatus s = link.load(reference.layers());
            assertTrue(s.loaded());
            assertEquals(40, s.inputs());
            assertEquals(20, s.outputs());
            assertEquals(64 + 32 + 20, s.neuronsUsed());
            assertEquals(3, s.coresUsed(), "one core per layer at 1024 neurons per core");
            SplittableRandom r = new SplittableRandom(3);
            int t = 9;
            int[] spikes = new int[t * 40];
            int[] counts = new int[20];
            int[] expected = new int[20];
            for (int trial = 0; trial < 50; trial++) {
                for (int i = 0; i < spikes.length; i++) {
                    spikes[i] = r.nextInt(4) == 0 ? 1 : 0;
                }
                reference.reset();
                java.util.Arrays.fill(expected, 0);
                int[] rowIn = new int[40];
                for (int step = 0; step < t; step++) {
                    System.arraycopy(spikes, step * 40, rowIn, 0, 40);
                    int[] out = reference.step(rowIn);
                    for (int k = 0; k < 20; k++) {
                        expected[k] += out[k];
                    }
                }
                link.step(spikes, t, true, counts, 2000);
                assertArrayEquals(expected, counts);
                assertEquals(reference.synOps(), link.lastSynOps());
                assertEquals(reference.spikes(), link.lastSpikes());
            }
            assertEquals(s, link.status());
        }
    }

    @Test
    void aPolicyThatDoesNotFitIsRefusedWithTheReasonAndTheCpuComputesEveryDecision() throws IOException {
        Policy policy = Policies.popsan(6, 2, 10, new int[] {200, 200}, SpikeMode.DETERMINISTIC, 5);
        ChipLimits tiny = new ChipLimits(4, 128, 64 * 1024, 8);
        try (BoardEmulatorServer server = emulator(tiny)) {
            try (BoardLink link = BoardLink.connect(BoardAddress.tcp("127.0.0.1", server.port()), Duration.ofSeconds(5))) {
                BoardProtocolException e = assertThrows(BoardProtocolException.class,
                        () -> link.load(Int8Core.of((PopSan) policy.network()).layers()));
                assertEquals(BoardProtocol.E_DOES_NOT_FIT, e.code());
                assertTrue(e.getMessage().contains("more than the chip's 4 cores"), e.getMessage());
                assertFalse(link.status().loaded(), "nothing half-loaded");
            }
            InferenceEngine int8 = InferenceEngines.create("int8", policy);
            try (BoardEngine board = (BoardEngine) InferenceEngines.create(spec(server.port(), 500), policy)) {
                float[] a = new float[2];
                float[] b = new float[2];
                for (float[] o : Policies.observations(30, 6, 9)) {
                    int8.act(o, a);
                    board.act(o, b);
                    assertArrayEquals(a, b);
                }
                BoardDiagnostics d = board.diagnostics();
                assertEquals(0, d.boardDecisions());
                assertEquals(30, d.cpuFallbacks());
                assertTrue(d.refusals() >= 1, d.toString());
                assertTrue(d.lastFault().contains("DOES_NOT_FIT"), d.toString());
            }
        }
    }

    @Test
    void weightsWiderThanTheChipAreRefused() throws IOException {
        Policy policy = Policies.popsan(2, 1, 4, new int[] {8}, SpikeMode.DETERMINISTIC, 5);
        try (BoardEmulatorServer server = emulator(new ChipLimits(8, 64, 1024, 4));
             BoardLink link = BoardLink.connect(BoardAddress.tcp("127.0.0.1", server.port()), Duration.ofSeconds(5))) {
            BoardProtocolException e = assertThrows(BoardProtocolException.class,
                    () -> link.load(Int8Core.of((PopSan) policy.network()).layers()));
            assertTrue(e.getMessage().contains("4 weight bits"), e.getMessage());
        }
    }

    @Test
    void killingTheBoardMidRunMissesNoDecisionAndTheEngineReconnects() throws Exception {
        Policy policy = Policies.popsan(5, 2, 10, new int[] {64, 64}, SpikeMode.POISSON, 21);
        InferenceEngine int8 = InferenceEngines.create("int8", policy);
        BoardEmulatorServer server = emulator(ChipLimits.LOIHI_LIKE);
        int port = server.port();
        float[][] obs = Policies.observations(400, 5, 4);
        float[] a = new float[2];
        float[] b = new float[2];
        try (BoardEngine board = (BoardEngine) InferenceEngines.create(spec(port, 1000), policy)) {
            int decisions = 0;
            for (int i = 0; i < 100; i++, decisions++) {
                int8.act(obs[decisions], a);
                board.act(obs[decisions], b);
                assertArrayEquals(a, b, "decision " + decisions);
            }
            long beforeKill = board.diagnostics().boardDecisions();
            assertEquals(100, beforeKill);
            server.close();  // the board loses power mid-run
            for (int i = 0; i < 100; i++, decisions++) {
                int8.act(obs[decisions], a);
                board.act(obs[decisions], b);  // must return an action every time
                assertArrayEquals(a, b, "decision " + decisions + " after the board died");
            }
            BoardDiagnostics dead = board.diagnostics();
            assertEquals(100, dead.cpuFallbacks(), dead.toString());
            assertEquals(100, dead.boardDecisions());
            assertTrue(dead.disconnects() >= 1, dead.toString());

            server = BoardEmulatorServer.tcp(ChipLimits.LOIHI_LIKE, LOOPBACK, port, msg -> { });
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (board.diagnostics().boardDecisions() == 100 && System.nanoTime() < deadline) {
                int8.act(obs[decisions % obs.length], a);
                board.act(obs[decisions % obs.length], b);
                assertArrayEquals(a, b, "decision " + decisions + " while reconnecting");
                decisions++;
                Thread.sleep(5);
            }
            BoardDiagnostics back = board.diagnostics();
            assertTrue(back.boardDecisions() > 100, "the engine went back to the board: " + back);
            assertEquals(decisions, back.boardDecisions() + back.cpuFallbacks(), "every decision was made");
            assertTrue(back.connects() >= 2, back.toString());
        } finally {
            server.close();
        }
    }

    @Test
    void aBoardThatStopsAnsweringTimesOutAndTheCpuTakesOver() throws Exception {
        Policy policy = Policies.popsan(3, 1, 10, new int[] {32}, SpikeMode.DETERMINISTIC, 8);
        InferenceEngine int8 = InferenceEngines.create("int8", policy);
        // a board that accepts and loads but then never answers a STEP
        try (java.net.ServerSocket silent = new java.net.ServerSocket(0, 1, LOOPBACK)) {
            Thread t = Thread.ofPlatform().daemon().start(() -> {
                try (java.net.Socket s = silent.accept()) {
                    FrameChannel ch = new FrameChannel(s.getInputStream(), s.getOutputStream(), s);
                    BoardEmulator real = new BoardEmulator(ChipLimits.LOIHI_LIKE);
                    ch.receive();  // LOAD: answer it through a real emulator session below
                    java.nio.ByteBuffer p = ch.payload();
                    real.chip().load(ModelImage.read(p));
                    java.nio.ByteBuffer r = ch.begin(BoardProtocol.LOAD | BoardProtocol.REPLY, ch.receivedSequence(), 64);
                    r.put((byte) 1).putShort((short) 1).putShort((short) 128).putInt(42).putInt(1024).putInt(0).putInt(65536)
                            .put((byte) 8).putInt(30).putInt(10);
                    ch.send();
                    while (true) {
                        ch.receive();  // swallow STEPs
                    }
                } catch (Exception ignored) {
                    // the host hung up
                }
            });
            try (BoardEngine board = (BoardEngine) InferenceEngines.create(
                    "board:tcp://127.0.0.1:" + silent.getLocalPort() + "?deadline_ms=20", policy)) {
                float[] a = new float[1];
                float[] b = new float[1];
                for (float[] o : Policies.observations(5, 3, 2)) {
                    int8.act(o, a);
                    board.act(o, b);
                    assertArrayEquals(a, b);
                }
                BoardDiagnostics d = board.diagnostics();
                assertEquals(1, d.timeouts(), d.toString());
                assertEquals(5, d.cpuFallbacks(), d.toString());
            }
            t.interrupt();
        }
    }

    @Test
    void boardAndCpuPathsAllocateNothingPerDecision() throws Exception {
        Policy policy = Policies.popsan(6, 2, 10, new int[] {128, 128}, SpikeMode.DETERMINISTIC, 31);
        float[][] obs = Policies.observations(64, 6, 1);
        float[] action = new float[2];
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        try (BoardEmulatorServer server = emulator(ChipLimits.LOIHI_LIKE);
             BoardEngine board = (BoardEngine) InferenceEngines.create(spec(server.port(), 2000), policy)) {
            long allocated = steadyStateAllocation(board, obs, action, mx, true);
            assertEquals(0, allocated, "bytes allocated by 2000 board decisions");
        }
        // no board at all: every decision on the CPU
        int freePort;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, LOOPBACK)) {
            freePort = s.getLocalPort();
        }
        try (BoardEngine cpu = (BoardEngine) InferenceEngines.create("board:tcp://127.0.0.1:" + freePort
                + "?connect_ms=50", policy)) {
            long allocated = steadyStateAllocation(cpu, obs, action, mx, false);
            assertEquals(0, allocated, "bytes allocated by 2000 CPU fallback decisions");
        }
    }

    /**
     * Bytes allocated by the last of up to 40 blocks of 2000 decisions: the encoder's vector kernels
     * allocate until the JIT has compiled them, so blocks run until one allocates nothing.
     */
    private static long steadyStateAllocation(BoardEngine engine, float[][] obs, float[] action,
                                              com.sun.management.ThreadMXBean mx, boolean onBoard) {
        long allocated = -1;
        boolean pathHeld = false;
        for (int block = 0; block < 40 && (allocated != 0 || !pathHeld); block++) {
            long boardBefore = engine.diagnostics().boardDecisions();
            long before = mx.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < 2000; i++) {
                engine.act(obs[i & 63], action);
            }
            allocated = mx.getCurrentThreadAllocatedBytes() - before;
            long onBoardInBlock = engine.diagnostics().boardDecisions() - boardBefore;
            // a block counts only if every decision took the path under test (a rare timeout under load falls back)
            pathHeld = onBoardInBlock == (onBoard ? 2000 : 0);
        }
        assertTrue(pathHeld, "the last block ran entirely " + (onBoard ? "on the board" : "on the CPU"));
        return allocated;
    }

    @Test
    void badEngineOptionsNameTheProblem() {
        Policy policy = Policies.popsan(2, 1, 4, new int[] {8}, SpikeMode.DETERMINISTIC, 1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> InferenceEngines.create("board:udp://x:1", policy));
        assertTrue(e.getMessage().contains("tcp:// or serial:"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> InferenceEngines.create("board:tcp://host:99999", policy));
        assertTrue(e.getMessage().contains("99999"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> InferenceEngines.create("board:tcp://h:1?deadline_ms=soon", policy));
        assertTrue(e.getMessage().contains("deadline_ms=soon"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> InferenceEngines.create("board:tcp://h:1?speed=3", policy));
        assertTrue(e.getMessage().contains("speed"), e.getMessage());
    }
}

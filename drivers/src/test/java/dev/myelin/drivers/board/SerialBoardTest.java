package dev.myelin.drivers.board;

import dev.myelin.policy.engine.InferenceEngine;
import dev.myelin.policy.engine.InferenceEngines;
import dev.myelin.policy.model.Policy;
import dev.myelin.policy.model.SpikeMode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The board engine over a serial line: a pseudo-terminal pair from socat (installed by ./myelin, PKGS_DRIVERS). */
class SerialBoardTest {

    @Test
    void boardEngineOverASerialPseudoTerminalMatchesTheInt8Engine(@TempDir Path dir) throws Exception {
        Path board = dir.resolve("board");
        Path host = dir.resolve("host");
        Process socat = new ProcessBuilder("socat", "pty,raw,echo=0,link=" + board, "pty,raw,echo=0,link=" + host)
                .redirectErrorStream(true).start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!(Files.exists(board) && Files.exists(host)) && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertTrue(Files.exists(board) && Files.exists(host), "socat made the pseudo-terminal pair");
            Policy policy = Policies.popsan(4, 2, 10, new int[] {48, 32}, SpikeMode.DETERMINISTIC, 77);
            InferenceEngine int8 = InferenceEngines.create("int8", policy);
            try (BoardEmulatorServer emulator = BoardEmulatorServer.serial(ChipLimits.LOIHI_LIKE,
                    board.toRealPath().toString(), 115200, m -> { });
                 BoardEngine engine = (BoardEngine) InferenceEngines.create("board:serial:" + host.toRealPath()
                         + "?deadline_ms=2000&connect_ms=3000", policy)) {
                float[] a = new float[2];
                float[] b = new float[2];
                for (float[] o : Policies.observations(40, 4, 5)) {
                    int8.act(o, a);
                    engine.act(o, b);
                    assertArrayEquals(a, b);
                }
                BoardDiagnostics d = engine.diagnostics();
                assertEquals(40, d.boardDecisions(), d.toString());
                assertEquals(0, d.cpuFallbacks(), d.toString());
            }
        } finally {
            socat.destroy();
            socat.waitFor(5, TimeUnit.SECONDS);
        }
    }
}

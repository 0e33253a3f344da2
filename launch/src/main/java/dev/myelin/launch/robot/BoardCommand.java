package dev.myelin.launch.robot;

import dev.myelin.drivers.board.BoardAddress;
import dev.myelin.drivers.board.BoardDiagnostics;
import dev.myelin.drivers.board.BoardEmulatorServer;
import dev.myelin.drivers.board.BoardEngine;
import dev.myelin.drivers.board.BoardEngineOptions;
import dev.myelin.drivers.board.BoardLink;
import dev.myelin.drivers.board.BoardStatus;
import dev.myelin.drivers.board.ChipLimits;
import dev.myelin.launch.JsonReport;
import dev.myelin.launch.bundle.NirCommand;
import dev.myelin.policy.bundle.BundleReader;
import dev.myelin.policy.bundle.TrustedKeys;
import dev.myelin.policy.engine.Int8Core;
import dev.myelin.policy.model.Policy;
import dev.myelin.policy.model.PopSan;
import dev.myelin.policy.model.SpikeMode;
import org.HdrHistogram.Histogram;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;

/** {@code ./myelin board ...}: talk to a neuromorphic board (or the emulator): status and offload round trip. */
@Command(name = "board", mixinStandardHelpOptions = true,
        description = "Neuromorphic board link: status, offload round-trip benchmark.",
        subcommands = {BoardCommand.Status.class, BoardCommand.Rtt.class})
public final class BoardCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "name a subcommand: status, rtt");
    }

    static Policy policy(Path bundle) throws Exception {
        if (bundle != null) {
            return BundleReader.read(bundle, TrustedKeys.none()).policy();
        }
        // PopSAN's published shape on a 24-dimensional observation: 240 encoder neurons, 256, 256, 2 x 10 outputs
        return Policy.withDefaults(PopSan.random(24, 2, 10, new int[] {256, 256}, 5, SpikeMode.DETERMINISTIC, 1),
                Map.of("source", "board rtt"));
    }

    @Command(name = "status", mixinStandardHelpOptions = true, description = "Connect, optionally load a bundle, print STATUS.")
    static final class Status implements Callable<Integer> {
        @Option(names = "--address", defaultValue = "tcp://127.0.0.1:7070",
                description = "tcp://HOST:PORT or serial:DEVICE (default ${DEFAULT-VALUE}).")
        String address;

        @Option(names = "--baud", defaultValue = "115200")
        int baud;

        @Option(names = "--load", paramLabel = "BUNDLE", description = "Load this PopSAN bundle's spiking core first.")
        Path bundle;

        @Override
        public Integer call() throws Exception {
            try (BoardLink link = BoardLink.connect(BoardAddress.parse(address, baud), Duration.ofSeconds(2))) {
                if (bundle != null) {
                    Policy p = policy(bundle);
                    link.load(Int8Core.of((PopSan) p.network()).layers());
                }
                BoardStatus s = link.status();
                System.out.println(address + ": " + s);
            }
            return 0;
        }
    }

    @Command(name = "rtt", mixinStandardHelpOptions = true,
            description = {"Offload round trip: decisions through the board engine (encoder and decoder here, the",
                    "spiking core on the board) with their STEP round trips, plus bare one-step STEP pings.",
                    "Without --address an emulator is started in-process on a loopback port."})
    static final class Rtt implements Callable<Integer> {
        @Option(names = "--address", description = "tcp://HOST:PORT or serial:DEVICE of a running board or emulator.")
        String address;

        @Option(names = "--bundle", description = "PopSAN bundle (default: a random PopSAN 240-256-256-20, T = 5).")
        Path bundle;

        @Option(names = "--decisions", defaultValue = "5000", description = "Timed decisions (default ${DEFAULT-VALUE}).")
        int decisions;

        @Option(names = "--warmup", defaultValue = "10000", description = "Untimed decisions first (default ${DEFAULT-VALUE}).")
        int warmup;

        @Option(names = "--deadline-ms", defaultValue = "20", description = "Per-decision deadline (default ${DEFAULT-VALUE}).")
        int deadlineMs;

        @Option(names = "--json", paramLabel = "FILE", description = "Write the figures as JSON.")
        Path json;

        @Override
        public Integer call() throws Exception {
            Policy policy = policy(bundle);
            BoardEmulatorServer emulator = null;
            String target = address;
            if (target == null) {
                emulator = BoardEmulatorServer.tcp(ChipLimits.LOIHI_LIKE, InetAddress.getLoopbackAddress(), 0, m -> { });
                target = "tcp://127.0.0.1:" + emulator.port();
            }
            try {
                JsonReport report = new JsonReport();
                int obs = policy.network().observationSize();
                SplittableRandom r = new SplittableRandom(3);
                float[][] observations = new float[256][obs];
                for (float[] o : observations) {
                    for (int i = 0; i < obs; i++) {
                        o[i] = (float) r.nextDouble(-2, 2);
                    }
                }
                float[] action = new float[policy.network().actionSize()];
                Histogram act = new Histogram(60_000_000_000L, 3);
                BoardDiagnostics d;
                try (BoardEngine engine = new BoardEngine(policy, BoardEngineOptions.parse(target + "?deadline_ms=" + deadlineMs))) {
                    for (int i = 0; i < warmup; i++) {
                        engine.act(observations[i & 255], action);
                    }
                    BoardDiagnostics before = engine.diagnostics();
                    engine.clearRtt();
                    for (int i = 0; i < decisions; i++) {
                        long t0 = System.nanoTime();
                        engine.act(observations[i & 255], action);
                        act.recordValue(Math.max(1, System.nanoTime() - t0));
                    }
                    d = engine.diagnostics();
                    report.put("board.decisions", decisions);
                    report.put("board.cpu_fallbacks", d.cpuFallbacks() - before.cpuFallbacks());
                }
                BoardLink.Rtt ping;
                try (BoardLink link = BoardLink.connect(BoardAddress.parse(target, 115200), Duration.ofSeconds(2))) {
                    link.load(Int8Core.of((PopSan) policy.network()).layers());
                    link.measureRtt(Math.max(1, Math.min(warmup, 5000)));
                    ping = link.measureRtt(decisions);
                }
                BoardLink.Rtt rtt = d.rtt();
                System.out.printf(Locale.ROOT, "board %s, policy %s, %d decisions (%d warm-up)%n", target,
                        NirCommand.describe(policy), decisions, warmup);
                System.out.printf(Locale.ROOT, "  board.rtt_us        p50 %8.1f  p99 %8.1f  max %8.1f   (STEP of %d timesteps per decision)%n",
                        rtt.p50Micros(), rtt.p99Micros(), rtt.maxMicros(), ((PopSan) policy.network()).timesteps());
                System.out.printf(Locale.ROOT, "  board.act_us        p50 %8.1f  p99 %8.1f  max %8.1f   (encoder + round trip + decoder)%n",
                        act.getValueAtPercentile(50) / 1000.0, act.getValueAtPercentile(99) / 1000.0, act.getMaxValue() / 1000.0);
                System.out.printf(Locale.ROOT, "  board.ping_rtt_us   p50 %8.1f  p99 %8.1f  max %8.1f   (one-step STEP, no spikes)%n",
                        ping.p50Micros(), ping.p99Micros(), ping.maxMicros());
                System.out.println("  " + d);
                report.put("board.address", target);
                report.put("board.rtt_us.p50", JsonReport.round(rtt.p50Micros(), 1));
                report.put("board.rtt_us.p99", JsonReport.round(rtt.p99Micros(), 1));
                report.put("board.rtt_us.samples", rtt.samples());
                report.put("board.act_us.p50", JsonReport.round(act.getValueAtPercentile(50) / 1000.0, 1));
                report.put("board.act_us.p99", JsonReport.round(act.getValueAtPercentile(99) / 1000.0, 1));
                report.put("board.ping_rtt_us.p50", JsonReport.round(ping.p50Micros(), 1));
                report.put("board.ping_rtt_us.p99", JsonReport.round(ping.p99Micros(), 1));
                if (json != null) {
                    report.write(json);
                    System.out.println("wrote " + json);
                }
            } finally {
                if (emulator != null) {
                    emulator.close();
                }
            }
            return 0;
        }
    }
}

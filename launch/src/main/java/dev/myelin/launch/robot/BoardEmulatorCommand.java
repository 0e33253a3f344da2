package dev.myelin.launch.robot;

import dev.myelin.drivers.board.BoardEmulatorServer;
import dev.myelin.drivers.board.ChipLimits;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.net.InetAddress;
import java.util.concurrent.Callable;

/** {@code ./myelin board-emulator}: a constrained neuromorphic chip on a TCP port or a serial device. */
@Command(name = "board-emulator", mixinStandardHelpOptions = true,
        description = {"Emulate a neuromorphic board (fixed-point LIF cores, bit-identical to the int8 engine).",
                "Per-core neuron and synapse limits, 8-bit weights, 24-bit state. Controllers reach it with the",
                "engine board:tcp://HOST:PORT (or board:serial:DEVICE)."})
public final class BoardEmulatorCommand implements Callable<Integer> {
    @Option(names = "--port", defaultValue = "7070", description = "TCP port (default ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--bind", defaultValue = "127.0.0.1", description = "Address to listen on (default ${DEFAULT-VALUE}).")
    String bind;

    @Option(names = "--serial", paramLabel = "DEVICE",
            description = "Serve on this serial device instead of TCP (e.g. one end of a socat pty pair).")
    String serial;

    @Option(names = "--baud", defaultValue = "115200", description = "Serial baud rate (default ${DEFAULT-VALUE}).")
    int baud;

    @Option(names = "--cores", defaultValue = "128", description = "Cores on the chip (default ${DEFAULT-VALUE}).")
    int cores;

    @Option(names = "--neurons-per-core", defaultValue = "1024", description = "Default ${DEFAULT-VALUE}.")
    int neuronsPerCore;

    @Option(names = "--synapses-per-core", defaultValue = "65536", description = "Default ${DEFAULT-VALUE}.")
    int synapsesPerCore;

    @Option(names = "--weight-bits", defaultValue = "8", description = "Signed weight width, 2..8 (default ${DEFAULT-VALUE}).")
    int weightBits;

    @Override
    public Integer call() throws Exception {
        ChipLimits limits = new ChipLimits(cores, neuronsPerCore, synapsesPerCore, weightBits);
        BoardEmulatorServer server = serial != null
                ? BoardEmulatorServer.serial(limits, serial, baud, BoardEmulatorCommand::log)
                : BoardEmulatorServer.tcp(limits, InetAddress.getByName(bind), port, BoardEmulatorCommand::log);
        Runtime.getRuntime().addShutdownHook(new Thread(server::close));
        log(limits.cores() + " cores x " + limits.neuronsPerCore() + " neurons, " + limits.synapsesPerCore()
                + " synapses per core, " + limits.weightBits() + "-bit weights, " + ChipLimits.STATE_BITS + "-bit state; "
                + (serial != null ? "serving " + serial : "listening on " + bind + ":" + server.port()));
        server.await();
        return 0;
    }

    private static void log(String line) {
        System.out.println("board-emulator: " + line);
        System.out.flush();
    }
}

package dev.myelin.launch.fleet;

import dev.myelin.bridge.mqtt.EmbeddedBroker;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/** {@code ./myelin broker}: the embedded HiveMQ CE broker on loopback, until interrupted. */
@Command(name = "broker", mixinStandardHelpOptions = true,
        description = "Run the embedded MQTT broker (HiveMQ CE) on 127.0.0.1 until Ctrl-C.")
public final class BrokerCommand implements Callable<Integer> {

    @Option(names = "--port", defaultValue = "1883", description = "Port on 127.0.0.1 (default ${DEFAULT-VALUE}; 0: any free port).")
    int port;

    @Option(names = "--work-dir", paramLabel = "DIR", description = "Broker's folder (default: a temporary one, removed at exit).")
    Path workDir;

    @Override
    public Integer call() throws Exception {
        EmbeddedBroker broker = EmbeddedBroker.start(port, workDir);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            broker.close();
            stopped.countDown();
        }));
        System.out.println("broker listening on " + broker.uri() + " (Ctrl-C stops it)");
        stopped.await();
        return 0;
    }
}

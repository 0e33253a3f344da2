package dev.myelin.launch.fleet;

import dev.myelin.bridge.experience.ExperienceIngest;
import dev.myelin.bridge.experience.ExperienceStore;
import dev.myelin.bridge.mqtt.MqttLink;
import dev.myelin.launch.BrokerOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/**
 * {@code ./myelin experience-ingest --fleet lab --out experience/}: stores every robot's uploaded
 * transitions (each once) until interrupted; the trainer reads the folder with {@code ExperienceStore}.
 */
@Command(name = "experience-ingest", mixinStandardHelpOptions = true,
        description = "Store robots' uploaded experience in a folder (each transition once) until Ctrl-C.")
public final class OtaIngestCommand implements Callable<Integer> {

    @Option(names = "--fleet", required = true, description = "Fleet name.")
    String fleet;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Experience store folder.")
    Path out;

    @Mixin
    BrokerOptions broker;

    @Override
    public Integer call() throws Exception {
        ExperienceStore store = ExperienceStore.open(out);
        // A stable client id and a durable session: batches sent while this is down wait at the broker.
        MqttLink link = new MqttLink(new MqttLink.Options().clientId("myelin-ingest-" + fleet).endpoint(broker.endpoint()));
        ExperienceIngest ingest = new ExperienceIngest(link, fleet, store);
        link.start();
        System.out.println("storing experience of fleet " + fleet + " in " + out + " (" + store.size() + " transitions so far)");
        CountDownLatch stop = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            ingest.close();
            link.close();
            System.out.println("stored " + ingest.stored() + " transitions (" + ingest.duplicates() + " duplicates ignored, "
                    + ingest.refused() + " batches refused)");
            stop.countDown();
        }));
        stop.await();
        return 0;
    }
}

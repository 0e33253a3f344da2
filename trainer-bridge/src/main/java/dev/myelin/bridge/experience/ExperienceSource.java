package dev.myelin.bridge.experience;

import dev.myelin.bridge.mqtt.BrokerEndpoint;
import dev.myelin.bridge.mqtt.MqttLink;
import dev.myelin.bridge.wire.Topics;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;

/**
 * Real experience for the trainer, from either kind of source a command line names:
 * <ul>
 *   <li>a folder: an {@link ExperienceStore} filled earlier (for example by {@code ./myelin experience-ingest});</li>
 *   <li>{@code mqtt://host:port/<fleet>}: live; while open, every robot's uploaded batches are stored in
 *       {@code storeDir} (each transition once) and read from there.</li>
 * </ul>
 * {@link #transitions()} and {@link #forEach} read what is stored at the time of the call. Thread-safe.
 */
public final class ExperienceSource implements AutoCloseable {

    private final ExperienceStore store;
    private final MqttLink link;
    private final ExperienceIngest ingest;

    private ExperienceSource(ExperienceStore store, MqttLink link, ExperienceIngest ingest) {
        this.store = store;
        this.link = link;
        this.ingest = ingest;
    }

    /**
     * @param spec     a folder, or {@code mqtt://host:port/<fleet>}
     * @param storeDir where a live source stores what arrives (ignored for a folder)
     * @throws IllegalArgumentException naming what is wrong with {@code spec}
     */
    public static ExperienceSource open(String spec, Path storeDir) throws IOException {
        if (spec == null || spec.isBlank()) {
            throw new IllegalArgumentException("experience source is missing: give a folder or mqtt://host:port/<fleet>");
        }
        if (!spec.startsWith("mqtt://")) {
            return new ExperienceSource(ExperienceStore.open(Path.of(spec)), null, null);
        }
        URI u;
        try {
            u = URI.create(spec);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("experience source '" + spec + "' is not a URI: " + e.getMessage());
        }
        String fleet = u.getPath() == null ? "" : u.getPath().replaceFirst("^/", "");
        if (u.getHost() == null || u.getPort() <= 0 || fleet.isEmpty()) {
            throw new IllegalArgumentException("experience source '" + spec + "' must be mqtt://host:port/<fleet>");
        }
        Topics.name("fleet", fleet);
        if (storeDir == null) {
            throw new IllegalArgumentException("a live experience source needs a folder to store what arrives");
        }
        ExperienceStore store = ExperienceStore.open(storeDir);
        // A stable client id and a durable session: batches sent while the trainer is away wait at the broker.
        MqttLink link = new MqttLink(new MqttLink.Options().clientId("myelin-ingest-" + fleet)
                .endpoint(BrokerEndpoint.tcp(u.getHost(), u.getPort())));
        ExperienceIngest ingest = new ExperienceIngest(link, fleet, store);
        link.start();
        return new ExperienceSource(store, link, ingest);
    }

    public ExperienceStore store() {
        return store;
    }

    /** Whether robots' batches are being received now. */
    public boolean live() {
        return ingest != null;
    }

    public long size() {
        return store.size();
    }

    public List<ExperienceTransition> transitions() throws IOException {
        return store.transitions();
    }

    public void forEach(Consumer<ExperienceTransition> visitor) throws IOException {
        store.forEach(visitor);
    }

    /** Stops receiving (a live source); what was stored stays. */
    @Override
    public void close() {
        if (ingest != null) {
            ingest.close();
            link.close();
        }
    }
}

package dev.myelin.bridge.experience;

import dev.myelin.bridge.mqtt.MqttLink;
import dev.myelin.bridge.wire.PayloadException;
import dev.myelin.bridge.wire.Topics;
import org.eclipse.paho.mqttv5.common.MqttException;

import java.io.IOException;
import java.lang.System.Logger.Level;

/**
 * The trainer's end of experience upload: takes every robot's batches from
 * {@code myelin/<fleet>/robots/+/experience}, refuses malformed ones, unknown versions and batches that speak
 * for another robot than the topic's, stores the rest in an {@link ExperienceStore} (durably, before the
 * MQTT acknowledgement goes back, since storing happens in the message callback) and acknowledges each
 * batch to its robot, duplicates included. Its link should keep a durable session (the default), so batches
 * sent while the trainer is away wait at the broker.
 *
 * <p>Acknowledgements are published from a thread of the ingest's own: publishing from the MQTT callback
 * thread can deadlock the client while it reconnects.
 */
public final class ExperienceIngest implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(ExperienceIngest.class.getName());

    private final MqttLink link;
    private final String fleet;
    private final ExperienceStore store;
    private final java.util.concurrent.ExecutorService acks = java.util.concurrent.Executors.newSingleThreadExecutor(
            Thread.ofPlatform().daemon().name("experience-acks").factory());
    private volatile long batches;
    private volatile long stored;
    private volatile long duplicates;
    private volatile long refused;

    public ExperienceIngest(MqttLink link, String fleet, ExperienceStore store) {
        this.link = link;
        this.fleet = Topics.name("fleet", fleet);
        this.store = store;
        link.subscribe(Topics.everyRobot(fleet, "experience"), 1, this::onBatch);
    }

    private void onBatch(String topic, byte[] payload, boolean retained) {
        ExperienceBatch b;
        try {
            b = ExperienceBatch.decode(payload);
            if (!b.robot().equals(Topics.robotOf(topic))) {
                throw new PayloadException("experience.robot", "batch of " + b.robot() + " on " + topic);
            }
        } catch (PayloadException e) {
            refused++;
            LOG.log(Level.WARNING, "experience batch on " + topic + " refused: " + e.getMessage());
            return;
        }
        int added;
        try {
            added = store.add(b);
        } catch (IOException e) {
            LOG.log(Level.ERROR, "cannot store experience from " + b.robot() + ": " + e.getMessage()
                    + " (not acknowledged; the robot sends it again)");
            return;
        }
        batches++;
        stored += added;
        if (added < b.count()) {
            duplicates += b.count() - added;
        }
        byte[] ack = new ExperienceAck(b.robot(), b.outboxId(), b.segment(), b.first(), b.count()).toBytes();
        String ackTopic = Topics.experienceAck(fleet, b.robot());
        acks.execute(() -> {
            try {
                link.publish(ackTopic, ack, 1, false);
            } catch (MqttException e) {
                // Not sent: the robot sends the batch again and gets the acknowledgement then.
                LOG.log(Level.DEBUG, "acknowledgement to " + ackTopic + " not sent: " + e.getMessage());
            }
        });
    }

    public ExperienceStore store() {
        return store;
    }

    public long batches() {
        return batches;
    }

    /** Transitions stored by this ingest (duplicates excluded). */
    public long stored() {
        return stored;
    }

    /** Transitions received again and not stored twice. */
    public long duplicates() {
        return duplicates;
    }

    public long refused() {
        return refused;
    }

    @Override
    public void close() {
        link.unsubscribe(Topics.everyRobot(fleet, "experience"));
        acks.shutdown();
        try {
            acks.awaitTermination(5, java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

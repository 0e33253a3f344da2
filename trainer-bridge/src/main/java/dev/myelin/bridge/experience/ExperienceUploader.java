package dev.myelin.bridge.experience;

import dev.myelin.bridge.mqtt.MqttLink;
import dev.myelin.bridge.wire.PayloadException;
import dev.myelin.bridge.wire.Topics;
import org.eclipse.paho.mqttv5.common.MqttException;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.time.Duration;

/**
 * Sends a robot's recorded experience to the trainer: one batch at a time from the outbox's cursor, QoS 1,
 * sent again (same records, same id) until the trainer acknowledges storing it, and only then moves the
 * cursor. Across broker outages and robot restarts nothing is lost (the outbox keeps every unacknowledged
 * record on disk) and nothing is stored twice (the trainer keeps each record once by its identity).
 *
 * <p>Runs its own thread; {@link #start()} and {@link #close()} from any thread.
 */
public final class ExperienceUploader implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(ExperienceUploader.class.getName());

    private final ExperienceOutbox outbox;
    private final MqttLink link;
    private final String fleet;
    private final int maxBatchBytes;
    private final long resendNanos;
    private final Thread thread;
    private final Object wake = new Object();
    private volatile boolean running = true;
    private volatile ExperienceOutbox.Batch inFlight;
    /**
     * The batch the trainer acknowledged: the very object that was in flight when its acknowledgement came,
     * so a late or repeated acknowledgement of an earlier batch can never be taken for the current one's.
     */
    private volatile ExperienceOutbox.Batch acknowledged;
    private volatile long batchesSent;
    private volatile long batchesAcked;
    private volatile long transitionsAcked;
    private volatile String lastProblem = "";
    /** When the uploader last found nothing after the cursor and nothing in flight. */
    private volatile long caughtUpAtNanos;
    private volatile boolean everCaughtUp;

    /**
     * @param link          a connected or connecting link (the update agent's may be shared)
     * @param maxBatchBytes largest batch payload, 1 KiB .. 128 KiB
     * @param resendAfter   how long to wait for the trainer's acknowledgement before sending again
     */
    public ExperienceUploader(ExperienceOutbox outbox, MqttLink link, String fleet, int maxBatchBytes, Duration resendAfter) {
        if (maxBatchBytes < 1024 || maxBatchBytes > ExperienceBatch.MAX_PAYLOAD_BYTES) {
            throw new IllegalArgumentException("batch size must be 1024.." + ExperienceBatch.MAX_PAYLOAD_BYTES);
        }
        if (resendAfter == null || resendAfter.isNegative() || resendAfter.isZero()) {
            throw new IllegalArgumentException("resend interval must be positive");
        }
        this.outbox = outbox;
        this.link = link;
        this.fleet = Topics.name("fleet", fleet);
        this.maxBatchBytes = maxBatchBytes;
        this.resendNanos = resendAfter.toNanos();
        link.subscribe(Topics.experienceAck(fleet, outbox.robot()), 1, (t, p, r) -> onAck(p));
        this.thread = new Thread(this::run, "experience-uploader-" + outbox.robot());
        thread.setDaemon(true);
    }

    public ExperienceUploader(ExperienceOutbox outbox, MqttLink link, String fleet) {
        this(outbox, link, fleet, 120 * 1024, Duration.ofSeconds(5));
    }

    public void start() {
        thread.start();
    }

    public long batchesSent() {
        return batchesSent;
    }

    public long batchesAcked() {
        return batchesAcked;
    }

    public long transitionsAcked() {
        return transitionsAcked;
    }

    public String lastProblem() {
        return lastProblem;
    }

    private void onAck(byte[] payload) {
        ExperienceAck a;
        try {
            a = ExperienceAck.parse(payload);
        } catch (PayloadException e) {
            LOG.log(Level.WARNING, outbox.robot() + ": experience acknowledgement refused: " + e.getMessage());
            return;
        }
        ExperienceOutbox.Batch b = inFlight;
        if (b != null && a.outboxId() == outbox.outboxId() && a.segment() == b.segment() && a.first() == b.first()
                && a.count() == b.count()) {
            acknowledged = b;
            synchronized (wake) {
                wake.notifyAll();
            }
        }
    }

    private void run() {
        long sentAt = 0;
        while (running) {
            try {
                outbox.maintain();
                ExperienceOutbox.Batch b = inFlight;
                if (b != null && acknowledged == b) {
                    outbox.acknowledge(b);
                    batchesAcked++;
                    transitionsAcked += b.count();
                    inFlight = null;
                    b = null;
                }
                if (b == null) {
                    long looked = System.nanoTime();
                    b = outbox.nextBatch(maxBatchBytes);
                    inFlight = b;
                    sentAt = 0;
                    if (b == null) {
                        caughtUpAtNanos = looked;
                        everCaughtUp = true;
                    }
                }
                if (b != null && link.isConnected() && (sentAt == 0 || System.nanoTime() - sentAt > resendNanos)) {
                    try {
                        link.publish(Topics.experience(fleet, outbox.robot()), b.payload(), 1, false);
                        batchesSent++;
                        sentAt = System.nanoTime();
                    } catch (MqttException e) {
                        lastProblem = "publish: " + e.getMessage();
                    }
                }
                if (b == null || acknowledged != b) {
                    synchronized (wake) {
                        if (acknowledged != inFlight && running) {
                            wake.wait(b == null ? 100 : 50);
                        }
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (IOException | RuntimeException e) {
                lastProblem = e.getMessage();
                LOG.log(Level.ERROR, outbox.robot() + ": experience upload: " + e.getMessage());
                try {
                    Thread.sleep(500);
                } catch (InterruptedException ie) {
                    return;
                }
            }
        }
    }

    /**
     * Waits until everything recorded before this call is acknowledged by the trainer (the uploader found the
     * outbox empty after the call began), or the timeout passes. Stop recording first.
     */
    public boolean drain(Duration timeout) throws InterruptedException {
        long since = System.nanoTime();
        long deadline = since + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (everCaughtUp && caughtUpAtNanos - since > 0) {
                return true;
            }
            synchronized (wake) {
                wake.notifyAll();
            }
            Thread.sleep(20);
        }
        return false;
    }

    /** Stops the thread; unacknowledged records stay in the outbox for the next run. */
    @Override
    public void close() {
        running = false;
        synchronized (wake) {
            wake.notifyAll();
        }
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        link.unsubscribe(Topics.experienceAck(fleet, outbox.robot()));
    }
}

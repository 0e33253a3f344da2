package dev.myelin.bridge.experience;

import java.nio.file.Path;

/**
 * A control loop in a process of its own for crash tests: records transitions numbered 0, 1, 2, ... (the
 * number is the time stamp and the first observation element) as fast as it can, with a maintenance thread
 * preparing segments as the uploader would, and prints {@code RECORDED n} every 1000 records until killed.
 */
public final class OutboxWriterProcess {

    private OutboxWriterProcess() {
    }

    public static void main(String[] args) throws Exception {
        ExperienceOutbox outbox = ExperienceOutbox.open(Path.of(args[0]), "r1",
                new ExperienceOutbox.Options().segmentBytes(1 << 20).maxSegments(512));
        Thread maintainer = new Thread(() -> {
            while (true) {
                try {
                    outbox.maintain();
                    Thread.sleep(1);
                } catch (Exception e) {
                    return;
                }
            }
        });
        maintainer.setDaemon(true);
        maintainer.start();
        float[] obs = new float[6];
        float[] act = new float[2];
        for (long i = 0; ; ) {
            obs[0] = i;
            act[0] = -i;
            if (outbox.record(obs, act, i * 0.5f, i % 100 == 99, i, 42L)) {
                i++;
                if (i % 1000 == 0) {
                    System.out.println("RECORDED " + i);
                    System.out.flush();
                }
            } else {
                Thread.onSpinWait();
            }
        }
    }
}

package dev.myelin.launch.demo;

import dev.myelin.bridge.experience.ExperienceIngest;
import dev.myelin.bridge.experience.ExperienceOutbox;
import dev.myelin.bridge.experience.ExperienceStore;
import dev.myelin.bridge.experience.ExperienceUploader;
import dev.myelin.bridge.mqtt.EmbeddedBroker;
import dev.myelin.bridge.mqtt.MqttLink;
import dev.myelin.bridge.ota.OtaAgent;
import dev.myelin.bridge.release.Rollout;
import dev.myelin.bridge.sim.SimulatedRobot;
import dev.myelin.bridge.wire.ReleaseKeys;
import dev.myelin.bridge.wire.ReleaseSigner;
import dev.myelin.policy.bundle.BundleWriter;
import dev.myelin.policy.bundle.SigningKeys;
import dev.myelin.policy.model.PopSan;
import dev.myelin.policy.model.SpikeMode;
import dev.myelin.policy.model.SpikingNetwork;
import dev.myelin.policy.model.Tensor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * {@code ./myelin ota-demo}: a small fleet end to end with nothing installed. An embedded broker, simulated
 * robots with their update agents and experience upload, and the trainer side: a healthy release goes to
 * a canary and is promoted to the fleet; a release whose commands exceed the safety gate's limit fails the
 * canary's health check and is rolled back automatically; the robots' transitions arrive in the trainer's
 * experience store, each once.
 */
@Command(name = "ota-demo", mixinStandardHelpOptions = true,
        description = "A fleet of simulated robots: canary release, promotion, automatic rollback, experience upload.")
public final class OtaDemoCommand implements Callable<Integer> {

    private static final Logger BRIDGE_LOG = Logger.getLogger("dev.myelin.bridge");

    @Option(names = "--out", defaultValue = "ota-demo-out", description = "Folder for keys, bundles, robot state, experience (default ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--robots", defaultValue = "8", description = "Simulated robots (default ${DEFAULT-VALUE}).")
    int robots;

    @Override
    public Integer call() throws Exception {
        if (robots < 2 || robots > 100) {
            throw new IllegalArgumentException("--robots must be 2..100");
        }
        if (Files.exists(out.resolve("robots"))) {
            throw new IllegalArgumentException(out + " holds an earlier demo's robots; remove it or give another --out");
        }
        BRIDGE_LOG.setLevel(Level.WARNING);
        Files.createDirectories(out);
        KeyPair key = SigningKeys.generate();
        SigningKeys.writePrivateKey(key.getPrivate(), out.resolve("release.pem"));
        SigningKeys.writePublicKey(key.getPublic(), out.resolve("release.pub.pem"));
        ReleaseSigner signer = new ReleaseSigner(key.getPrivate());
        Path factory = out.resolve("nav-1.0.0.myl");
        Files.write(factory, bundle(network(11, false), "1.0.0", key));
        byte[] good = bundle(network(12, false), "1.1.0", key);
        byte[] bad = bundle(network(13, true), "1.2.0", key);
        Files.write(out.resolve("nav-1.1.0.myl"), good);
        Files.write(out.resolve("nav-1.2.0.myl"), bad);

        List<SimulatedRobot> sims = new ArrayList<>();
        List<OtaAgent> agents = new ArrayList<>();
        List<ExperienceOutbox> outboxes = new ArrayList<>();
        List<ExperienceUploader> uploaders = new ArrayList<>();
        try (EmbeddedBroker broker = EmbeddedBroker.start()) {
            System.out.println("broker: embedded HiveMQ CE on " + broker.uri());
            ExperienceStore store = ExperienceStore.open(out.resolve("experience"));
            MqttLink ingestLink = new MqttLink(new MqttLink.Options().clientId("demo-ingest").endpoint(broker.endpoint()));
            ExperienceIngest ingest = new ExperienceIngest(ingestLink, "lab", store);
            ingestLink.start();
            for (int i = 0; i < robots; i++) {
                String id = "r" + (i + 1);
                ExperienceOutbox outbox = ExperienceOutbox.open(out.resolve("robots").resolve(id).resolve("outbox"), id,
                        new ExperienceOutbox.Options().segmentBytes(1 << 20));
                // A generous decision budget: the demo's robots share the machine with the broker and the trainer,
                // and a descheduled tick must not pass for a slow policy.
                SimulatedRobot sim = new SimulatedRobot(id, new SimulatedRobot.Options().period(Duration.ofMillis(20))
                        .decisionBudget(Duration.ofMillis(250)).recorder(outbox), null);
                OtaAgent agent = new OtaAgent(new OtaAgent.Context().robotId(id).fleet("lab").policy("nav")
                        .stateDir(out.resolve("robots").resolve(id)).keys(ReleaseKeys.of(key.getPublic()))
                        .endpoint(broker.endpoint()).host(sim).factoryBundle(factory));
                outboxes.add(outbox);
                sims.add(sim);
                agents.add(agent);
                agent.start();
                sim.start();
                ExperienceUploader up = new ExperienceUploader(outbox, agent.link(), "lab");
                uploaders.add(up);
                up.start();
            }
            System.out.println(robots + " simulated robots running nav 1.0.0 (verified from " + factory + ")");
            try (MqttLink trainer = new MqttLink(new MqttLink.Options().clientId("demo-trainer").endpoint(broker.endpoint())
                    .sessionExpiry(Duration.ZERO))) {
                trainer.startAndAwait(Duration.ofSeconds(15));
                Rollout.Options opts = new Rollout.Options().fleet("lab").canaryFraction(0.2).healthCheck(Duration.ofSeconds(2))
                        .discovery(Duration.ofSeconds(1)).canaryTimeout(Duration.ofSeconds(60)).fleetTimeout(Duration.ofSeconds(60))
                        .log(s -> System.out.println("  " + s));
                System.out.println("\n== release nav 1.1.0 (healthy), canary 20%");
                print(new Rollout(trainer, signer, opts).run(good));
                System.out.println("\n== release nav 1.2.0 (commands beyond the safety gate's limit), canary 20%");
                print(new Rollout(trainer, signer, opts).run(bad));
                Thread.sleep(1500);
            }
            System.out.println("\n== fleet");
            for (int i = 0; i < robots; i++) {
                OtaAgent.Snapshot s = agents.get(i).snapshot();
                var running = sims.get(i).activeBundle();
                System.out.printf(Locale.ROOT, "%-4s committed %s, running %s %s (signature verified: %s), commits %d, rollbacks %d%n",
                        sims.get(i).name(), s.committedVersion(), running.name(), running.version(), running.signatureVerified(),
                        s.commits(), s.rollbacks());
            }
            sims.forEach(SimulatedRobot::close);
            long recorded = 0;
            for (int i = 0; i < robots; i++) {
                uploaders.get(i).drain(Duration.ofSeconds(30));
                recorded += outboxes.get(i).recorded();
            }
            System.out.printf(Locale.ROOT, "%n== experience: %d transitions recorded, %d stored in %s (%d duplicates ignored)%n",
                    recorded, store.size(), store.dir(), ingest.duplicates());
            for (ExperienceUploader u : uploaders) {
                u.close();
            }
            agents.forEach(OtaAgent::close);
            outboxes.forEach(ExperienceOutbox::close);
            ingest.close();
            ingestLink.close();
        } finally {
            sims.forEach(SimulatedRobot::close);
        }
        return 0;
    }

    private static void print(Rollout.Result r) {
        System.out.printf(Locale.ROOT, "  -> %s %s in %.1f s: canaries %s, %d of %d robots committed%s%n", r.releaseId(),
                r.outcome() == Rollout.Outcome.PROMOTED ? "PROMOTED" : "ROLLED BACK", r.elapsed().toMillis() / 1000.0,
                r.canaries(), r.committed().size(), r.fleetSize(), r.reason().isEmpty() ? "" : "; " + r.reason());
    }

    private static byte[] bundle(SpikingNetwork net, String version, KeyPair key) {
        return new BundleWriter().setPolicy(PolicyDemoCommand.robotPolicy(net)).optName("nav").optVersion(version)
                .optSigningKey(key.getPrivate()).toBytes();
    }

    /** A navigation PopSAN; {@code saturating} biases its decoder so every command hits the end of its range. */
    private static SpikingNetwork network(long seed, boolean saturating) {
        PopSan p = PopSan.random(PolicyDemoCommand.BEAMS + 4, 2, 10, new int[] {64, 64}, 5, SpikeMode.DETERMINISTIC, seed);
        if (!saturating) {
            return p;
        }
        Map<String, Tensor> m = new LinkedHashMap<>();
        for (Tensor t : p.tensors()) {
            float[] d = t.data().clone();
            if (t.name().equals("decoder.bias")) {
                java.util.Arrays.fill(d, 50f);
            }
            m.put(t.name(), new Tensor(t.name(), t.shape(), d));
        }
        return p.withTensors(m);
    }
}

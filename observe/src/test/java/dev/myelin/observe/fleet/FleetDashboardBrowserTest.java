package dev.myelin.observe.fleet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.myelin.bridge.mqtt.EmbeddedBroker;
import dev.myelin.bridge.mqtt.MqttLink;
import dev.myelin.bridge.ota.OtaAgent;
import dev.myelin.bridge.release.Rollout;
import dev.myelin.bridge.sim.SimulatedRobot;
import dev.myelin.bridge.wire.ReleaseKeys;
import dev.myelin.bridge.wire.ReleaseManifest;
import dev.myelin.bridge.wire.ReleaseSigner;
import dev.myelin.bridge.wire.RobotStatus;
import dev.myelin.bridge.wire.Topics;
import dev.myelin.observe.Await;
import dev.myelin.observe.WebClients;
import dev.myelin.policy.bundle.BundleWriter;
import dev.myelin.policy.bundle.ReleaseVersion;
import dev.myelin.policy.bundle.SigningKeys;
import dev.myelin.policy.model.Policy;
import dev.myelin.policy.model.PopSan;
import dev.myelin.policy.model.SpikeMode;
import dev.myelin.policy.model.SpikingNetwork;
import dev.myelin.policy.model.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The fleet dashboard in headless Chromium (Debian's, driven by playwright-core) during an ota-demo-style run: an
 * embedded broker, three simulated robots with their update agents, a healthy release that goes from canary to
 * promoted and committed, a release whose commands exceed the safety gate that is rolled back, a forged manifest
 * that the page refuses and a robot that goes offline, each robot's loop jitter shown from its status; then, the
 * dashboard holding the release key, a click pauses one robot's updates. Screenshots are kept in
 * {@code target/fleet-ui-screenshots}.
 */
class FleetDashboardBrowserTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String FLEET = "uilab";

    @TempDir
    Path tmp;

    @Test
    void thePageShowsRobotsACanaryPromotedAndARollback() throws Exception {
        KeyPair key = SigningKeys.generate();
        ReleaseSigner signer = new ReleaseSigner(key.getPrivate());
        ReleaseKeys keys = ReleaseKeys.of(key.getPublic());
        Path factory = tmp.resolve("nav-1.0.0.myl");
        Files.write(factory, bundle(network(1, false), "1.0.0", key));
        Path metrics = Files.createDirectories(tmp.resolve("run-a")).resolve("metrics.csv");
        Files.writeString(metrics, "total_steps,eval_return,eval_success\n1000,-40.5,0.0\n2000,-12.25,0.2\n3000,8.5,0.6\n");
        Path shots = Files.createDirectories(Path.of("target/fleet-ui-screenshots").toAbsolutePath());

        List<SimulatedRobot> sims = new ArrayList<>();
        List<OtaAgent> agents = new ArrayList<>();
        try (EmbeddedBroker broker = EmbeddedBroker.start();
             FleetDashboard ui = FleetDashboard.start(new FleetModel(FLEET, keys, System::currentTimeMillis),
                     FleetDashboard.link(broker.endpoint(), "fleet-ui-test"), List.of(MetricsCsv.read(metrics)),
                     new InetSocketAddress("127.0.0.1", 0), signer)) {
            for (int i = 1; i <= 3; i++) {
                String id = "r" + i;
                SimulatedRobot sim = new SimulatedRobot(id, new SimulatedRobot.Options().period(Duration.ofMillis(10))
                        .decisionBudget(Duration.ofMillis(250)), null);
                OtaAgent agent = new OtaAgent(new OtaAgent.Context().robotId(id).fleet(FLEET).policy("nav")
                        .stateDir(tmp.resolve(id)).keys(keys).endpoint(broker.endpoint()).host(sim).factoryBundle(factory)
                        .telemetry(() -> new RobotStatus.Telemetry(sim.loop(), -1), Duration.ofMillis(500)));
                sims.add(sim);
                agents.add(agent);
                agent.start();
                sim.start();
            }
            Process page = WebClients.start("fleet-page.mjs", "http://127.0.0.1:" + ui.port() + "/", shots.toString(), "r3");
            java.io.BufferedReader pageErr = new java.io.BufferedReader(new java.io.InputStreamReader(page.getErrorStream(),
                    StandardCharsets.UTF_8));
            assertEquals("ready", pageErr.readLine(), "the browser shows the page");
            try (MqttLink trainer = new MqttLink(new MqttLink.Options().clientId("ui-trainer").endpoint(broker.endpoint())
                    .sessionExpiry(Duration.ZERO))) {
                assertTrue(trainer.startAndAwait(Duration.ofSeconds(15)));
                awaitTrue(() -> ui.model().snapshot().get("robots").size() == 3, "three robots on the dashboard");
                Rollout.Options opts = new Rollout.Options().fleet(FLEET).canaryFraction(0.34)
                        .healthCheck(Duration.ofMillis(2500)).discovery(Duration.ofMillis(800))
                        .canaryTimeout(Duration.ofSeconds(40)).fleetTimeout(Duration.ofSeconds(40));
                Rollout.Result good = new Rollout(trainer, signer, opts).run(bundle(network(2, false), "1.1.0", key));
                assertEquals(Rollout.Outcome.PROMOTED, good.outcome(), good.reason());
                Thread.sleep(1000);
                Rollout.Result bad = new Rollout(trainer, signer, opts).run(bundle(network(3, true), "1.2.0", key));
                assertEquals(Rollout.Outcome.ROLLED_BACK, bad.outcome());

                // A manifest for a newer release, signed by a key the fleet does not trust, on a channel of its own.
                KeyPair rogue = SigningKeys.generate();
                ReleaseManifest forged = forgedManifest(rogue, "9.9.9");
                assertTrue(trainer.publishAndWait(Topics.manifest(FLEET, "nav", "beta"),
                        forged.seal(new ReleaseSigner(rogue.getPrivate())), 1, true, Duration.ofSeconds(5)));
                awaitTrue(() -> ui.model().snapshot().get("refused").asLong() >= 1, "the forged manifest is refused");
                // r2 shuts down: its agent says offline on the way out.
                agents.get(1).close();
                awaitTrue(() -> !ui.model().snapshot().at("/robots/1/online").asBoolean(), "r2 offline on the dashboard");
                Thread.sleep(1500); // a few more polls of the page
                // Without the page's token a command is refused, and nothing is sent.
                var http = java.net.http.HttpClient.newHttpClient();
                var noToken = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + ui.port()
                                + "/api/command")).header("Content-Type", "application/json")
                        .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"robot\":\"r1\",\"action\":\"pause\",\"token\":\"x\"}"))
                        .build(), java.net.http.HttpResponse.BodyHandlers.ofString());
                assertEquals(403, noToken.statusCode(), noToken.body());

                page.getOutputStream().close();
                String out = new String(page.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                String err = pageErr.lines().collect(java.util.stream.Collectors.joining("\n"));
                assertTrue(page.waitFor(30, TimeUnit.SECONDS) && page.exitValue() == 0, "fleet-page.mjs: " + err + out);
                JsonNode r = JSON.readTree(out);

                assertEquals("online", r.at("/robots/r1").asText(), r.get("robots").toString());
                assertEquals("offline", r.at("/robots/r2").asText(), r.get("robots").toString());
                assertEquals("online", r.at("/robots/r3").asText(), r.get("robots").toString());
                // Each robot's loop timing, from its status: a jitter figure in microseconds on the page.
                String jitter = r.at("/jitter/r1").asText();
                assertTrue(jitter.matches("\\d+ \u00b5s"), "r1's loop jitter on the page: " + r.get("jitter"));
                assertTrue(r.at("/jitter/r3").asText().matches("\\d+ \u00b5s"), "r3's loop jitter: " + r.get("jitter"));
                JsonNode states = r.get("states");
                assertEquals(List.of("canary", "promoted", "committed"), list(states.get(good.releaseId())),
                        "1.1.0 on the page: " + states);
                // A canary that fails its health check at once may be rolled back between two polls of the table;
                // the timeline keeps every phase.
                assertEquals("rolled-back", list(states.get(bad.releaseId())).getLast(), "1.2.0 on the page: " + states);
                assertEquals(List.of("canary", "promoted", "committed"), list(r.at("/timelinePhases/" + good.releaseId())),
                        "the timeline of 1.1.0: " + r.get("timelinePhases"));
                assertEquals(List.of("canary", "rolled-back"), list(r.at("/timelinePhases/" + bad.releaseId())),
                        "the timeline of 1.2.0: " + r.get("timelinePhases"));
                // Each canary whose health check failed on safety interventions shows them. With two canaries the
                // other may be rolled back by the rollout before it activates, or right after, before its first tick.
                List<String> failedOnSafety = bad.failed().entrySet().stream()
                        .filter(e -> e.getValue().contains("health check failed") && e.getValue().contains("safety interventions"))
                        .map(Map.Entry::getKey).toList();
                assertFalse(failedOnSafety.isEmpty(), "a canary's health check failed on 1.2.0's interventions: " + bad.failed());
                for (String canary : failedOnSafety) {
                    assertTrue(r.at("/safety/" + canary).asLong() > 0, canary + "'s safety interventions are shown: "
                            + r.get("safety") + "; " + bad.failed());
                }
                assertTrue(r.get("refusedShown").asLong() >= 1, "the refused manifest is counted on the page");
                assertTrue(states.size() == 2 && !r.get("versions").toString().contains("9.9.9"),
                        "the forged release is not listed: " + r.get("versions"));
                assertEquals(1, r.get("paths").asInt(), "one learning curve drawn");
                assertEquals(List.of("online", "offline"), list(r.at("/robotStates/r2")), "r2 was shown online, then offline");
                // With the release key, the page paused r3's updates by a signed command; the other robots were not.
                assertTrue(r.at("/paused/agent").asText().startsWith("paused"), r.get("paused").toString());
                assertTrue(r.at("/paused/message").asText().startsWith("pause sent to r3"), r.get("paused").toString());
                assertEquals("paused", agents.get(2).snapshot().activity());
                assertEquals("idle", agents.get(0).snapshot().activity());
                assertTrue(r.get("readout").asText().contains("run-a: eval_return"), r.get("readout").asText());
                assertEquals(0, r.get("foreign").size(), "the page loads nothing from elsewhere: " + r.get("foreign"));
                assertEquals(0, r.get("consoleErrors").size(), "no script errors: " + r.get("consoleErrors"));
                for (String shot : List.of("fleet-canary.png", "fleet-promoted.png", "fleet-committed.png",
                        "fleet-rolled-back.png", "fleet-final.png", "fleet-paused.png")) {
                    assertTrue(Files.size(shots.resolve(shot)) > 10_000, shot + " written");
                }
            } finally {
                page.destroy();
            }
        } finally {
            agents.forEach(OtaAgent::close);
            sims.forEach(SimulatedRobot::close);
        }
    }

    private static List<String> list(JsonNode array) {
        List<String> l = new ArrayList<>();
        if (array != null) {
            array.forEach(n -> l.add(n.asText()));
        }
        return l;
    }

    private static ReleaseManifest forgedManifest(KeyPair rogue, String version) {
        String sha = HexFormat.of().formatHex(new byte[32]);
        ReleaseVersion v = ReleaseVersion.parse(version);
        return new ReleaseManifest(FLEET, "beta", "nav", ReleaseManifest.releaseId("nav", v, sha), v, sha, sha,
                SigningKeys.keyId(rogue.getPublic()), 1024, 1024, List.of(sha), ReleaseManifest.Stage.FLEET, List.of(),
                ReleaseManifest.Activation.IMMEDIATE, 1000, System.currentTimeMillis());
    }

    private static byte[] bundle(SpikingNetwork net, String version, KeyPair key) {
        return new BundleWriter().setPolicy(Policy.withDefaults(net, Map.of("test", "fleet-ui"))).optName("nav")
                .optVersion(version).optSigningKey(key.getPrivate()).toBytes();
    }

    /** A small navigation PopSAN; {@code saturating} drives every command to the end of its range. */
    private static SpikingNetwork network(long seed, boolean saturating) {
        PopSan p = PopSan.random(6, 2, 4, new int[] {16}, 4, SpikeMode.DETERMINISTIC, seed);
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

    private static void awaitTrue(java.util.function.BooleanSupplier condition, String what) throws InterruptedException {
        Await.until(condition, what, java.time.Duration.ofSeconds(30));
    }
}

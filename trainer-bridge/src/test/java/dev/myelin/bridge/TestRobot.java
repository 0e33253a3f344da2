package dev.myelin.bridge;

import dev.myelin.bridge.mqtt.BrokerEndpoint;
import dev.myelin.bridge.ota.OtaAgent;
import dev.myelin.bridge.sim.SimulatedRobot;
import dev.myelin.policy.bundle.PolicyBundle;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Consumer;

/** A simulated robot with its update agent, as the controller process will run them. */
public final class TestRobot implements AutoCloseable {

    public final String id;
    public final Path stateDir;
    public final SimulatedRobot sim;
    public final OtaAgent agent;

    private TestRobot(String id, Path stateDir, SimulatedRobot sim, OtaAgent agent) {
        this.id = id;
        this.stateDir = stateDir;
        this.sim = sim;
        this.agent = agent;
    }

    public static TestRobot start(String id, String fleet, Path stateDir, Fixtures fx, BrokerEndpoint endpoint,
                                  Path factory, Consumer<OtaAgent.Context> tweak) throws IOException {
        SimulatedRobot sim = new SimulatedRobot(id, new SimulatedRobot.Options().period(Duration.ofMillis(10))
                .decisionBudget(Duration.ofMillis(250)), null);
        OtaAgent.Context ctx = new OtaAgent.Context().robotId(id).fleet(fleet).policy("nav").stateDir(stateDir)
                .keys(fx.keys).endpoint(endpoint).host(sim).factoryBundle(factory)
                .chunkRetry(Duration.ofMillis(400), Duration.ofSeconds(2));
        if (tweak != null) {
            tweak.accept(ctx);
        }
        OtaAgent agent = new OtaAgent(ctx);
        try {
            agent.start();
        } catch (IOException | RuntimeException e) {
            agent.close();
            sim.close();
            throw e;
        }
        sim.start();
        return new TestRobot(id, stateDir, sim, agent);
    }

    public String committedVersion() {
        OtaAgent.Snapshot s = agent.snapshot();
        return s == null || s.committedVersion() == null ? null : s.committedVersion().toString();
    }

    /** The bundle the simulated robot runs right now. */
    public PolicyBundle running() {
        return sim.activeBundle();
    }

    public boolean connected() {
        OtaAgent.Snapshot s = agent.snapshot();
        return s != null && s.connected();
    }

    @Override
    public void close() {
        agent.close();
        sim.close();
    }
}

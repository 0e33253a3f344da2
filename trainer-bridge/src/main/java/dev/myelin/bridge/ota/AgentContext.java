package dev.myelin.bridge.ota;

import dev.myelin.bridge.mqtt.BrokerEndpoint;
import dev.myelin.bridge.wire.RefusalLog;
import dev.myelin.bridge.wire.ReleaseKeys;
import dev.myelin.bridge.wire.RobotStatus;
import dev.myelin.bridge.wire.Topics;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ThreadFactory;
import java.util.function.Supplier;

/**
 * The update agent's configuration: fluent setters and one {@link #conclude()} that validates. Required:
 * robot id, fleet, policy, state folder, keys, endpoint, activation target. Used as {@link OtaAgent.Context};
 * the type parameter only lets each setter return that type. Read by the agent's parts on its thread.
 *
 * @param <C> the concrete context type returned by the setters
 */
public abstract class AgentContext<C extends AgentContext<C>> {
    String robotId;
    String fleet;
    String channel = "stable";
    String policy;
    Path stateDir;
    ReleaseKeys keys;
    BrokerEndpoint endpoint;
    ActivationTarget host;
    Path factoryBundle;
    int chunkWindow = 32;
    Duration chunkRetry = Duration.ofSeconds(5);
    Duration maxChunkRetry = Duration.ofSeconds(30);
    Duration healthPoll = Duration.ofMillis(50);
    Duration swapTimeout = Duration.ofSeconds(10);
    Duration reportInterval = Duration.ofSeconds(10);
    Duration refusalSummary = RefusalLog.DEFAULT_INTERVAL;
    Duration rollbackHealthCheck = Duration.ZERO;
    long minHealthTicks = 1;
    OtaAgent.StepListener stepListener = (s, r) -> { };
    Supplier<RobotStatus.Telemetry> telemetry;
    Duration telemetryInterval = Duration.ofSeconds(5);
    ThreadFactory threadFactory;

    AgentContext() {
    }

    public C robotId(String id) {
        this.robotId = id;
        return self();
    }

    public C fleet(String f) {
        this.fleet = f;
        return self();
    }

    /** Release channel followed (default {@code stable}). */
    public C channel(String c) {
        this.channel = c;
        return self();
    }

    /** Policy (bundle) name this agent updates. */
    public C policy(String p) {
        this.policy = p;
        return self();
    }

    /** Folder for slots, state and partial downloads; survives restarts. */
    public C stateDir(Path d) {
        this.stateDir = d;
        return self();
    }

    public C keys(ReleaseKeys k) {
        this.keys = k;
        return self();
    }

    public C endpoint(BrokerEndpoint e) {
        this.endpoint = e;
        return self();
    }

    public C host(ActivationTarget h) {
        this.host = h;
        return self();
    }

    /** Bundle installed on first boot, when the state folder holds no committed policy yet. */
    public C factoryBundle(Path p) {
        this.factoryBundle = p;
        return self();
    }

    /** Chunks subscribed at once (flow control). */
    public C chunkWindow(int n) {
        this.chunkWindow = n;
        return self();
    }

    /** Silence after which missing chunks are requested again (default 5 s); doubles up to {@code max} (30 s). */
    public C chunkRetry(Duration first, Duration max) {
        this.chunkRetry = first;
        this.maxChunkRetry = max;
        return self();
    }

    public C swapTimeout(Duration d) {
        this.swapTimeout = d;
        return self();
    }

    /** Interval of periodic health reports of the running policy. */
    public C reportInterval(Duration d) {
        this.reportInterval = d;
        return self();
    }

    /**
     * Refused input is logged the first time per cause, then summarised at most once per this interval
     * (default 10 s); the robot's status carries the counts, republished at most once per interval.
     */
    public C refusalSummary(Duration d) {
        this.refusalSummary = d;
        return self();
    }

    /** Health check length after a rollback command switched back to an older release (default 0). */
    public C rollbackHealthCheck(Duration d) {
        this.rollbackHealthCheck = d;
        return self();
    }

    /** Ticks a candidate must run, on top of the health check's duration, before it can be committed. */
    public C minHealthTicks(long n) {
        this.minHealthTicks = n;
        return self();
    }

    public C stepListener(OtaAgent.StepListener l) {
        this.stepListener = l;
        return self();
    }

    /**
     * The robot's loop timing and experience backlog, carried in its status (default: none). Read on the agent
     * thread with every status and republished every {@code interval} while online; a supplier that throws or
     * returns null leaves the telemetry out of that status.
     */
    public C telemetry(Supplier<RobotStatus.Telemetry> supplier, Duration interval) {
        this.telemetry = supplier;
        this.telemetryInterval = interval;
        return self();
    }

    /** Thread factory for the agent thread (default: a daemon platform thread). */
    public C threadFactory(ThreadFactory f) {
        this.threadFactory = f;
        return self();
    }

    void conclude() {
        Topics.name("robot id", robotId);
        Topics.name("fleet", fleet);
        Topics.name("channel", channel);
        Topics.name("policy", policy);
        require(stateDir, "state folder");
        require(keys, "release keys");
        require(endpoint, "broker endpoint");
        require(host, "policy host");
        require(stepListener, "step listener");
        if (chunkWindow < 1 || chunkWindow > 1024) {
            throw new IllegalArgumentException("chunk window must be 1..1024, got " + chunkWindow);
        }
        for (Duration d : new Duration[] {chunkRetry, maxChunkRetry, healthPoll, swapTimeout, reportInterval,
                telemetryInterval}) {
            if (d == null || d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException("durations must be positive");
            }
        }
        if (rollbackHealthCheck == null || rollbackHealthCheck.isNegative() || minHealthTicks < 0) {
            throw new IllegalArgumentException("rollback health check and minimum ticks must be >= 0");
        }
    }

    private static void require(Object o, String what) {
        if (o == null) {
            throw new IllegalArgumentException(what + " is missing");
        }
    }

    @SuppressWarnings("unchecked")
    private C self() {
        return (C) this;
    }
}

package dev.myelin.observe.fleet;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.myelin.bridge.wire.HealthReport;
import dev.myelin.bridge.wire.PayloadException;
import dev.myelin.bridge.wire.ReleaseKeys;
import dev.myelin.bridge.wire.ReleaseManifest;
import dev.myelin.bridge.wire.RobotStatus;
import dev.myelin.bridge.wire.Topics;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.LongSupplier;

/**
 * What the dashboard knows about a fleet, built only from what the broker delivered and the checks passed:
 * robot status and health reports through the wire parsers (a robot may speak only for itself, on its own topic),
 * release manifests only when their signature verifies with a trusted release key and they name the fleet, policy
 * and channel of their topic. Anything else is refused, counted and listed with its reason, never shown as fact.
 * A robot's loop timing and experience backlog are those its latest status carried.
 *
 * <p>Releases move through {@code canary} (manifest naming canary robots), {@code promoted} (manifest for the whole
 * fleet), {@code committed} (every online robot of the policy reported committing it) or {@code rolled-back} (a
 * robot rolled it back, or a signed manifest put the channel back to an earlier release while it was in canary).
 * Each change of state, and each robot's activation, commit, refusal or rollback of it, is an event on the release's
 * timeline, stamped with the time the dashboard saw it.
 *
 * <p>Thread-safe: fed on the MQTT callback thread, read by the web server.
 */
public final class FleetModel {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_REFUSALS = 20;
    private static final int MAX_RELEASES = 200;

    private final String fleet;
    private final ReleaseKeys keys;
    private final LongSupplier clock;
    private final Map<String, Robot> robots = new TreeMap<>();
    private final Map<String, Release> releases = new LinkedHashMap<>();
    private final Map<String, String> channelHead = new TreeMap<>();
    private final Deque<String> refusals = new ArrayDeque<>();
    private long refused;
    private long accepted;

    public FleetModel(String fleet, ReleaseKeys keys, LongSupplier clockMillis) {
        this.fleet = Topics.name("fleet", fleet);
        this.keys = keys;
        this.clock = clockMillis;
    }

    public String fleet() {
        return fleet;
    }

    private static final class Robot {
        final String id;
        RobotStatus status;
        long statusSeenMs;
        HealthReport lastHealth;
        long healthSeenMs;
        long ticks;
        long safetyInterventions;
        long nanActions;
        long deadlineMisses;
        String trial;
        String staged;
        String rolledBack;
        String committed;

        Robot(String id) {
            this.id = id;
        }
    }

    private static final class Release {
        final String id;
        final String policy;
        final String version;
        final String channel;
        String state = "seen";
        String reason = "";
        List<String> canaries = List.of();
        final Set<String> activated = new LinkedHashSet<>();
        final Set<String> committed = new LinkedHashSet<>();
        final List<ObjectNode> events = new ArrayList<>();

        Release(ReleaseManifest m) {
            this.id = m.releaseId();
            this.policy = m.policy();
            this.version = m.version().toString();
            this.channel = m.channel();
        }
    }

    /** A payload on {@code myelin/<fleet>/robots/<robot>/status}. */
    public synchronized void onStatus(String topic, byte[] payload) {
        if (payload.length == 0) {
            return; // a cleared retained status
        }
        try {
            RobotStatus s = RobotStatus.parse(payload);
            checkSender(topic, s.robot(), s.fleet());
            Robot r = robot(s.robot());
            r.status = s;
            r.statusSeenMs = clock.getAsLong();
            if (s.online() && r.committed == null && "idle".equals(s.ota())) {
                r.committed = s.version();
            }
            accepted++;
        } catch (PayloadException e) {
            refuse(topic, e.getMessage());
        }
    }

    /** A payload on {@code myelin/<fleet>/robots/<robot>/health}. */
    public synchronized void onHealth(String topic, byte[] payload) {
        try {
            HealthReport h = HealthReport.parse(payload);
            checkSender(topic, h.robot(), fleet);
            long now = clock.getAsLong();
            Robot r = robot(h.robot());
            r.lastHealth = h;
            r.healthSeenMs = now;
            r.ticks += h.ticks();
            r.safetyInterventions += h.safetyInterventions();
            r.nanActions += h.nanActions();
            r.deadlineMisses += h.deadlineMisses();
            Release rel = releases.get(h.releaseId());
            switch (h.event()) {
                case STAGED -> r.staged = h.version();
                case ACTIVATED -> {
                    r.trial = h.version();
                    r.staged = null;
                    if (rel != null && rel.activated.add(h.robot())) {
                        event(rel, now, "robot-activated", h.robot());
                    }
                }
                case COMMITTED -> {
                    r.committed = h.version();
                    r.trial = null;
                    if (rel != null && rel.committed.add(h.robot())) {
                        event(rel, now, "robot-committed", h.robot());
                        maybeCommitted(rel, now);
                    }
                }
                case ROLLED_BACK, REFUSED -> {
                    r.rolledBack = h.version() + (h.event() == HealthReport.Event.REFUSED ? " (refused)" : "");
                    r.trial = null;
                    r.staged = null;
                    if (rel != null) {
                        event(rel, now, h.event() == HealthReport.Event.REFUSED ? "robot-refused" : "robot-rolled-back",
                                h.robot() + ": " + h.reason());
                        if (!rel.state.equals("committed") && !rel.state.equals("rolled-back")) {
                            state(rel, now, "rolled-back", h.robot() + ": " + h.reason());
                        }
                    }
                }
                case REPORT -> {
                    if (r.committed == null) {
                        r.committed = h.version();
                    }
                }
            }
            accepted++;
        } catch (PayloadException e) {
            refuse(topic, e.getMessage());
        }
    }

    /** A payload on {@code myelin/<fleet>/releases/<policy>/<channel>}: a signed manifest, or empty (cleared). */
    public synchronized void onManifest(String topic, byte[] payload) {
        String[] p = topic.split("/");
        if (p.length != 5 || !p[0].equals(Topics.ROOT) || !p[1].equals(fleet) || !p[2].equals("releases")) {
            refuse(topic, "not a release topic of fleet " + fleet);
            return;
        }
        String channelKey = p[3] + "/" + p[4];
        long now = clock.getAsLong();
        if (payload.length == 0) {
            // An empty retained message clears the channel. It carries no signature, so it is noted on the release
            // that held the channel but proves nothing: a rollback shows only from signed manifests and robots' reports.
            String head = channelHead.remove(channelKey);
            Release old = head == null ? null : releases.get(head);
            if (old != null) {
                event(old, now, "channel-cleared", "unsigned: the channel is empty now");
            }
            return;
        }
        ReleaseManifest m;
        try {
            m = ReleaseManifest.open(payload, keys);
            if (!m.fleet().equals(fleet) || !m.policy().equals(p[3]) || !m.channel().equals(p[4])) {
                throw new PayloadException("manifest", "names " + m.fleet() + "/" + m.policy() + "/" + m.channel()
                        + " but came on " + topic);
            }
        } catch (PayloadException e) {
            refuse(topic, e.getMessage());
            return;
        }
        accepted++;
        Release rel = releases.get(m.releaseId());
        if (rel == null) {
            rel = new Release(m);
            releases.put(rel.id, rel);
            event(rel, now, "manifest", "signed by " + m.signerKeyId());
            while (releases.size() > MAX_RELEASES) {
                releases.remove(releases.keySet().iterator().next());
            }
        }
        String previous = channelHead.put(channelKey, m.releaseId());
        if (previous != null && !previous.equals(m.releaseId())) {
            Release old = releases.get(previous);
            if (old != null && (old.state.equals("canary") || old.state.equals("seen"))) {
                state(old, now, "rolled-back", "channel " + m.channel() + " went back to " + m.version());
            }
        }
        if (m.stage() == ReleaseManifest.Stage.CANARY) {
            rel.canaries = m.canaryRobots();
            if (rel.state.equals("seen")) {
                state(rel, now, "canary", String.join(", ", m.canaryRobots()));
            }
        } else if (rel.state.equals("seen") || rel.state.equals("canary")) {
            state(rel, now, "promoted", "whole fleet on " + m.channel());
            maybeCommitted(rel, now);
        }
    }

    /** A promoted release is committed once every online robot of its policy reported committing it. */
    private void maybeCommitted(Release rel, long now) {
        if (!rel.state.equals("promoted")) {
            return;
        }
        List<String> online = robots.values().stream()
                .filter(r -> r.status != null && r.status.online() && rel.policy.equals(r.status.policy()))
                .map(r -> r.id).toList();
        if (!online.isEmpty() && rel.committed.containsAll(online)) {
            state(rel, now, "committed", rel.committed.size() + " robots");
        }
    }

    private void state(Release rel, long now, String state, String detail) {
        rel.state = state;
        if (state.equals("rolled-back")) {
            rel.reason = detail;
        }
        event(rel, now, state, detail);
    }

    private static void event(Release rel, long now, String kind, String detail) {
        rel.events.add(JSON.createObjectNode().put("at_ms", now).put("kind", kind).put("detail", detail));
    }

    private void checkSender(String topic, String robot, String payloadFleet) throws PayloadException {
        if (!robot.equals(Topics.robotOf(topic)) || !payloadFleet.equals(fleet) || !topic.startsWith(Topics.ROOT + "/" + fleet + "/")) {
            throw new PayloadException("robot", "payload speaks for " + payloadFleet + "/" + robot + " on " + topic);
        }
    }

    private Robot robot(String id) {
        return robots.computeIfAbsent(id, Robot::new);
    }

    private void refuse(String topic, String why) {
        refused++;
        refusals.addFirst(topic + ": " + why);
        while (refusals.size() > MAX_REFUSALS) {
            refusals.removeLast();
        }
    }

    /** The policy a robot runs, or null when it is not online (or not known). */
    public synchronized String policyOf(String robot) {
        Robot r = robots.get(robot);
        return r == null || r.status == null || !r.status.online() ? null : r.status.policy();
    }

    /** Everything the page shows, as one JSON object. */
    public synchronized ObjectNode snapshot() {
        ObjectNode o = JSON.createObjectNode().put("fleet", fleet).put("now_ms", clock.getAsLong())
                .put("accepted", accepted).put("refused", refused);
        ArrayNode rf = o.putArray("refusals");
        refusals.forEach(rf::add);
        ArrayNode rs = o.putArray("robots");
        for (Robot r : robots.values()) {
            ObjectNode n = rs.addObject().put("id", r.id);
            RobotStatus s = r.status;
            n.put("online", s != null && s.online());
            if (s != null && s.online()) {
                n.put("policy", s.policy()).put("version", s.version()).put("ota", s.ota()).put("status_at_ms", s.atMillis());
                RobotStatus.Loop loop = s.telemetry().loop();
                if (loop != null) {
                    n.putObject("loop").put("jitter_p99_us", loop.jitterP99Micros()).put("io_p99_us", loop.ioP99Micros())
                            .put("deadline_misses", loop.deadlineMisses());
                }
                if (s.telemetry().experienceBacklog() >= 0) {
                    n.put("experience_backlog", s.telemetry().experienceBacklog());
                }
            }
            n.put("status_seen_ms", r.statusSeenMs);
            ObjectNode slots = n.putObject("slots");
            slots.put("committed", r.committed).put("trial", r.trial).put("staged", r.staged).put("rolled_back", r.rolledBack);
            if (r.lastHealth != null) {
                HealthReport h = r.lastHealth;
                n.putObject("health").put("event", h.event().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'))
                        .put("release", h.releaseId()).put("version", h.version()).put("reason", h.reason())
                        .put("ticks", h.ticks()).put("safety_interventions", h.safetyInterventions())
                        .put("nan_actions", h.nanActions()).put("deadline_misses", h.deadlineMisses())
                        .put("at_ms", h.atMillis()).put("seen_ms", r.healthSeenMs);
            }
            n.putObject("totals").put("ticks", r.ticks).put("safety_interventions", r.safetyInterventions)
                    .put("nan_actions", r.nanActions).put("deadline_misses", r.deadlineMisses);
        }
        ArrayNode rl = o.putArray("releases");
        for (Release rel : releases.values()) {
            ObjectNode n = rl.addObject().put("id", rel.id).put("policy", rel.policy).put("version", rel.version)
                    .put("channel", rel.channel).put("state", rel.state).put("reason", rel.reason);
            rel.canaries.forEach(n.putArray("canaries")::add);
            rel.activated.forEach(n.putArray("activated")::add);
            rel.committed.forEach(n.putArray("committed")::add);
            ArrayNode ev = n.putArray("events");
            rel.events.forEach(ev::add);
        }
        ObjectNode heads = o.putObject("channels");
        channelHead.forEach(heads::put);
        return o;
    }
}

package dev.myelin.launch;

import dev.myelin.controller.Controller;
import dev.myelin.controller.ControllerStatus;
import dev.myelin.controller.bringup.BringUp;
import dev.myelin.controller.bringup.GoalSeekingPopSan;
import dev.myelin.controller.config.ActionOutput;
import dev.myelin.controller.config.ControllerParams;
import dev.myelin.controller.hosting.PreparedPolicy;
import dev.myelin.controller.loop.IdleStrategy;
import dev.myelin.controller.ros.ControllerInterfaces;
import dev.myelin.controller.ros.ControllerParameters;
import dev.myelin.controller.safety.Intervention;
import dev.myelin.observe.foxglove.FoxgloveBridge;
import dev.myelin.observe.foxglove.FoxgloveProbe;
import dev.myelin.observe.foxglove.FoxgloveServer;
import dev.myelin.policy.bundle.BundleWriter;
import dev.myelin.policy.bundle.SigningKeys;
import dev.myelin.policy.bundle.TrustedKeys;
import dev.myelin.policy.model.Policy;
import dev.myelin.ros2.Context;
import dev.myelin.ros2.Node;
import dev.myelin.ros2.msg.Message;
import dev.myelin.ros2.param.ParameterServer;
import dev.myelin.ros2.service.ServiceClient;
import dev.myelin.sim.SimEnv;
import dev.myelin.sim.TaskSpec;
import dev.myelin.sim.Tasks;
import dev.myelin.sim.node.LeggedSimNode;
import dev.myelin.sim.node.RobotSimulation;
import dev.myelin.sim.node.SimNode;
import dev.myelin.sim.task.DiffDriveNav;
import dev.myelin.sim.task.MujocoNav;
import dev.myelin.sim.task.QuadrupedWalk;
import dev.myelin.sim.task.VelocityTracking;
import org.HdrHistogram.Histogram;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;

/**
 * {@code ./myelin bench loop}: the controller at 1 kHz against the sim node over ROS 2 loopback
 * (two DDS participants in this process, {@code diffdrive-nav}), with a signed policy prepared off
 * the loop and swapped in every 5 s. Figures cover the timed run after a warm-up:
 * period jitter (wake-up lateness against the absolute release time), input-to-output (inputs read
 * to outputs handed to DDS, inside the process, excluding DDS transit), inference time, missed
 * periods, swaps and the periods missed by ticks that installed a swap.
 */
@Command(name = "loop", mixinStandardHelpOptions = true,
        description = "Control loop at 1 kHz against the sim node over ROS 2 loopback with a policy swap every 5 s: "
                + "jitter, input-to-output, inference, deadline misses.")
final class BenchLoopCommand implements Callable<Integer> {

    @Option(names = "--json", paramLabel = "FILE", description = "Write the figures as JSON.")
    Path json;

    @Option(names = "--seconds", defaultValue = "60", description = "Timed run (default ${DEFAULT-VALUE} s).")
    double seconds;

    @Option(names = "--warmup-seconds", defaultValue = "5", description = "Untimed run first (default ${DEFAULT-VALUE} s).")
    double warmupSeconds;

    @Option(names = "--rate", defaultValue = "1000", paramLabel = "HZ", description = "Loop rate (default ${DEFAULT-VALUE}).")
    double rate;

    @Option(names = "--idle", defaultValue = "spin-then-park", paramLabel = "STRATEGY",
            description = "busy-spin, spin-then-park or park (default ${DEFAULT-VALUE}).")
    String idle;

    @Option(names = "--realtime-priority", paramLabel = "0..99",
            description = "SCHED_FIFO priority of the loop thread, 0 for normal scheduling (default: the parameter file's, "
                    + "50 in the shipped one; needs CAP_SYS_NICE).")
    Integer realtimePriority;

    @Option(names = "--engine", defaultValue = "event", description = "Inference engine (default ${DEFAULT-VALUE}).")
    String engine;

    @Option(names = "--swap-every", defaultValue = "5", paramLabel = "SECONDS",
            description = "Prepare and swap in a policy this often (default ${DEFAULT-VALUE} s; 0: never).")
    double swapEvery;

    @Option(names = "--sim-rate", defaultValue = "1", paramLabel = "FACTOR",
            description = "Real-time factor of the sim node (default ${DEFAULT-VALUE}: scan and odom at 10 Hz).")
    double simRate;

    @Option(names = "--param-sets", defaultValue = "0", paramLabel = "HZ",
            description = "During the second half of the timed run, set the first action channel's max over the "
                    + "controller's set_parameters service at this rate (10 is typical); the first half is the reference "
                    + "(default ${DEFAULT-VALUE}: none).")
    double paramSets;

    @Option(names = "--params", paramLabel = "FILE", description = "Parameter file (default: the shipped TurtleBot navigation file).")
    Path params;

    @Option(names = "--task", defaultValue = DiffDriveNav.NAME,
            description = "The sim node's robot: diffdrive-nav (kinematic), mujoco-nav (the MuJoCo base) or quadruped-walk "
                    + "(the MuJoCo quadruped; with --params launch/params/quadruped.yaml and --bundle) (default ${DEFAULT-VALUE}).")
    String task;

    @Option(names = "--bundle", paramLabel = "FILE.myl",
            description = "The policy to run (swapped with itself); default: the hand-wired goal seekers of the navigation file.")
    Path bundle;

    @Option(names = "--record", paramLabel = "FILE.mcap",
            description = "After the timed run, run as long again with every decision and topic recorded into FILE.mcap, "
                    + "and report both (with_recorder.*).")
    Path record;

    @Option(names = "--foxglove-client", description = "Time a second window with a Foxglove server on every topic of the "
            + "domain, one client reading everything and one that stops reading; report both windows.")
    boolean foxgloveClient;

    /** The figures of one timed window. */
    private record Window(double elapsed, long ticks, long decisions, long misses, long missesFirstHalf, long swapMisses, long swaps, long[] safety,
                          Histogram jitter, Histogram io, Histogram inference, Histogram write, Histogram handoff,
                          long episodes) {
    }

    @Override
    public Integer call() throws Exception {
        if (!(seconds > 0) || !(warmupSeconds >= 0) || !(swapEvery >= 0) || !(simRate > 0)) {
            throw new IllegalArgumentException("--seconds and --sim-rate must be > 0, --warmup-seconds and --swap-every >= 0");
        }
        ControllerParams p = (params != null ? ControllerParams.read(params) : BringUp.turtlebotNav())
                .withRate(rate, IdleStrategy.named(idle)).withEngine(engine);
        if (realtimePriority != null) {
            p = p.withRealtimePriority(realtimePriority);
        }
        KeyPair key = SigningKeys.generate();
        Policy[] policies;
        if (bundle != null) {
            Policy policy = dev.myelin.policy.bundle.BundleReader.read(bundle, TrustedKeys.none()).policy();
            policies = new Policy[] {policy, policy};
        } else {
            int sectors = p.observationSize() - 4;
            policies = new Policy[] {GoalSeekingPopSan.turtlebot(sectors), GoalSeekingPopSan.create(sectors, 0.22f, 2.84f, 0.6f, 3f)};
        }

        double loadAverage = java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        int domain = ThreadLocalRandom.current().nextInt(160, 200);
        try (Context simContext = Context.builder().domainId(domain).localhostOnly(true).build();
             Context controllerContext = Context.builder().domainId(domain).localhostOnly(true).build()) {
            Node simNode = simContext.createNode("myelin_sim");
            boolean legged = task.equals(QuadrupedWalk.NAME);
            if (!task.equals(DiffDriveNav.NAME) && !task.equals(MujocoNav.NAME) && !legged) {
                throw new IllegalArgumentException("--task must be diffdrive-nav, mujoco-nav or quadruped-walk, got '" + task + "'");
            }
            SimEnv env = new SimEnv(Tasks.simulator(TaskSpec.of(task), 1));
            RobotSimulation sim = legged ? new LeggedSimNode(simNode, env, 1, 0.5) : new SimNode(simNode, env, 1, 0.5);
            boolean[] simRunning = {true};
            Thread simThread = Thread.ofPlatform().name("sim").daemon(true)
                    .start(() -> sim.run(simRate, () -> simRunning[0]));

            Node node = controllerContext.createNode(p.nodeName());
            Controller controller = new Controller(p, node, TrustedKeys.of(key.getPublic()));
            ParameterSetter setter = null;
            if (paramSets > 0) {
                String text = params != null ? Files.readString(params) : BringUp.paramsText(BringUp.TURTLEBOT_NAV);
                ControllerInterfaces.start(controller, node, ControllerParameters.of(text,
                        params != null ? params.toString() : BringUp.TURTLEBOT_NAV,
                        params != null ? params.toAbsolutePath().getParent() : null));
                setter = new ParameterSetter(simContext.createNode("bench_param_client"), node.fullyQualifiedName(),
                        p.actions().getFirst(), paramSets);
            }
            controller.configure();
            int[] version = {0};
            swapNext(controller, policies, key, version);
            controller.activate();
            Thread.sleep(50);
            if (controller.loop().schedulingProblem() != null) {
                System.out.println("warning: loop thread keeps normal scheduling: " + controller.loop().schedulingProblem());
            }
            System.out.printf(Locale.ROOT, "controller %.0f Hz (%s, engine %s) vs sim node " + task + " at real-time factor %s "
                            + "over ROS 2 loopback (domain %d); swap every %.1f s; %.0f s warm-up, %.0f s timed%n",
                    p.rateHz(), p.idleStrategy(), engine, simRate, domain, swapEvery, warmupSeconds, seconds);

            long warmEnd = System.nanoTime() + Math.round(warmupSeconds * 1e9);
            long nextSwap = System.nanoTime() + Math.round(swapEvery * 1e9);
            while (System.nanoTime() < warmEnd) {
                nextSwap = maybeSwap(controller, policies, key, version, nextSwap);
                Thread.sleep(10);
            }
            if (sim instanceof LeggedSimNode quadruped) {
                quadruped.tracking().restart();
            }
            Window w = timed(controller, sim, policies, key, version, setter);
            VelocityTracking tracking = sim instanceof LeggedSimNode quadruped ? quadruped.tracking().summary() : null;
            FoxgloveServer.Stats fox = null;
            FoxgloveServer.ClientStats stalledStats = null;
            String readerReport = "";
            Window wf = null;
            if (foxgloveClient) {
                try (FoxgloveBridge bridge = FoxgloveBridge.start(new FoxgloveBridge.Options("127.0.0.1", 0, domain, true,
                        java.util.List.of(), FoxgloveServer.DEFAULT_MAX_QUEUED))) {
                    Thread.sleep(1500); // discovery of the topics, so that the clients get them in their first advertise
                    // The clients run in processes of their own, as Foxglove would on another machine.
                    Process stalled = probe(bridge.port(), "stall");
                    Process reader = probe(bridge.port(), "read");
                    Thread.sleep(1500); // subscriptions; the stalled client fills its socket
                    System.out.printf(Locale.ROOT, "foxglove: %d topics bridged, %d clients attached (one reading, one stalled)%n",
                            bridge.topics().size(), bridge.server().stats().clients());
                    wf = timed(controller, sim, policies, key, version, null);
                    fox = bridge.server().stats();
                    List<FoxgloveServer.ClientStats> clients = bridge.server().clientStats();
                    readerReport = finish(reader);
                    String stalledReport = finish(stalled);
                    if (clients.size() != 2) {
                        throw new IllegalStateException("foxglove clients dropped out during the run: " + clients
                                + "; reader " + readerReport + "; stalled " + stalledReport);
                    }
                    stalledStats = clients.getFirst();
                }
            }
            long tickErrors = controller.loop().tickErrors();
            JsonReport recorded = record == null ? null
                    : timedWithRecorder(controller, sim, controllerContext, policies, key, version);
            controller.close();
            simRunning[0] = false;
            simThread.join(5_000);
            sim.close();
            if (env.simulator() instanceof MujocoNav physics) {
                physics.close();
            } else if (env.simulator() instanceof QuadrupedWalk physics) {
                physics.close();
            }
            double elapsed = w.elapsed();
            long ticks = w.ticks();
            long decisions = w.decisions();
            long misses = w.misses();
            long swapMisses = w.swapMisses();
            long swaps = w.swaps();
            long[] safety = w.safety();
            Histogram jitter = w.jitter();
            Histogram io = w.io();
            Histogram inference = w.inference();
            Histogram write = w.write();
            Histogram handoff = w.handoff();
            long episodes = w.episodes();

            JsonReport report = new JsonReport();
            report.put("machine.available_processors", Runtime.getRuntime().availableProcessors());
            report.put("machine.java", Runtime.version().toString());
            report.put("method", String.format(Locale.ROOT, "controller at %.0f Hz (%s) against the " + task + " sim node "
                    + "(real-time factor %s) over Cyclone DDS loopback in one process; %s engine on a hand-wired PopSAN "
                    + "(%d observations); a signed bundle prepared off the loop and swapped in every %.1f s; %.0f s "
                    + "warm-up then %.1f s timed; jitter = wake-up minus absolute release time; input_to_output = "
                    + "inputs read to the return of dds_write of the outputs, inside the process (no DDS transit to the "
                    + "subscriber); input_to_handoff_us = the same without the write call, i.e. to the command ready for DDS; "
                    + "dds_write_us = the write call alone (C layout, Cyclone serialisation, loopback send)", p.rateHz(),
                    p.idleStrategy(), simRate, engine, p.observationSize(), swapEvery, warmupSeconds, elapsed));
            report.put("rate_hz", p.rateHz());
            report.put("idle_strategy", p.idleStrategy().configName());
            report.put("realtime_priority", controller.loop().schedulingProblem() == null ? p.realtimePriority() : 0);
            report.put("machine.load_average_at_start", loadAverage);
            report.put("machine.garbage_collectors", java.lang.management.ManagementFactory.getGarbageCollectorMXBeans()
                    .stream().map(java.lang.management.GarbageCollectorMXBean::getName).toList().toString());
            report.put("engine", engine);
            report.put("seconds", JsonReport.round(elapsed, 3));
            report.put("ticks", ticks);
            report.put("decisions", decisions);
            putUs(report, "period_jitter_us", jitter);
            putUs(report, "input_to_output_us", io);
            putUs(report, "inference_us", inference);
            putUs(report, "input_to_handoff_us", handoff);
            putUs(report, "dds_write_us", write);
            report.put("deadline_misses", misses);
            report.put("swaps", swaps);
            report.put("missed_during_swaps", swapMisses);
            report.put("tick_errors", tickErrors);
            Intervention[] causes = Intervention.values();
            for (int i = 0; i < causes.length; i++) {
                report.put("safety." + causes[i].key(), safety[i]);
            }
            report.put("energy_pj_per_decision", JsonReport.round(controller.metrics().meanEnergyPicojoules(), 1));
            report.put("sim_episodes", episodes);
            if (tracking != null) {
                report.put("tracking.linear_rms", JsonReport.round(tracking.linearRms(), 4));
                report.put("tracking.angular_rms", JsonReport.round(tracking.angularRms(), 4));
                report.put("tracking.linear_mean_abs", JsonReport.round(tracking.linearMeanAbs(), 4));
                report.put("tracking.mean_speed", JsonReport.round(tracking.meanSpeed(), 4));
                report.put("tracking.mean_command", JsonReport.round(tracking.meanCommand(), 4));
                report.put("tracking.seconds", JsonReport.round(tracking.seconds(), 2));
                report.put("tracking.falls", tracking.falls());
                report.put("falls_per_min", JsonReport.round(tracking.fallsPerMinute(), 3));
            }

            System.out.printf(Locale.ROOT, "%d ticks in %.1f s (%d decisions), %d deadline misses, %d swaps, %d missed during swaps%n",
                    ticks, elapsed, decisions, misses, swaps, swapMisses);
            printUs("period jitter", jitter);
            printUs("input-to-output", io);
            printUs("inference", inference);
            printUs("to DDS hand-off", handoff);
            printUs("dds_write call", write);
            System.out.printf(Locale.ROOT, "safety holds: stale %d, non-finite obs %d, non-finite action %d; clamps %d, rate limits %d; "
                            + "%.0f pJ per decision; %d sim episodes%n",
                    safety[Intervention.STALE_INPUT.ordinal()],
                    safety[Intervention.NON_FINITE_OBSERVATION.ordinal()],
                    safety[Intervention.NON_FINITE_ACTION.ordinal()],
                    safety[Intervention.CLAMP.ordinal()],
                    safety[Intervention.RATE_LIMIT.ordinal()],
                    controller.metrics().meanEnergyPicojoules(), episodes);
            if (tracking != null) {
                System.out.printf(Locale.ROOT, "the quadruped over ROS 2, %.1f simulated s: rms(v - c_v) %.3f m/s, rms(w - c_w) %.3f "
                                + "rad/s, mean |v - c_v| %.3f m/s (mean v %.3f, mean c_v %.3f), %d falls (%.2f per minute)%n",
                        tracking.seconds(), tracking.linearRms(), tracking.angularRms(), tracking.linearMeanAbs(),
                        tracking.meanSpeed(), tracking.meanCommand(), tracking.falls(), tracking.fallsPerMinute());
            }
            if (wf != null) {
                report.put("foxglove.seconds", JsonReport.round(wf.elapsed(), 3));
                report.put("foxglove.ticks", wf.ticks());
                putUs(report, "foxglove.period_jitter_us", wf.jitter());
                putUs(report, "foxglove.input_to_output_us", wf.io());
                putUs(report, "foxglove.input_to_handoff_us", wf.handoff());
                putUs(report, "foxglove.dds_write_us", wf.write());
                report.put("foxglove.deadline_misses", wf.misses());
                report.put("foxglove.messages_sent", fox.sent());
                report.put("foxglove.messages_dropped", fox.dropped());
                report.put("foxglove.stalled_client.sent", stalledStats.sent());
                report.put("foxglove.stalled_client.dropped", stalledStats.dropped());
                report.put("foxglove.stalled_client.queued_at_end", stalledStats.queued());
                report.put("foxglove.reading_client", readerReport);
                double jr = us(wf.jitter(), 99) / Math.max(1e-9, us(jitter, 99));
                double ior = us(wf.io(), 99) / Math.max(1e-9, us(io, 99));
                report.put("foxglove.jitter_p99_ratio", JsonReport.round(jr, 3));
                report.put("foxglove.input_to_output_p99_ratio", JsonReport.round(ior, 3));
                System.out.printf(Locale.ROOT, "%nwith a Foxglove server, a reading and a stalled client: %d ticks in %.1f s, "
                        + "%d deadline misses%n", wf.ticks(), wf.elapsed(), wf.misses());
                printUs("period jitter", wf.jitter());
                printUs("input-to-output", wf.io());
                printUs("to DDS hand-off", wf.handoff());
                printUs("dds_write call", wf.write());
                System.out.printf(Locale.ROOT, "  foxglove: %d messages sent, %d dropped (stalled client: %d sent, %d dropped; "
                                + "%d queued at the end; reading client: %s)%n  p99 with / without: jitter %.2fx, input-to-output %.2fx%n",
                        fox.sent(), fox.dropped(), stalledStats.sent(), stalledStats.dropped(), stalledStats.queued(),
                        readerReport, jr, ior);
            }
            if (setter != null) {
                long reference = w.missesFirstHalf();
                long withSets = misses - reference;
                report.put("param_sets.hz", paramSets);
                report.put("param_sets.parameter", setter.parameter());
                report.put("param_sets.accepted", setter.accepted());
                report.put("param_sets.refused_or_lost", setter.failed());
                report.put("param_sets.set_round_trip_ms.p50", JsonReport.round(setter.percentileMs(0.5), 3));
                report.put("param_sets.deadline_misses_reference_half", reference);
                report.put("param_sets.deadline_misses_with_sets_half", withSets);
                System.out.printf(Locale.ROOT, "parameter sets: %d accepted, %d refused or lost at %.0f Hz on %s "
                                + "(set round trip p50 %.2f ms); deadline misses %d in the reference half, %d in the half with sets%n",
                        setter.accepted(), setter.failed(), paramSets, setter.parameter(), setter.percentileMs(0.5),
                        reference, withSets);
                        }
            if (json != null) {
                report.write(json);
                System.out.println("wrote " + json);
            }
        }
        return 0;
    }

    /**
     * Sets an action channel's {@code max} over the controller's {@code set_parameters} service at a
     * fixed rate from its own thread and node, alternating between the file's value and 90 % of it.
     */
    private static final class ParameterSetter {
        private final ServiceClient client;
        private final String parameter;
        private final double[] values;
        private final long periodNanos;
        private final java.util.List<Long> roundTrips = new java.util.concurrent.CopyOnWriteArrayList<>();
        private volatile boolean running;
        private volatile long accepted;
        private volatile long failed;
        private Thread thread;

        ParameterSetter(Node node, String controller, ActionOutput action, double hz) {
            this.client = node.createClient(controller + "/set_parameters", "rcl_interfaces/srv/SetParameters");
            this.parameter = "actions." + action.channel() + ".max";
            double lowest = Math.max(action.min(), action.safe());
            this.values = new double[] {action.max(), lowest + 0.9 * (action.max() - lowest)};
            this.periodNanos = Math.round(1e9 / hz);
        }

        void start() throws InterruptedException {
            if (!client.waitForService(Duration.ofSeconds(10))) {
                throw new IllegalStateException("set_parameters of the controller never matched");
            }
            running = true;
            thread = Thread.ofPlatform().name("param-sets").daemon(true).start(this::run);
        }

        private void run() {
            long next = System.nanoTime();
            int i = 0;
            while (running) {
                Message req = client.newRequest();
                Message p = req.messages(req.type().field("parameters")).add();
                p.setString(p.type().field("name"), parameter);
                ParameterServer.toMessage(values[i++ % 2], p.child(p.type().field("value")));
                long t0 = System.nanoTime();
                try {
                    Message res = client.callAndWait(req, Duration.ofSeconds(2));
                    Message r = res.messages(res.type().field("results")).get(0);
                    if (r.getBoolean(r.type().field("successful"))) {
                        accepted++;
                        roundTrips.add(System.nanoTime() - t0);
                    } else {
                        failed++;
                    }
                } catch (java.util.concurrent.TimeoutException e) {
                    failed++;
                } catch (InterruptedException e) {
                    return;
                }
                next += periodNanos;
                long wait = next - System.nanoTime();
                if (wait > 0) {
                    java.util.concurrent.locks.LockSupport.parkNanos(wait);
                }
            }
        }

        void stop() throws InterruptedException {
            running = false;
            if (thread != null) {
                thread.join(5_000);
            }
        }

        String parameter() {
            return parameter;
        }

        long accepted() {
            return accepted;
        }

        long failed() {
            return failed;
        }

        double percentileMs(double q) {
            long[] s = roundTrips.stream().mapToLong(Long::longValue).sorted().toArray();
            return s.length == 0 ? Double.NaN : s[(int) Math.min(s.length - 1, Math.ceil(q * s.length) - 1)] / 1e6;
        }
    }


    /** A {@link FoxgloveProbe} in a JVM of its own; returns once it is connected. */
    private static Process probe(int port, String mode) throws java.io.IOException {
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx128m",
                "-cp", System.getProperty("java.class.path"), FoxgloveProbe.class.getName(), "ws://127.0.0.1:" + port, mode)
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String first = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream(),
                java.nio.charset.StandardCharsets.UTF_8)).readLine();
        if (!"connected".equals(first)) {
            p.destroyForcibly();
            throw new java.io.IOException("foxglove " + mode + " client did not connect: " + first);
        }
        return p;
    }

    /** Closes a probe's stdin and returns its report line. */
    private static String finish(Process p) throws Exception {
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).strip();
        p.waitFor(10, java.util.concurrent.TimeUnit.SECONDS);
        return out;
    }

    /**
     * One timed window of {@link #seconds}, swapping policies as configured; with {@code setter}, its
     * parameter sets run through the second half and the misses of the first half are reported apart.
     */
    private Window timed(Controller controller, RobotSimulation sim, Policy[] policies, KeyPair key, int[] version,
                         ParameterSetter setter) throws Exception {
        controller.metrics().resetTotals();
        ControllerStatus before = controller.status();
        long episodes0 = sim.stats().episodes();
        long start = System.nanoTime();
        long end = start + Math.round(seconds * 1e9);
        long half = start + Math.round(seconds * 0.5e9);
        long missesAtHalf = -1;
        long nextSwap = start + Math.round(swapEvery * 1e9);
        while (System.nanoTime() < end) {
            nextSwap = maybeSwap(controller, policies, key, version, nextSwap);
            if (setter != null && missesAtHalf < 0 && System.nanoTime() >= half) {
                missesAtHalf = controller.metrics().deadlineMisses();
                setter.start();
            }
            Thread.sleep(10);
        }
        if (setter != null) {
            setter.stop();
        }
        ControllerStatus w = controller.status().minus(before);
        double elapsed = (System.nanoTime() - start) / 1e9;
        return new Window(elapsed, w.ticks(), w.decisions(), w.deadlineMisses(),
                missesAtHalf < 0 ? -1 : missesAtHalf - before.deadlineMisses(),
                w.missedDuringSwaps(), w.swaps(), w.interventions(), w.jitter(),
                w.inputToOutput(), w.inference(), w.outputWrite(), w.inputToHandoff(),
                sim.stats().episodes() - episodes0);
    }

    /** A second timed window as long as the first, with decisions and topics recorded. */
    private JsonReport timedWithRecorder(Controller controller, RobotSimulation sim, Context context, Policy[] policies,
                                         KeyPair key, int[] version) throws Exception {
        ControllerRecording recording = ControllerRecording.start(controller, context, record, true);
        Thread.sleep(1000); // topics discovered and subscribed
        Window w = timed(controller, sim, policies, key, version, null);
        JsonReport r = new JsonReport();
        r.put("ticks", w.ticks());
        r.put("deadline_misses", w.misses());
        putUs(r, "period_jitter_us", w.jitter());
        putUs(r, "input_to_output_us", w.io());
        putUs(r, "inference_us", w.inference());
        recording.close(System.out);
        long written = 0;
        long dropped = 0;
        for (var c : recording.bag().channels()) {
            written += c.written();
            dropped += c.dropped();
        }
        r.put("recorded_messages", written);
        r.put("recorder_drops", dropped);
        r.put("file_bytes", java.nio.file.Files.size(record));
        return r;
    }

    private long maybeSwap(Controller c, Policy[] policies, KeyPair key, int[] version, long nextSwap) throws Exception {
        if (swapEvery == 0 || System.nanoTime() < nextSwap) {
            return nextSwap;
        }
        swapNext(c, policies, key, version);
        return nextSwap + Math.round(swapEvery * 1e9);
    }

    /** Signs, verifies, prepares (off the loop: this thread) and swaps in the next policy. */
    private static void swapNext(Controller c, Policy[] policies, KeyPair key, int[] version) throws Exception {
        int v = version[0]++;
        byte[] bytes = new BundleWriter().setPolicy(policies[v % policies.length]).optName("bench-nav")
                .optVersion("1.0." + v).optSigningKey(key.getPrivate()).toBytes();
        PreparedPolicy next = c.host().prepare(bytes);
        c.host().swap(next, Duration.ofSeconds(5));
    }

    private static void putUs(JsonReport r, String name, Histogram h) {
        r.put(name + ".p50", us(h, 50));
        r.put(name + ".p90", us(h, 90));
        r.put(name + ".p99", us(h, 99));
        r.put(name + ".p999", us(h, 99.9));
        r.put(name + ".max", JsonReport.round(h.getMaxValue() / 1e3, 2));
        r.put(name + ".count", h.getTotalCount());
    }

    private static double us(Histogram h, double percentile) {
        return h.getTotalCount() == 0 ? 0 : JsonReport.round(h.getValueAtPercentile(percentile) / 1e3, 2);
    }

    private static void printUs(String what, Histogram h) {
        System.out.printf(Locale.ROOT, "  %-16s p50 %8.2f us  p90 %8.2f  p99 %8.2f  p99.9 %8.2f  max %9.2f  (%d samples)%n", what,
                us(h, 50), us(h, 90), us(h, 99), us(h, 99.9), h.getMaxValue() / 1e3, h.getTotalCount());
    }
}

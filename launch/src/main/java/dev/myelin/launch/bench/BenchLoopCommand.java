package dev.myelin.launch.bench;

import dev.myelin.controller.Controller;
import dev.myelin.controller.ControllerStatus;
import dev.myelin.controller.PairedWindows;
import dev.myelin.controller.bringup.BringUp;
import dev.myelin.controller.bringup.GoalSeekingPopSan;
import dev.myelin.controller.config.ActionOutput;
import dev.myelin.controller.config.ControllerParams;
import dev.myelin.controller.hosting.PreparedPolicy;
import dev.myelin.controller.loop.IdleStrategy;
import dev.myelin.controller.ros.ControllerInterfaces;
import dev.myelin.controller.ros.ControllerParameters;
import dev.myelin.controller.safety.Intervention;
import dev.myelin.launch.JsonReport;
import dev.myelin.launch.robot.ControllerRecording;
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
            description = "After the timed run, alternate windows without and with every decision and topic recorded into "
                    + "FILE.mcap (see --pairs); report the medians and their ratio.")
    Path record;

    @Option(names = "--foxglove-client", description = "After the timed run, alternate windows without and with a Foxglove "
            + "server on every topic of the domain, one client reading everything and one that stops reading (with --record: "
            + "both attached together); report the medians and their ratio.")
    boolean foxgloveClient;

    @Option(names = "--pairs", defaultValue = "3", paramLabel = "N",
            description = "With --record or --foxglove-client: windows per side, each --seconds long, in the order "
                    + "A B B A A B ... (default ${DEFAULT-VALUE}).")
    int pairs;

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
            Memory m0 = Memory.now(controller.loop().threadId());
            Window w = timed(controller, sim, policies, key, version, setter);
            VelocityTracking tracking = sim instanceof LeggedSimNode quadruped ? quadruped.tracking().summary() : null;
            Memory m1 = Memory.now(controller.loop().threadId());
            Attached attached = null;
            PairedWindows.Result paired = null;
            if (foxgloveClient || record != null) {
                attached = new Attached(controller, controllerContext, domain);
                System.out.printf(Locale.ROOT, "%nA/B: %d pairs of %.0f s windows in the order A B B A ... after one untimed attachment, B with%s%s%n",
                        pairs, seconds, record != null ? " the recorder (every decision and topic)" : "",
                        foxgloveClient ? (record != null ? " and" : "") + " a Foxglove server with a reading and a stalled client" : "");
                // one untimed attachment first, as long as the warm-up: the recorder's, the bridge's and the clients'
                // code is compiled then, not during the first measured window
                try (AutoCloseable warm = attached.attach()) {
                    Thread.sleep(Math.round(warmupSeconds * 1000));
                }
                attached.reset();
                paired = PairedWindows.run(pairs, () -> timedStatus(controller, policies, key, version), attached::attach,
                        (f, i) -> System.out.printf(Locale.ROOT, "  window %d/%d %-8s jitter p99 %7.2f us, input-to-output p99 %7.2f us%n",
                                i + 1, 2 * pairs, f.attached() ? "attached" : "without", f.jitterP99Us(), f.inputToOutputP99Us()));
            }
            long tickErrors = controller.loop().tickErrors();
            double energyPerDecision = controller.status().meanEnergyPicojoules(); // every decision of the run
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
                    + "(real-time factor %s) over Cyclone DDS loopback in one process; %s engine on %s "
                    + "(%d observations); a signed bundle prepared off the loop and swapped in every %.1f s; %.0f s "
                    + "warm-up then %.1f s timed; jitter = wake-up minus absolute release time; input_to_output = "
                    + "inputs read to the return of dds_write of the outputs, inside the process (no DDS transit to the "
                    + "subscriber); input_to_handoff_us = the same without the write call, i.e. to the command ready for DDS; "
                    + "dds_write_us = the write call alone (C layout, Cyclone serialisation, loopback send)", p.rateHz(),
                    p.idleStrategy(), simRate, engine, bundle != null ? "the bundle " + bundle.getFileName() : "a hand-wired PopSAN",
                    p.observationSize(), swapEvery, warmupSeconds, elapsed));
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
            report.put("energy_pj_per_decision", JsonReport.round(energyPerDecision, 1));
            report.put("sim_episodes", episodes);
            report.put("gc.before_timed_count", m0.collections());
            report.put("gc.before_timed_ms", m0.collectionMillis());
            report.put("gc.before_timed_allocated_mb", JsonReport.round(m0.allocatedBytes() / 1e6, 1));
            report.put("gc.count", m1.collections() - m0.collections());
            report.put("gc.ms", m1.collectionMillis() - m0.collectionMillis());
            report.put("gc.allocated_mb_per_s", JsonReport.round((m1.allocatedBytes() - m0.allocatedBytes()) / 1e6 / elapsed, 2));
            report.put("gc.loop_thread_allocated_bytes", m1.loopThreadBytes() - m0.loopThreadBytes());
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
                    energyPerDecision, episodes);
            System.out.printf(Locale.ROOT, "memory: %d collections (%d ms) and %.1f MB allocated before the timed run; in it "
                            + "%d collections (%d ms), %.2f MB/s allocated by the process, %d bytes by the loop thread%n",
                    m0.collections(), m0.collectionMillis(), m0.allocatedBytes() / 1e6, m1.collections() - m0.collections(),
                    m1.collectionMillis() - m0.collectionMillis(), (m1.allocatedBytes() - m0.allocatedBytes()) / 1e6 / elapsed,
                    m1.loopThreadBytes() - m0.loopThreadBytes());
            if (tracking != null) {
                System.out.printf(Locale.ROOT, "the quadruped over ROS 2, %.1f simulated s: rms(v - c_v) %.3f m/s, rms(w - c_w) %.3f "
                                + "rad/s, mean |v - c_v| %.3f m/s (mean v %.3f, mean c_v %.3f), %d falls (%.2f per minute)%n",
                        tracking.seconds(), tracking.linearRms(), tracking.angularRms(), tracking.linearMeanAbs(),
                        tracking.meanSpeed(), tracking.meanCommand(), tracking.falls(), tracking.fallsPerMinute());
            }
            if (paired != null) {
                putPaired(report, paired, attached);
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
                missesAtHalf = controller.status().deadlineMisses();
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

    /** One window of {@link #seconds} (swapping as configured): the controller's status difference over it. */
    private ControllerStatus timedStatus(Controller controller, Policy[] policies, KeyPair key, int[] version) throws Exception {
        ControllerStatus before = controller.status();
        long end = System.nanoTime() + Math.round(seconds * 1e9);
        long nextSwap = System.nanoTime() + Math.round(swapEvery * 1e9);
        while (System.nanoTime() < end) {
            nextSwap = maybeSwap(controller, policies, key, version, nextSwap);
            Thread.sleep(10);
        }
        return controller.status().minus(before);
    }

    /**
     * What the B windows attach: the recorder of every decision and topic ({@code --record}) and/or a Foxglove
     * server on every topic with a reading and a stalled client in processes of their own ({@code --foxglove-client});
     * sums what they did over the windows.
     */
    private final class Attached {
        private final Controller controller;
        private final Context context;
        private final int domain;
        long recorded;
        long recorderDrops;
        long recordedDecisions;
        long foxSent;
        long foxDropped;
        long stalledDropped;
        long stalledQueuedMax;
        int topicsBridged;
        final List<String> readerReports = new java.util.ArrayList<>();

        void reset() {
            recorded = 0;
            recorderDrops = 0;
            recordedDecisions = 0;
            foxSent = 0;
            foxDropped = 0;
            stalledDropped = 0;
            stalledQueuedMax = 0;
            readerReports.clear();
        }

        Attached(Controller controller, Context context, int domain) {
            this.controller = controller;
            this.context = context;
            this.domain = domain;
        }

        AutoCloseable attach() throws Exception {
            ControllerRecording recording = record == null ? null : ControllerRecording.start(controller, context, record, true);
            FoxgloveBridge bridge = null;
            Process stalled = null;
            Process reader = null;
            if (foxgloveClient) {
                bridge = FoxgloveBridge.start(new FoxgloveBridge.Options("127.0.0.1", 0, domain, true,
                        List.of(), FoxgloveServer.DEFAULT_MAX_QUEUED));
            }
            Thread.sleep(1500); // discovery of the topics: recorded, and advertised in the clients' first message
            if (bridge != null) {
                // the clients run in processes of their own, as Foxglove would on another machine
                stalled = probe(bridge.port(), "stall");
                reader = probe(bridge.port(), "read");
                Thread.sleep(1500); // subscriptions; the stalled client fills its socket
                topicsBridged = bridge.topics().size();
            }
            FoxgloveBridge b = bridge;
            Process st = stalled;
            Process rd = reader;
            return () -> {
                if (b != null) {
                    FoxgloveServer.Stats fox = b.server().stats();
                    List<FoxgloveServer.ClientStats> clients = b.server().clientStats();
                    String readerReport = finish(rd);
                    String stalledReport = finish(st);
                    b.close();
                    if (clients.size() != 2) {
                        throw new IllegalStateException("foxglove clients dropped out during the run: " + clients
                                + "; reader " + readerReport + "; stalled " + stalledReport);
                    }
                    foxSent += fox.sent();
                    foxDropped += fox.dropped();
                    stalledDropped += clients.getFirst().dropped();
                    stalledQueuedMax = Math.max(stalledQueuedMax, clients.getFirst().queued());
                    readerReports.add(readerReport);
                }
                if (recording != null) {
                    recording.close(null);
                    for (var c : recording.bag().channels()) {
                        recorded += c.written();
                        recorderDrops += c.dropped();
                    }
                    recordedDecisions += recording.decisions().recorded();
                }
            };
        }
    }

    private void putPaired(JsonReport report, PairedWindows.Result r, Attached a) {
        String prefix = record != null && foxgloveClient ? "attached" : record != null ? "with_recorder" : "foxglove";
        report.put(prefix + ".what", (record != null ? "recorder of every decision and topic" : "")
                + (record != null && foxgloveClient ? " + " : "")
                + (foxgloveClient ? "Foxglove server on every topic, one reading and one stalled client" : ""));
        report.put(prefix + ".pairs", r.pairs());
        report.put(prefix + ".window_seconds", seconds);
        report.put(prefix + ".order", "A B B A ... (A without, B attached), after one untimed attachment of --warmup-seconds");
        for (boolean side : new boolean[] {false, true}) {
            String k = prefix + (side ? ".with" : ".without");
            report.put(k + ".period_jitter_us.p99_median", JsonReport.round(r.medianJitterP99(side), 2));
            report.put(k + ".input_to_output_us.p99_median", JsonReport.round(r.medianInputToOutputP99(side), 2));
            report.put(k + ".input_to_handoff_us.p99_median", JsonReport.round(r.medianHandoffP99(side), 2));
            report.put(k + ".dds_write_us.p99_median", JsonReport.round(r.medianWriteP99(side), 2));
            report.put(k + ".dds_write_us.p50_median", JsonReport.round(r.medianWriteP50(side), 2));
            report.put(k + ".deadline_misses_median", r.medianDeadlineMisses(side));
            report.put(k + ".period_jitter_us.p99_windows", r.windows().stream().filter(f -> f.attached() == side)
                    .map(f -> String.format(Locale.ROOT, "%.2f", f.jitterP99Us())).toList().toString());
            report.put(k + ".input_to_output_us.p99_windows", r.windows().stream().filter(f -> f.attached() == side)
                    .map(f -> String.format(Locale.ROOT, "%.2f", f.inputToOutputP99Us())).toList().toString());
        }
        report.put(prefix + ".jitter_p99_ratio", JsonReport.round(r.jitterRatio(), 3));
        report.put(prefix + ".input_to_output_p99_ratio", JsonReport.round(r.inputToOutputRatio(), 3));
        if (record != null) {
            report.put(prefix + ".recorded_messages", a.recorded);
            report.put(prefix + ".recorded_decisions", a.recordedDecisions);
            report.put(prefix + ".recorder_drops", a.recorderDrops);
        }
        if (foxgloveClient) {
            report.put(prefix + ".foxglove.topics", a.topicsBridged);
            report.put(prefix + ".foxglove.messages_sent", a.foxSent);
            report.put(prefix + ".foxglove.messages_dropped", a.foxDropped);
            report.put(prefix + ".foxglove.stalled_client.dropped", a.stalledDropped);
            report.put(prefix + ".foxglove.stalled_client.queued_max", a.stalledQueuedMax);
            report.put(prefix + ".foxglove.reading_client", a.readerReports.toString());
        }
        System.out.printf(Locale.ROOT, "%n%s", r.table());
        System.out.printf(Locale.ROOT, "  medians of %d windows per side: jitter p99 %.2f -> %.2f us (%.2fx), input-to-output p99 "
                        + "%.2f -> %.2f us (%.2fx), dds_write p99 %.2f -> %.2f us, p50 %.2f -> %.2f us%n", r.pairs(),
                r.medianJitterP99(false), r.medianJitterP99(true), r.jitterRatio(),
                r.medianInputToOutputP99(false), r.medianInputToOutputP99(true), r.inputToOutputRatio(),
                r.medianWriteP99(false), r.medianWriteP99(true), r.medianWriteP50(false), r.medianWriteP50(true));
        if (record != null) {
            System.out.printf(Locale.ROOT, "  recorder: %d messages (%d decisions) written, %d dropped%n",
                    a.recorded, a.recordedDecisions, a.recorderDrops);
        }
        if (foxgloveClient) {
            System.out.printf(Locale.ROOT, "  foxglove: %d topics, %d messages sent, %d dropped (stalled client %d dropped, "
                    + "at most %d queued); reading client: %s%n", a.topicsBridged, a.foxSent, a.foxDropped,
                    a.stalledDropped, a.stalledQueuedMax, a.readerReports);
        }
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

    /** Collections and allocation since the JVM started; {@code gc.*} in the report are differences of two. */
    private record Memory(long collections, long collectionMillis, long allocatedBytes, long loopThreadBytes) {
        static Memory now(long loopThread) {
            long n = 0;
            long ms = 0;
            for (var gc : java.lang.management.ManagementFactory.getGarbageCollectorMXBeans()) {
                n += Math.max(0, gc.getCollectionCount());
                ms += Math.max(0, gc.getCollectionTime());
            }
            var threads = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
            return new Memory(n, ms, threads.getTotalThreadAllocatedBytes(), threads.getThreadAllocatedBytes(loopThread));
        }
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

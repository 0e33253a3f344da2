package dev.myelin.launch.bench;

import dev.myelin.launch.JsonReport;
import dev.myelin.launch.Ros2Options;
import dev.myelin.ros2.Context;
import dev.myelin.ros2.Node;
import dev.myelin.ros2.cdr.CdrWriter;
import dev.myelin.ros2.interop.CyclonePeer;
import dev.myelin.ros2.interop.Ddsperf;
import dev.myelin.ros2.interop.InteropSamples;
import dev.myelin.ros2.interop.PeerProcess;
import dev.myelin.ros2.interop.ServicePeer;
import dev.myelin.ros2.msg.CdrCodec;
import dev.myelin.ros2.msg.Message;
import dev.myelin.ros2.msg.MessageType;
import dev.myelin.ros2.param.ParameterDescriptor;
import dev.myelin.ros2.param.ParameterStore;
import dev.myelin.ros2.param.ParameterType;
import dev.myelin.ros2.perf.PingPong;
import dev.myelin.ros2.perf.PongNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;

/**
 * {@code ./myelin bench ros2}: round-trip latency over loopback for Twist and LaserScan (360
 * ranges): Java pinging a Java pong in another JVM, Java pinging the C pong built with idlc and
 * gcc, the C ping against the same C pong (same types, same measurement points as the Java
 * driver), and Cyclone's ddsperf ping/pong in the same run as the reference. Figures are round
 * trips: percentiles over every measured round trip for our pairs; for ddsperf, which prints half
 * of each round trip once a second, twice the median of its per-second percentiles. Also reports
 * what the pinging executor thread allocated per round trip.
 */
@Command(name = "ros2", mixinStandardHelpOptions = true, resourceBundle = "dev.myelin.launch.bench.BenchRos2Command",
        description = "ROS 2 round trip over loopback: Twist and LaserScan(360), Java<->Java, Java<->C and C<->C (idlc peer), ddsperf C<->C.")
final class BenchRos2Command implements Callable<Integer> {

    @Option(names = "--json", paramLabel = "FILE", description = "Write the figures as JSON.")
    Path json;

    @Option(names = "--count", defaultValue = "20000", description = "Measured round trips per pair (default ${DEFAULT-VALUE}).")
    int count;

    @Option(names = "--warmup", defaultValue = "5000", description = "Unmeasured round trips first (default ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--ddsperf-seconds", defaultValue = "5", description = "Length of each ddsperf run (default ${DEFAULT-VALUE} s).")
    int ddsperfSeconds;

    @Option(names = "--service-count", defaultValue = "5000",
            description = "Measured get_parameters round trips per server (default ${DEFAULT-VALUE}).")
    int serviceCount;

    @picocli.CommandLine.Mixin
    Ros2Options.Domain domain; // its default, random in 150..229, is named in BenchRos2Command.properties

    private record Stats(double p50, double p99, double max, double mean, long count) {
        static Stats of(long[] nanos) {
            long[] s = nanos.clone();
            Arrays.sort(s);
            double mean = Arrays.stream(s).average().orElse(Double.NaN) / 1e3;
            return new Stats(at(s, 0.50), at(s, 0.99), s[s.length - 1] / 1e3, mean, s.length);
        }

        private static double at(long[] sorted, double p) {
            return sorted[(int) Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)] / 1e3;
        }
    }

    @Override
    public Integer call() throws Exception {
        if (count <= 0 || warmup < 0 || ddsperfSeconds < 2) {
            throw new IllegalArgumentException("--count must be positive, --warmup >= 0, --ddsperf-seconds >= 2");
        }
        int d = domain.id != null ? domain.id : ThreadLocalRandom.current().nextInt(150, 230);
        JsonReport report = new JsonReport();
        report.put("domain", d);
        report.put("cores", Runtime.getRuntime().availableProcessors());
        CyclonePeer cPeer = CyclonePeer.build(Path.of(System.getProperty("java.io.tmpdir"), "myelin-ros2-peers", "cyclone"));
        System.out.printf(Locale.ROOT, "ROS 2 round trip over loopback, domain %d, %d measured after %d warm-up (us)%n",
                d, count, warmup);
        System.out.printf(Locale.ROOT, "%-6s %-10s %8s %9s %9s %9s %9s %12s%n",
                "type", "pair", "bytes", "p50", "p99", "max", "mean", "alloc B/msg");
        try (Context ctx = Context.builder().domainId(d).localhostOnly(true).build()) {
            Node node = ctx.createNode("bench_ping");
            for (String typeName : List.of("geometry_msgs/msg/Twist", "sensor_msgs/msg/LaserScan")) {
                MessageType type = node.messageType(typeName);
                String kind = InteropSamples.keyword(type);
                String key = kind.equals("scan") ? "scan" : "twist";
                Message sample = type.newMessage();
                InteropSamples.fill(sample, 1);
                int payload = payloadBytes(sample);
                report.put(key + ".payload_bytes", payload);

                PingPong.Result jj;
                try (PeerProcess pong = startJavaPong(d, typeName, "/bench/" + key + "/jj/ping", "/bench/" + key + "/jj/pong")) {
                    pong.awaitLine("READY", Duration.ofSeconds(60));
                    jj = PingPong.run(node, sample, "/bench/" + key + "/jj/ping", "/bench/" + key + "/jj/pong",
                            warmup, count, Duration.ofSeconds(10));
                }
                Stats javaJava = Stats.of(jj.roundTripNanos());
                print(key, "java_java", payload, javaJava, jj.allocatedBytesPerMessage());
                put(report, key + ".java_java", javaJava);
                report.put(key + ".java_java.alloc_bytes_per_msg", JsonReport.round(jj.allocatedBytesPerMessage(), 3));

                long[] cc;
                try (PeerProcess pong = cPeer.start(d, "pong", kind, "rt/bench/" + key + "/cc/ping", "rt/bench/" + key + "/cc/pong", "600")) {
                    pong.awaitLine("READY", Duration.ofSeconds(30));
                    cc = cPeer.ping(d, kind, "rt/bench/" + key + "/cc/ping", "rt/bench/" + key + "/cc/pong", warmup, count);
                }
                Stats cC = Stats.of(cc);
                print(key, "c_c", payload, cC, Double.NaN);
                put(report, key + ".c_c", cC);

                PingPong.Result jc;
                try (PeerProcess pong = cPeer.start(d, "pong", kind, "rt/bench/" + key + "/jc/ping", "rt/bench/" + key + "/jc/pong", "600")) {
                    pong.awaitLine("READY", Duration.ofSeconds(30));
                    jc = PingPong.run(node, sample, "/bench/" + key + "/jc/ping", "/bench/" + key + "/jc/pong",
                            warmup, count, Duration.ofSeconds(10));
                }
                Stats javaC = Stats.of(jc.roundTripNanos());
                print(key, "java_c", payload, javaC, jc.allocatedBytesPerMessage());
                put(report, key + ".java_c", javaC);
                report.put(key + ".java_c.alloc_bytes_per_msg", JsonReport.round(jc.allocatedBytesPerMessage(), 3));

                // ddsperf on a neighbouring domain so that it sees only its own two processes
                Ddsperf.Result reference = Ddsperf.pingPong(d + 1, payload, ddsperfSeconds);
                Stats ddsperf = new Stats(reference.p50(), reference.p99(), reference.max(), reference.mean(), reference.count());
                print(key, "ddsperf", payload, ddsperf, Double.NaN);
                put(report, key + ".ddsperf", ddsperf);

                double ratio = javaC.p50() / ddsperf.p50();
                report.put(key + ".java_c_over_ddsperf_p50", JsonReport.round(ratio, 3));
                report.put(key + ".java_c_over_c_c_p50", JsonReport.round(javaC.p50() / cC.p50(), 3));
                System.out.printf(Locale.ROOT, "%-6s Java<->C p50 is %.2fx ddsperf's C<->C round trip (goal <= 1.3x), %.2fx the C ping's%n",
                        key, ratio, javaC.p50() / cC.p50());
            }
            benchServices(ctx, d, report);
        }
        if (json != null) {
            report.write(json);
            System.out.println("wrote " + json);
        }
        return 0;
    }

    /**
     * A get_parameters round trip from the C service client (idlc types, rmw_cyclonedds's request
     * header) against a Java node's parameter server, then against the C peer serving the same
     * service, one call in flight.
     */
    private void benchServices(Context ctx, int d, JsonReport report) throws Exception {
        ServicePeer sPeer = ServicePeer.build(Path.of(System.getProperty("java.io.tmpdir"), "myelin-ros2-peers", "service"));
        int n = Math.max(1, serviceCount);
        int w = Math.min(warmup, n);
        long[] javaServer;
        try (Node server = ctx.createNode("bench_params")) {
            server.serveParameters(ParameterStore.immediate(
                    List.of(ParameterDescriptor.of("rate_hz", ParameterType.DOUBLE, "loop rate")),
                    Map.of("rate_hz", 100.0), proposed -> null));
            javaServer = sPeer.bench(d, "/bench_params/get_parameters", w, n);
        }
        long[] cServer;
        try (PeerProcess server = sPeer.start(d, "serve", "/bench_c_params/get_parameters", "600")) {
            server.awaitLine("READY", Duration.ofSeconds(30));
            cServer = sPeer.bench(d, "/bench_c_params/get_parameters", w, n);
        }
        Stats jc = Stats.of(javaServer);
        Stats cc = Stats.of(cServer);
        System.out.printf(Locale.ROOT, "%nget_parameters round trip, C client, %d measured after %d warm-up (us)%n", n, w);
        print("srv", "java_c", 0, jc, Double.NaN);
        print("srv", "c_c", 0, cc, Double.NaN);
        put(report, "service.java_c", jc);
        put(report, "service.c_c", cc);
        report.put("service.java_c_over_c_c_p50", JsonReport.round(jc.p50() / cc.p50(), 3));
        System.out.printf(Locale.ROOT, "srv    Java server p50 is %.2fx the C server's (goal <= 1.3x)%n", jc.p50() / cc.p50());
    }

    /** Serialized size without the encapsulation header: what ddsperf's payload size is compared with. */
    private static int payloadBytes(Message sample) {
        return (int) CdrCodec.encode(sample, new CdrWriter(64)) - CdrWriter.HEADER_SIZE;
    }

    private static PeerProcess startJavaPong(int domain, String type, String ping, String pong) throws java.io.IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return PeerProcess.start("java pong", List.of(java, "--enable-native-access=ALL-UNNAMED", "-cp",
                System.getProperty("java.class.path"), PongNode.class.getName(), Integer.toString(domain), type, ping, pong,
                "600"), Map.of());
    }

    private static void print(String type, String pair, int bytes, Stats s, double allocPerMessage) {
        System.out.printf(Locale.ROOT, "%-6s %-10s %8d %9.1f %9.1f %9.1f %9.1f %12s%n", type, pair, bytes, s.p50(), s.p99(),
                s.max(), s.mean(), Double.isNaN(allocPerMessage) ? "-" : String.format(Locale.ROOT, "%.3f", allocPerMessage));
    }

    private static void put(JsonReport report, String prefix, Stats s) {
        report.put(prefix + ".p50_us", JsonReport.round(s.p50(), 2));
        report.put(prefix + ".p99_us", JsonReport.round(s.p99(), 2));
        report.put(prefix + ".max_us", JsonReport.round(s.max(), 2));
        report.put(prefix + ".mean_us", JsonReport.round(s.mean(), 2));
        report.put(prefix + ".count", s.count());
    }
}

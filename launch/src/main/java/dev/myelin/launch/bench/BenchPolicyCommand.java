package dev.myelin.launch.bench;

import dev.myelin.launch.JsonReport;
import dev.myelin.policy.bench.EngineBenchmark;
import dev.myelin.policy.bench.LatencyRecorder;
import dev.myelin.policy.bundle.BundleWriter;
import dev.myelin.policy.compress.Precision;
import dev.myelin.policy.engine.InferenceEngine;
import dev.myelin.policy.engine.InferenceEngines;
import dev.myelin.policy.model.Policy;
import dev.myelin.policy.model.PopSan;
import dev.myelin.policy.model.SpikeMode;
import dev.myelin.trainer.djl.DjlPopSanForward;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code ./myelin bench policy}: batch-1, single-thread latency of every edge engine on the
 * HalfCheetah-sized PopSAN (obs 17, act 6, population 10, hidden 256-256, T 5), with the same
 * network evaluated densely through DJL (PyTorch) in the same run as the comparator, and the bundle
 * size per precision.
 */
@Command(name = "policy", mixinStandardHelpOptions = true,
        description = "Edge inference latency per engine vs DJL, and bundle sizes (HalfCheetah-sized PopSAN).")
final class BenchPolicyCommand implements Callable<Integer> {

    @Option(names = "--json", paramLabel = "FILE", description = "Write the figures as JSON.")
    Path json;

    @Option(names = "--iterations", defaultValue = "50000", description = "Timed decisions per engine (default ${DEFAULT-VALUE}).")
    int iterations;

    @Option(names = "--warmup", defaultValue = "30000", description = "Untimed decisions per engine first (default ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--djl-iterations", defaultValue = "2000", description = "Timed DJL decisions (default ${DEFAULT-VALUE}).")
    int djlIterations;

    @Option(names = "--seed", defaultValue = "1", description = "Seed of the random network (default ${DEFAULT-VALUE}).")
    long seed;

    @Override
    public Integer call() throws Exception {
        if (iterations <= 0 || warmup < 0 || djlIterations <= 0) {
            throw new IllegalArgumentException("--iterations and --djl-iterations must be positive, --warmup >= 0");
        }
        PopSan net = PopSan.random(17, 6, 10, new int[] {256, 256}, 5, SpikeMode.DETERMINISTIC, seed);
        Policy policy = Policy.withDefaults(net, Map.of("purpose", "benchmark", "seed", seed));
        float[][] stream = EngineBenchmark.observations(17, 1024, seed + 1);
        JsonReport report = new JsonReport();
        report.put("network", Map.of("family", "popsan", "observation_size", 17, "action_size", 6, "population", 10,
                "hidden", new int[] {256, 256}, "timesteps", 5, "parameters", net.parameterCount()));
        System.out.printf(Locale.ROOT, "PopSAN obs 17, act 6, pop 10, hidden 256-256, T 5 (%d parameters); "
                + "batch 1, one thread; %d warm-up + %d timed decisions per engine%n", net.parameterCount(), warmup, iterations);
        System.out.printf(Locale.ROOT, "%-7s %9s %9s %9s %9s %8s %8s %10s%n",
                "engine", "p50 us", "p99 us", "p99.9 us", "max us", "spikes", "SynOps", "energy nJ");

        double eventP50 = 0;
        for (String name : InferenceEngines.BUILT_IN) {
            InferenceEngine engine = InferenceEngines.create(name, policy);
            LatencyRecorder.Summary s = EngineBenchmark.measure(engine, stream, warmup, iterations);
            engine.act(stream[0], new float[6]);
            var e = engine.energy();
            print(name, s, e.spikes(), e.synOps(), e.estimatePicojoules() / 1000);
            put(report, name, s);
            report.put("engines." + name + ".spikes_per_decision", e.spikes());
            report.put("engines." + name + ".synops_per_decision", e.synOps());
            report.put("engines." + name + ".energy_estimate_pj", JsonReport.round(e.estimatePicojoules(), 1));
            if (name.equals("event")) {
                eventP50 = s.p50us();
                report.put("energy.ann_equivalent_macs", e.annMacs());
                report.put("energy.ann_estimate_pj", JsonReport.round(e.annEstimatePicojoules(), 1));
                report.put("energy.snn_macs", e.macs());
                report.put("energy.snn_synops", e.synOps());
                report.put("energy.snn_estimate_pj", JsonReport.round(e.estimatePicojoules(), 1));
            }
        }

        try (DjlPopSanForward djl = new DjlPopSanForward(policy)) {
            LatencyRecorder.Summary s = EngineBenchmark.measure(djl::act, stream, Math.max(200, djlIterations / 5), djlIterations);
            print("djl", s, -1, -1, Double.NaN);
            put(report, "djl", s);
            double speedup = s.p50us() / eventP50;
            report.put("event_speedup_vs_djl_p50", JsonReport.round(speedup, 1));
            System.out.printf(Locale.ROOT, "event is %.1fx faster than DJL at p50%n", speedup);
        }

        long fp32 = 0;
        for (Precision p : Precision.values()) {
            long bytes = new BundleWriter().setPolicy(policy).optPrecision(p).optName("bench").optVersion("1.0.0")
                    .toBytes().length;
            String key = p.name().toLowerCase(Locale.ROOT);
            report.put("bundle_bytes." + key, bytes);
            if (p == Precision.FP32) {
                fp32 = bytes;
            }
            System.out.printf(Locale.ROOT, "bundle %-5s %9d bytes (%.1f%% of fp32)%n", key, bytes, 100.0 * bytes / fp32);
        }
        if (json != null) {
            report.write(json);
            System.out.println("wrote " + json);
        }
        return 0;
    }

    private static void print(String name, LatencyRecorder.Summary s, long spikes, long synops, double nj) {
        System.out.printf(Locale.ROOT, "%-7s %9.2f %9.2f %9.2f %9.2f %8s %8s %10s%n", name, s.p50us(), s.p99us(),
                s.p999us(), s.maxUs(), spikes < 0 ? "-" : Long.toString(spikes), synops < 0 ? "-" : Long.toString(synops),
                Double.isNaN(nj) ? "-" : String.format(Locale.ROOT, "%.1f", nj));
    }

    private static void put(JsonReport report, String name, LatencyRecorder.Summary s) {
        report.put("engines." + name + ".p50_us", JsonReport.round(s.p50us(), 2));
        report.put("engines." + name + ".p99_us", JsonReport.round(s.p99us(), 2));
        report.put("engines." + name + ".p999_us", JsonReport.round(s.p999us(), 2));
        report.put("engines." + name + ".max_us", JsonReport.round(s.maxUs(), 2));
        report.put("engines." + name + ".mean_us", JsonReport.round(s.meanUs(), 2));
        report.put("engines." + name + ".samples", s.samples());
    }
}

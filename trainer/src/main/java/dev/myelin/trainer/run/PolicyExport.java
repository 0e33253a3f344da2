package dev.myelin.trainer.run;

import dev.myelin.policy.bundle.BundleFormatException;
import dev.myelin.policy.bundle.BundleReader;
import dev.myelin.policy.bundle.BundleWriter;
import dev.myelin.policy.bundle.PolicyBundle;
import dev.myelin.policy.bundle.SigningKeys;
import dev.myelin.policy.bundle.TrustedKeys;
import dev.myelin.policy.compress.Precision;
import dev.myelin.policy.model.Policy;
import dev.myelin.sim.Actor;
import dev.myelin.sim.Env;
import dev.myelin.sim.Evaluation;
import dev.myelin.sim.Tasks;
import dev.myelin.trainer.engine.EngineActor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.InvalidKeyException;
import java.security.PrivateKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Turns a training run into policy bundles (the policy module's {@code .myl} format), one per requested
 * precision, optionally pruned and signed, and evaluates every exported variant on the task next to the
 * trainer's own forward pass. Rank 0's job; any one thread.
 */
public final class PolicyExport {

    /** What to export. */
    public record Request(Path runDir, Path out, List<Precision> precisions, double prune, Path signingKey, String name,
                          String version, int episodes) {
        public Request {
            precisions = List.copyOf(precisions);
            if (precisions.isEmpty()) {
                throw new IllegalArgumentException("name at least one precision (fp32, fp16, int8)");
            }
            if (episodes < 0) {
                throw new IllegalArgumentException("evaluation episodes must be >= 0, got " + episodes);
            }
        }
    }

    /**
     * One evaluated variant: the bundle written (null for the trainer's reference), how it did, and whether
     * the task has goals (success rates mean something).
     */
    public record Variant(String label, Path bundle, long bytes, String engine, Evaluation.Summary summary,
                          boolean goals) {
    }

    private PolicyExport() {
    }

    /**
     * Writes the bundles of the feed-forward run in the request's folder and evaluates them; returns the reference
     * row first, then one row per bundle and engine. Runs of either kind: {@link #export(Request, TrainedRun)}.
     */
    public static List<Variant> export(Request r) throws IOException, InvalidKeyException, BundleFormatException {
        return export(r, TrainedPolicy.load(r.runDir()));
    }

    /** Writes {@code trained}'s bundles and evaluates them; the rows as {@link #export(Request)} returns them. */
    public static List<Variant> export(Request r, TrainedRun trained) throws IOException, InvalidKeyException, BundleFormatException {
        Policy policy = trained.toPolicy();
        PrivateKey key = r.signingKey() == null ? null : SigningKeys.readPrivateKey(r.signingKey());
        TrustedKeys trust = key == null ? TrustedKeys.none() : TrustedKeys.of(SigningKeys.publicKeyOf(key));
        String name = r.name() != null ? r.name() : trained.defaultName();
        List<Path> files = new ArrayList<>();
        for (Precision p : r.precisions()) {
            Path file = r.precisions().size() == 1 ? r.out() : withSuffix(r.out(), p.manifestName());
            BundleWriter w = new BundleWriter().setPolicy(policy).optPrecision(p).optPrune(r.prune()).optName(name)
                    .optVersion(r.version() == null ? "0.1.0" : r.version());
            write(w, key, file);
            files.add(file);
        }
        List<Variant> rows = new ArrayList<>();
        boolean goals = Tasks.simulator(trained.config().taskSpec(), 1).hasGoals();
        if (r.episodes() > 0) {
            rows.add(new Variant("trainer (fp32 reference)", null, 0, "trainer", evaluate(trained, trained.referenceActor(), r.episodes()),
                    goals));
        }
        for (int i = 0; i < files.size(); i++) {
            Path f = files.get(i);
            PolicyBundle b = BundleReader.read(f, trust);
            long bytes = Files.size(f);
            List<String> engines = r.precisions().get(i) == Precision.INT8 ? List.of("dense", "int8") : List.of("dense");
            for (String engine : engines) {
                Evaluation.Summary s = r.episodes() > 0
                        ? evaluate(trained, EngineActor.of(engine, b.policy(), trained.agents()), r.episodes())
                        : null;
                rows.add(new Variant(r.precisions().get(i).manifestName() + (r.prune() > 0 ? " pruned " + r.prune() : ""),
                        f, bytes, engine, s, goals));
            }
        }
        return rows;
    }

    /**
     * Writes {@code w}'s bundle to {@code file}, signed with {@code key} when it is given, creating the folder
     * first. Every bundle the trainer exports, feed-forward or sequence, is written here.
     */
    public static void write(BundleWriter w, PrivateKey key, Path file) throws IOException {
        if (key != null) {
            w.optSigningKey(key);
        }
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        w.write(file);
    }

    static Path withSuffix(Path out, String suffix) {
        String n = out.getFileName().toString();
        int dot = n.lastIndexOf('.');
        String stem = dot > 0 ? n.substring(0, dot) : n;
        String ext = dot > 0 ? n.substring(dot) : ".myl";
        return out.resolveSibling(stem + "-" + suffix + ext);
    }

    private static Evaluation.Summary evaluate(TrainedRun trained, Actor actor, int episodes) {
        try (Env env = Tasks.env(trained.config().taskSpec())) {
            return Evaluation.run(env, actor, episodes, 9_000_000L + trained.config().seed * 1000);
        }
    }

    /** A printable table of the rows. */
    public static String table(List<Variant> rows) {
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%-26s %-8s %10s %14s %9s  %s%n", "variant", "engine",
                "bytes", "return", "success", "bundle"));
        for (Variant v : rows) {
            Evaluation.Summary s = v.summary();
            sb.append(String.format(Locale.ROOT, "%-26s %-8s %10s %14s %9s  %s%n", v.label(), v.engine(),
                    v.bundle() == null ? "-" : Long.toString(v.bytes()),
                    s == null ? "-" : String.format(Locale.ROOT, "%.1f +- %.1f", s.meanReturn(), s.stdReturn()),
                    s == null || !v.goals() ? "-" : String.format(Locale.ROOT, "%.0f%%", 100 * s.successRate()),
                    v.bundle() == null ? "" : v.bundle()));
        }
        return sb.toString();
    }
}

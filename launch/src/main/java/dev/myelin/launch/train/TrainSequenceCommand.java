package dev.myelin.launch.train;

import dev.myelin.policy.model.Policy;
import dev.myelin.trainer.seq.SequenceConfig;
import dev.myelin.trainer.seq.SequenceExport;
import dev.myelin.trainer.seq.SequenceTrainingRun;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code ./myelin train-seq}: sequence TD3 or SAC for memory-carrying actors (GRSN, GRU, spiking
 * transformer) and the stateless baselines (PopSAN, MLP), single- or multi-robot; {@code --resume}
 * continues a run; {@code --export} writes a finished run's actor as a bundle.
 */
@Command(name = "train-seq", mixinStandardHelpOptions = true,
        description = {"Train a recurrent, windowed or feed-forward policy with sequence TD3 or SAC (burn-in windows, "
                + "history critic; CTDE on multi-diffdrive), resume a run, or export one as a .myl bundle.",
                "  ./myelin train-seq --preset pendulum-po family=grsn steps=20000 --out runs/pend-grsn",
                "  ./myelin train-seq --preset pendulum-po family=gru algorithm=sac --out runs/pend-gru-sac",
                "  ./myelin train-seq --resume runs/pend-grsn steps=40000",
                "  ./myelin train-seq --export runs/pend-grsn --out pend-grsn.myl [--sign key.pem]"})
public final class TrainSequenceCommand implements Callable<Integer> {

    @Option(names = "--preset", defaultValue = "pendulum-po", paramLabel = "NAME|FILE.yaml",
            description = "pendulum-po, cartpole-swingup-po, multi-diffdrive, or a YAML file (default ${DEFAULT-VALUE}).")
    String preset;

    @Option(names = "--out", paramLabel = "DIR|FILE.myl",
            description = "Run directory to create; with --export, the bundle to write.")
    Path out;

    @Option(names = "--resume", paramLabel = "RUN",
            description = "Continue the run in RUN exactly where its checkpoint stopped (overrides: steps, eval_every, "
                    + "eval_episodes).")
    Path resume;

    @Option(names = "--export", paramLabel = "RUN", description = "Export the run in RUN as a bundle instead of training.")
    Path export;

    @Option(names = "--sign", paramLabel = "KEY.pem", description = "With --export: sign with this Ed25519 private key.")
    Path sign;

    @Option(names = "--name", paramLabel = "NAME", description = "With --export: bundle name (default myelin-<task>-<family>).")
    String name;

    @Option(names = "--version", paramLabel = "X.Y.Z", description = "With --export: release version (default 0.1.0).")
    String version;

    @Parameters(paramLabel = "KEY=VALUE", arity = "0..*",
            description = "Overrides: family, algorithm (td3|sac), task, observation (full|position-only|velocity-only), "
                    + "steps, seed, envs, burn_in, sequence_length, history, batch_size, actor_lr, critic_lr, gamma, polyak, noise, "
                    + "start_steps, eval_every, eval_episodes, sac_alpha, sac_auto_alpha, sac_log_std, actor.<option>, "
                    + "task_options.<option>, ...")
    List<String> overrides = new ArrayList<>();

    @Option(names = "--set", paramLabel = "KEY=VALUE",
            description = "An override as `train` takes it (the same as a bare KEY=VALUE), e.g. --set family=grsn.")
    List<String> sets = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        if (!sets.isEmpty()) {
            List<String> all = new ArrayList<>(sets);
            all.addAll(overrides);
            overrides = all;
        }
        if (resume != null) {
            if (export != null || out != null) {
                throw new IllegalArgumentException("--resume continues the run in its own folder; it takes no --export or --out");
            }
            try (SequenceTrainingRun run = SequenceTrainingRun.resume(resume, overrides)) {
                System.out.printf(Locale.ROOT, "train-seq: resuming %s at step %d of %d%n", resume, run.step(),
                        run.config().steps);
                return finish(run);
            }
        }
        if (out == null) {
            throw new IllegalArgumentException("--out is required (the run directory to create, or with --export the bundle)");
        }
        if (export != null) {
            if (!overrides.isEmpty()) {
                throw new IllegalArgumentException("--export takes no KEY=VALUE overrides, got " + overrides);
            }
            Policy p = SequenceExport.export(export, out, sign, name, version);
            System.out.printf(Locale.ROOT, "wrote %s: %s network, %d parameters, %d observations -> %d actions%s%n", out,
                    p.network().family(), p.network().parameterCount(), p.network().observationSize(),
                    p.network().actionSize(), sign != null ? ", signed" : "");
            return 0;
        }
        SequenceConfig config = SequenceConfig.of(SequenceConfig.loadPreset(preset), overrides);
        System.out.printf(Locale.ROOT, "train-seq: %s%s, family %s, %s, %d steps, seed %d -> %s%n", config.task,
                config.observation.isEmpty() ? "" : " (" + config.observation + ")", config.family, config.algorithm,
                config.steps, config.seed, out);
        try (SequenceTrainingRun run = SequenceTrainingRun.start(config, out)) {
            return finish(run);
        }
    }

    private static int finish(SequenceTrainingRun run) throws java.io.IOException {
        SequenceTrainingRun.Result r = run.progress(System.out, System.console() != null).run();
        System.out.printf(Locale.ROOT, "done: %d steps, %d updates, eval return %.1f +- %.1f, %.0f s%n", r.steps(),
                r.updates(), r.evalReturn(), r.evalReturnStd(), r.seconds());
        return 0;
    }
}

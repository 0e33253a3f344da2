package dev.myelin.trainer.run;

import dev.myelin.trainer.mpi.Communicator;
import dev.myelin.trainer.mpi.OpenMpi;
import dev.myelin.trainer.nn.Parameters;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

/**
 * One training process: what {@code ./myelin train} runs, and the entry point {@code mpirun} starts on
 * every rank ({@code mpirun -np 2 java --enable-native-access=ALL-UNNAMED --add-modules jdk.incubator.vector
 * -cp ... dev.myelin.trainer.run.TrainerProcess --preset pendulum --out runs/p1}). Started by mpirun it
 * joins the MPI job; otherwise it trains alone.
 *
 * <pre>
 *   --preset NAME|FILE.yaml   configuration (default pendulum)
 *   --out DIR                 new run directory
 *   --resume DIR              continue the run in DIR from its checkpoint
 *   --set KEY=VALUE           override a setting (repeatable), e.g. --set actor.hidden=64,64
 *   --quiet                   no progress line
 * </pre>
 * At the end every rank prints {@code rank R of N: weights sha256 HEX} (identical on every rank of a
 * data-parallel run) and rank 0 prints the final evaluation.
 */
public final class TrainerProcess {

    private TrainerProcess() {
    }

    /** Parsed command line. */
    public record Options(String preset, Path out, Path resume, List<String> overrides, boolean quiet,
                          Path finetuneFrom, RealExperience experience, double experienceFraction) {
        public Options {
            overrides = List.copyOf(overrides);
            if ((out == null) == (resume == null)) {
                throw new IllegalArgumentException("give exactly one of --out DIR (new run) or --resume DIR");
            }
            if (finetuneFrom != null && resume != null) {
                throw new IllegalArgumentException("--finetune-from starts a new run: give --out DIR, not --resume");
            }
        }

        public Options(String preset, Path out, Path resume, List<String> overrides, boolean quiet) {
            this(preset, out, resume, overrides, quiet, null, null, 0);
        }
    }

    public static void main(String[] args) {
        Options o;
        try {
            o = parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("train: " + e.getMessage());
            System.exit(2);
            return;
        }
        Communicator comm;
        try {
            comm = OpenMpi.fromEnvironment();
        } catch (RuntimeException e) {
            System.err.println("train: " + e.getMessage());
            System.exit(1);
            return;
        }
        int code = runOrAbort(o, comm, System.out, System.console() != null);
        System.exit(code);
    }

    /**
     * Runs, reports a failure with the rank that had it, and then aborts the whole MPI job (a rank that
     * left would otherwise leave the others waiting in a collective); returns the exit code.
     */
    public static int runOrAbort(Options o, Communicator comm, PrintStream out, boolean terminal) {
        try {
            run(o, comm, out, terminal);
        } catch (Exception | Error e) {
            String where = comm.size() > 1 ? " (rank " + comm.rank() + " of " + comm.size() + ")" : "";
            System.err.println("train" + where + ": " + (e.getMessage() == null ? e.toString() : e.getMessage()));
            if (System.getenv("MYELIN_DEBUG") != null) {
                e.printStackTrace();
            }
            System.err.flush();
            comm.abort(1);
            return 1;
        }
        comm.close();
        return 0;
    }

    static Options parse(String[] args) {
        String preset = "pendulum";
        Path out = null;
        Path resume = null;
        boolean quiet = false;
        List<String> overrides = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "--preset" -> preset = value(args, ++i, a);
                case "--out" -> out = Path.of(value(args, ++i, a));
                case "--resume" -> resume = Path.of(value(args, ++i, a));
                case "--set" -> overrides.add(value(args, ++i, a));
                case "--quiet" -> quiet = true;
                default -> throw new IllegalArgumentException("unknown argument '" + a + "'");
            }
        }
        return new Options(preset, out, resume, overrides, quiet);
    }

    private static String value(String[] args, int i, String flag) {
        if (i >= args.length) {
            throw new IllegalArgumentException(flag + " needs a value");
        }
        return args[i];
    }

    /** Runs (or resumes) a training run on this rank; returns its result. */
    public static TrainingRun.Result run(Options o, Communicator comm, PrintStream out, boolean terminal) throws IOException {
        TrainingRun run;
        if (o.resume() != null) {
            run = TrainingRun.resume(o.resume(), o.overrides(), comm);
        } else if (o.finetuneFrom() != null) {
            run = TrainingRun.finetune(o.finetuneFrom(), o.out(), o.overrides(), comm);
        } else {
            TrainConfig config = TrainConfig.of(TrainConfig.loadPreset(o.preset()), o.overrides());
            run = TrainingRun.start(config, o.out(), comm);
        }
        try (run) {
            if (o.experience() != null) {
                run.mixRealExperience(o.experience(), o.experienceFraction());
                if (comm.isRoot()) {
                    line(out, String.format(Locale.ROOT, "real experience: %d transitions, %d of every %d batch rows%n",
                            o.experience().size(), run.realRowsPerBatch(), run.config().batchSize));
                }
            }
            if (!o.quiet()) {
                run.progress(out, terminal);
            }
            if (comm.isRoot()) {
                TrainConfig c = run.config();
                out.printf(Locale.ROOT, "training %s with %s on %d rank(s), %s, %d steps per rank from step %d -> %s%n",
                        c.task, c.algorithm, comm.size(), c.precision.name().toLowerCase(Locale.ROOT), c.steps, run.step(),
                        run.directory());
            }
            TrainingRun.Result r = run.run();
            // one write per line: mpirun forwards every rank's output to one stream
            line(out, String.format(Locale.ROOT, "rank %d of %d: weights sha256 %s%n", comm.rank(), comm.size(),
                    weightsDigest(run.learner().actorParameters(), run.learner().criticParameters())));
            line(out, String.format(Locale.ROOT, "rank %d of %d: %.1f env steps/s with updates%n", comm.rank(), comm.size(),
                    r.stepsPerSecondWithUpdates()));
            if (comm.isRoot()) {
                line(out, String.format(Locale.ROOT, "done: %d steps per rank, %d updates, eval return %.1f +- %.1f, %.0f s%n",
                        r.steps(), r.updates(), r.evalReturn(), r.evalReturnStd(), r.seconds()));
            }
            return r;
        }
    }

    private static void line(PrintStream out, String text) {
        out.print(text);
        out.flush();
    }

    /** SHA-256 of the parameters' bits, to compare weights across ranks. */
    public static String weightsDigest(Parameters... ps) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            for (Parameters p : ps) {
                ByteBuffer b = ByteBuffer.allocate(4 * p.size()).order(ByteOrder.LITTLE_ENDIAN);
                b.asFloatBuffer().put(p.values());
                md.update(b.array());
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}

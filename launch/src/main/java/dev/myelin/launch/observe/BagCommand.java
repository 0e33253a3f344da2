package dev.myelin.launch.observe;

import dev.myelin.launch.Ros2Options;
import dev.myelin.observe.bag.BagPlayer;
import dev.myelin.observe.bag.BagRecorder;
import dev.myelin.observe.bag.Bags;
import dev.myelin.observe.mcap.McapReader;
import dev.myelin.ros2.Context;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;

/** {@code ./myelin bag <verb>}: MCAP bags in the ROS 2 profile, like {@code ros2 bag}. */
@Command(name = "bag", mixinStandardHelpOptions = true,
        description = "Record, describe, play and recover MCAP bags (ROS 2 profile), like 'ros2 bag'.",
        subcommands = {
                BagCommand.Record.class,
                BagCommand.Info.class,
                BagCommand.Play.class,
                BagCommand.Recover.class,
        })
public final class BagCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "name a verb: "
                + String.join(", ", spec.subcommands().keySet()));
    }

    @Command(name = "record", mixinStandardHelpOptions = true,
            description = "Record topics (CDR as received) into an MCAP file until interrupted or --duration.")
    static final class Record implements java.util.concurrent.Callable<Integer> {
        @Mixin
        Ros2Options ros2;

        @Option(names = {"-a", "--all"}, description = "Record every topic, including those appearing later.")
        boolean all;

        @Parameters(paramLabel = "TOPIC", arity = "0..*", description = "Topics to record.")
        List<String> topics = new ArrayList<>();

        @Option(names = {"-o", "--output"}, required = true, paramLabel = "FILE.mcap", description = "Output file.")
        Path output;

        @Option(names = "--duration", paramLabel = "SECONDS", description = "Stop after this long (default: until interrupted).")
        Double duration;

        @Option(names = "--chunk-size", defaultValue = "1048576", paramLabel = "BYTES",
                description = "Uncompressed chunk size (default ${DEFAULT-VALUE}).")
        int chunkSize;

        @Option(names = "--zstd-level", defaultValue = "" + BagRecorder.Settings.DEFAULT_ZSTD_LEVEL, paramLabel = "LEVEL",
                description = "zstd level of the chunks, -7..-1 (faster) or 1..19 (smaller) (default ${DEFAULT-VALUE}).")
        int zstdLevel;

        @Override
        public Integer call() throws Exception {
            if (all == !topics.isEmpty()) {
                throw new IllegalArgumentException("give either -a or a list of topics, not " + (all ? "both" : "neither"));
            }
            CountDownLatch stop = new CountDownLatch(1);
            Thread hook = new Thread(stop::countDown);
            Runtime.getRuntime().addShutdownHook(hook);
            try (Context ctx = ros2.open()) {
                BagRecorder.Settings s = new BagRecorder.Settings(chunkSize, BagRecorder.Settings.DEFAULT.ringBytes(),
                        BagRecorder.Settings.DEFAULT.maxChunkAgeNanos()).zstdLevel(zstdLevel);
                BagRecorder rec = new BagRecorder(ctx, output, s);
                List<String> wanted = all ? null : topics.stream().map(t -> t.startsWith("/") ? t : "/" + t).toList();
                System.err.println("myelin bag: recording to " + output + (all ? " (all topics)" : " " + wanted));
                long end = duration == null ? Long.MAX_VALUE : System.nanoTime() + (long) (duration * 1e9);
                while (System.nanoTime() - end < 0) {
                    for (var c : rec.recordDiscovered(wanted)) {
                        System.err.println("myelin bag: subscribed to " + c.topic() + " [" + c.type() + "]");
                    }
                    if (stop.await(200, java.util.concurrent.TimeUnit.MILLISECONDS)) {
                        break;
                    }
                }
                rec.close();
                for (var c : rec.channels()) {
                    System.err.printf(Locale.ROOT, "myelin bag: %s: %d recorded, %d dropped%n", c.topic(), c.written(), c.dropped());
                }
                System.err.println("myelin bag: " + rec.totalDropped() + " dropped in all");
            } finally {
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException shuttingDown) {
                    // the hook is running
                }
            }
            return 0;
        }
    }

    @Command(name = "info", mixinStandardHelpOptions = true, description = "Describe an MCAP bag.")
    static final class Info implements java.util.concurrent.Callable<Integer> {
        @Parameters(index = "0", paramLabel = "FILE.mcap")
        Path file;

        @Override
        public Integer call() throws Exception {
            try (McapReader r = McapReader.open(file)) {
                Bags.info(r, System.out);
            }
            return 0;
        }
    }

    @Command(name = "play", mixinStandardHelpOptions = true,
            description = "Publish a bag's messages with their original timing, and /clock.")
    static final class Play implements java.util.concurrent.Callable<Integer> {
        @Mixin
        Ros2Options ros2;

        @Parameters(index = "0", paramLabel = "FILE.mcap")
        Path file;

        @Option(names = {"-r", "--rate"}, defaultValue = "1.0", description = "Playback speed factor (default ${DEFAULT-VALUE}).")
        double rate;

        @Option(names = {"-l", "--loop"}, description = "Play again and again until interrupted.")
        boolean loop;

        @Option(names = "--topics", split = ",", paramLabel = "TOPIC", description = "Only these topics.")
        List<String> topics = new ArrayList<>();

        @Option(names = "--no-clock", description = "Do not publish /clock.")
        boolean noClock;

        @Override
        public Integer call() throws Exception {
            try (Context ctx = ros2.open(); McapReader r = McapReader.open(file)) {
                BagPlayer.Result res = new BagPlayer(ctx, System.err).play(r, rate, loop ? Integer.MAX_VALUE : 1,
                        topics, !noClock);
                System.err.println("myelin bag: published " + res.published() + " messages"
                        + (res.skipped() > 0 ? ", skipped " + res.skipped() + " that did not decode" : ""));
            }
            return 0;
        }
    }

    @Command(name = "recover", mixinStandardHelpOptions = true,
            description = "Rewrite the readable part of a bag (e.g. after its recorder was killed) with a summary.")
    static final class Recover implements java.util.concurrent.Callable<Integer> {
        @Parameters(index = "0", paramLabel = "FILE.mcap")
        Path file;

        @Option(names = {"-o", "--output"}, paramLabel = "OUT.mcap", description = "Output (default: FILE-recovered.mcap).")
        Path output;

        @Override
        public Integer call() throws Exception {
            Path out = output != null ? output
                    : file.resolveSibling(file.getFileName().toString().replaceFirst("\\.mcap$", "") + "-recovered.mcap");
            long n = Bags.recover(file, out);
            System.out.println("recovered " + n + " messages into " + out);
            return 0;
        }
    }
}

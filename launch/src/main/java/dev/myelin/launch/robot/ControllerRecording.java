package dev.myelin.launch.robot;

import dev.myelin.controller.Controller;
import dev.myelin.controller.TickRecord;
import dev.myelin.observe.bag.BagRecorder;
import dev.myelin.observe.decision.DecisionRecorder;
import dev.myelin.ros2.Context;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Locale;

/**
 * {@code controller --record FILE.mcap}: the controller's decisions (through its tick listener) and,
 * optionally, every ROS topic on the domain, recorded into one MCAP file.
 */
public final class ControllerRecording implements AutoCloseable {
    private final Controller controller;
    private final BagRecorder bag;
    private final DecisionRecorder decisions;
    private final Thread discovery;
    private volatile boolean running = true;

    private ControllerRecording(Controller controller, Context context, Path file, boolean topics) throws IOException {
        this.controller = controller;
        this.bag = new BagRecorder(context, file, BagRecorder.Settings.BESIDE_CONTROL_LOOP);
        this.decisions = new DecisionRecorder(bag, DecisionRecorder.TOPIC);
        controller.setTickListener(this::onTick);
        if (topics) {
            discovery = Thread.ofPlatform().daemon().name("myelin-record-discovery").start(() -> {
                while (running) {
                    try {
                        bag.recordDiscovered(null);
                        Thread.sleep(500);
                    } catch (InterruptedException e) {
                        return;
                    } catch (IOException | RuntimeException e) {
                        System.err.println("myelin controller: recording topics stopped: " + e);
                        return;
                    }
                }
            });
        } else {
            discovery = null;
        }
    }

    /** Starts recording {@code controller}'s decisions, and every topic when {@code topics}, into {@code file}. */
    public static ControllerRecording start(Controller controller, Context context, Path file, boolean topics) throws IOException {
        return new ControllerRecording(controller, context, file, topics);
    }

    private void onTick(TickRecord r) {
        decisions.record(r.tick(), r.startNanos(), r.observation(), r.action(), r.proposal(), r.command(), r.policyRan(),
                r.decided(), r.engineReset(), r.cause() == null ? null : r.cause().name(), r.spikes(), r.layerSpikes(), r.layerCount(), r.synOps(),
                r.energyPicojoules(), r.inferenceNanos(), r.policyDigest());
    }

    public DecisionRecorder decisions() {
        return decisions;
    }

    public BagRecorder bag() {
        return bag;
    }

    /** Stops listening and recording, closes the file, and prints what was recorded and dropped. */
    public void close(PrintStream out) throws IOException {
        controller.setTickListener(null);
        running = false;
        if (discovery != null) {
            discovery.interrupt();
            try {
                discovery.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        bag.close();
        if (out != null) {
            for (var c : bag.channels()) {
                out.printf(Locale.ROOT, "recorded %s: %d messages, %d dropped%n", c.topic(), c.written(), c.dropped());
            }
        }
    }

    @Override
    public void close() throws IOException {
        close(null);
    }
}

package dev.myelin.controller;

import dev.myelin.bridge.ota.HealthCounters;
import dev.myelin.bridge.ota.ActivationTarget;
import dev.myelin.bridge.ota.ActivationRefusedException;
import dev.myelin.controller.hosting.PreparedPolicy;
import dev.myelin.policy.bundle.PolicyBundle;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeoutException;

/**
 * The controller as the OTA agent's {@link ActivationTarget}: {@link #prepare} verifies nothing more than
 * the agent already did but checks the mapping, builds and warms the engine off the loop;
 * {@link #activate} hands it to the loop, which installs it between two ticks and records the
 * loop's counters at the switch; the future is completed on this host's own thread, never the
 * loop's, so no dependent stage can run on the control tick.
 */
public final class ControllerOtaHost implements ActivationTarget, AutoCloseable {
    private final Controller controller;
    private final Duration swapTimeout;
    private final ExecutorService completions = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "myelin-ota-host");
        t.setDaemon(true);
        return t;
    });

    /** @param swapTimeout how long {@link #activate} waits for the loop to take a policy */
    public ControllerOtaHost(Controller controller, Duration swapTimeout) {
        this.controller = controller;
        this.swapTimeout = swapTimeout;
    }

    @Override
    public Prepared prepare(PolicyBundle bundle) throws ActivationRefusedException {
        try {
            return controller.host().prepare(bundle);
        } catch (dev.myelin.controller.hosting.PolicyRejectedException e) {
            throw new ActivationRefusedException(e.getMessage(), e);
        }
    }

    @Override
    public CompletableFuture<HealthCounters> activate(Prepared next) {
        CompletableFuture<HealthCounters> f = new CompletableFuture<>();
        if (!(next instanceof PreparedPolicy p)) {
            f.completeExceptionally(new ActivationRefusedException("not prepared by this controller: " + next));
            return f;
        }
        completions.execute(() -> {
            try {
                if (p == controller.host().current()) {
                    f.complete(controller.healthCounters());
                    return;
                }
                controller.host().swap(p, swapTimeout);
                f.complete(p.countersAtSwitch());
            } catch (TimeoutException | IllegalStateException e) {
                f.completeExceptionally(new ActivationRefusedException("the control loop did not switch to " + p.label()
                        + ": " + e.getMessage(), e));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                f.completeExceptionally(new ActivationRefusedException("interrupted while switching to " + p.label(), e));
            } catch (RuntimeException e) {
                f.completeExceptionally(new ActivationRefusedException("switch to " + p.label() + " failed: " + e, e));
            }
        });
        return f;
    }

    @Override
    public HealthCounters health() {
        return controller.healthCounters();
    }

    @Override
    public void close() {
        completions.shutdownNow();
    }
}

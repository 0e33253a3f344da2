package dev.myelin.controller;

import dev.myelin.bridge.ota.HealthCounters;
import dev.myelin.controller.hosting.PolicyHealth;
import dev.myelin.controller.safety.Intervention;
import org.HdrHistogram.Histogram;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the controller reports at one instant: its settings and state, the loop's counters and
 * cumulative latency histograms (nanoseconds), the safety gate's interventions by cause, the policy
 * host's swaps and the installed policy's health. Every counter is monotonic, so
 * {@link #minus(ControllerStatus)} of an earlier status gives the counts of the interval between
 * them. Taken by {@link Controller#status()}; the diagnostics thread, the command line, the demo and
 * the loop benchmark all read the controller through it.
 *
 * @param lifecycle              lifecycle state
 * @param rateHz                 loop rate
 * @param idleStrategy           idle strategy's configuration name
 * @param realtimePriority       requested real-time priority (0: none)
 * @param schedulingProblem      why real-time scheduling was not obtained (null: no problem)
 * @param policy                 the installed policy's health (null: none installed)
 * @param engine                 the inference engine the controller is configured with
 * @param swaps                  policies swapped in
 * @param ticks                  loop ticks run
 * @param decisions              policy decisions
 * @param deadlineMisses         control periods missed
 * @param missedDuringSwaps      periods missed by ticks that swapped policies
 * @param tickErrors             ticks that threw
 * @param energyPicojoules       energy estimate summed over every decision
 * @param lastEnergyPicojoules   energy estimate of the last decision
 * @param estopLatched           e-stop latched
 * @param staleInput             the observation slice stale now (null: every input fresh)
 * @param episodeResets          recurrent-state resets requested by the episode-reset topic
 * @param safeHolds              ticks the safety gate held the outputs safe for a cause
 * @param extra                  key/value pairs of the added diagnostics sources
 */
public record ControllerStatus(Lifecycle lifecycle, double rateHz, String idleStrategy, int realtimePriority,
                               String schedulingProblem, PolicyHealth policy, String engine, long swaps, long ticks,
                               long decisions, long deadlineMisses, long missedDuringSwaps, long tickErrors,
                               double energyPicojoules, double lastEnergyPicojoules, Histogram jitter,
                               Histogram inputToOutput, Histogram inference, Histogram inputToHandoff,
                               Histogram outputWrite, boolean estopLatched, String staleInput, long episodeResets,
                               long[] interventions, long safeHolds, Map<String, String> extra) {

    /** Copies what it is given; {@code interventions} is indexed by {@link Intervention#ordinal()} (null: no gate yet). */
    public ControllerStatus {
        jitter = jitter.copy();
        inputToOutput = inputToOutput.copy();
        inference = inference.copy();
        inputToHandoff = inputToHandoff.copy();
        outputWrite = outputWrite.copy();
        interventions = interventions == null ? null : interventions.clone();
        extra = Collections.unmodifiableMap(new LinkedHashMap<>(extra));
    }

    /** True once the controller is configured (its safety gate exists). */
    public boolean configured() {
        return interventions != null;
    }

    /** Interventions of the safety gate for {@code cause} (0 before configuration). */
    public long interventions(Intervention cause) {
        return interventions == null ? 0 : interventions[cause.ordinal()];
    }

    /** Interventions by cause, indexed by {@link Intervention#ordinal()} (null before configuration). */
    @Override
    public long[] interventions() {
        return interventions == null ? null : interventions.clone();
    }

    /** Mean energy estimate per decision, picojoules (0 before the first decision). */
    public double meanEnergyPicojoules() {
        return decisions == 0 ? 0 : energyPicojoules / decisions;
    }

    /** The counters the OTA agent judges a policy by ({@link HealthCounters#ZERO} before configuration). */
    public HealthCounters health() {
        if (interventions == null) {
            return HealthCounters.ZERO;
        }
        return new HealthCounters(ticks, safeHolds, interventions(Intervention.NON_FINITE_ACTION), deadlineMisses);
    }

    @Override
    public Histogram jitter() {
        return jitter.copy();
    }

    @Override
    public Histogram inputToOutput() {
        return inputToOutput.copy();
    }

    @Override
    public Histogram inference() {
        return inference.copy();
    }

    @Override
    public Histogram inputToHandoff() {
        return inputToHandoff.copy();
    }

    @Override
    public Histogram outputWrite() {
        return outputWrite.copy();
    }

    /**
     * The interval from {@code previous} (taken earlier from the same controller) to this status:
     * counters, energy and histograms as differences, the state (lifecycle, policy, e-stop, stale
     * input, last energy, extra pairs) as of this status.
     */
    public ControllerStatus minus(ControllerStatus previous) {
        long[] diff = null;
        if (interventions != null) {
            diff = interventions.clone();
            if (previous.interventions != null) {
                for (int i = 0; i < diff.length; i++) {
                    diff[i] -= previous.interventions[i];
                }
            }
        }
        return new ControllerStatus(lifecycle, rateHz, idleStrategy, realtimePriority, schedulingProblem, policy, engine,
                swaps - previous.swaps, ticks - previous.ticks, decisions - previous.decisions,
                deadlineMisses - previous.deadlineMisses, missedDuringSwaps - previous.missedDuringSwaps,
                tickErrors - previous.tickErrors, energyPicojoules - previous.energyPicojoules, lastEnergyPicojoules,
                difference(jitter, previous.jitter), difference(inputToOutput, previous.inputToOutput),
                difference(inference, previous.inference), difference(inputToHandoff, previous.inputToHandoff),
                difference(outputWrite, previous.outputWrite), estopLatched, staleInput,
                episodeResets - previous.episodeResets, diff, safeHolds - previous.safeHolds, extra);
    }

    /** {@code later - earlier}; when the totals were reset in between, {@code later} alone. */
    private static Histogram difference(Histogram later, Histogram earlier) {
        Histogram d = later.copy();
        if (earlier.getTotalCount() == 0 || earlier.getTotalCount() > later.getTotalCount()) {
            return d;
        }
        try {
            d.subtract(earlier);
        } catch (IllegalArgumentException | ArrayIndexOutOfBoundsException e) {
            return later.copy(); // the earlier histogram's counts are not contained: the totals were reset between them
        }
        return d;
    }
}

package dev.myelin.controller.hosting;

/**
 * What the loop has seen of the installed policy since it was swapped in: the figures an OTA agent
 * checks before committing an update (or rolling it back).
 *
 * @param name              bundle name
 * @param version           bundle release version
 * @param digest            bundle SHA-256 digest
 * @param engine            inference engine running it
 * @param secondsInstalled  time since the swap
 * @param decisions         decisions the policy made
 * @param nonFiniteActions  decisions that produced NaN/Inf (blocked by the safety gate)
 * @param faults            decisions that threw
 * @param safeHolds         ticks on which the safety gate held the outputs safe for any reason
 * @param deadlineMisses    control periods missed while it was installed
 */
public record PolicyHealth(String name, String version, String digest, String engine, double secondsInstalled,
                           long decisions, long nonFiniteActions, long faults, long safeHolds, long deadlineMisses) {

    /** True when the policy has decided at least {@code minDecisions} times without a NaN, a fault or a missed period. */
    public boolean healthy(long minDecisions) {
        return decisions >= minDecisions && nonFiniteActions == 0 && faults == 0 && deadlineMisses == 0;
    }
}

package dev.myelin.policy.engine;

/**
 * Operation counts of one decision and the 45 nm energy estimate built from them (Horowitz 2014
 * figures as used across the SNN literature): a 32-bit float multiply-accumulate costs 4.6 pJ, an
 * accumulate 0.9 pJ.
 * <pre>
 *   E_snn = 4.6 pJ * MACs(real-valued: encoder fields, non-spiking inputs, decoder) + 0.9 pJ * SynOps
 *   SynOps = sum over timesteps of spikes * fan-out
 *   E_ann = 4.6 pJ * MACs of an ANN with the same layer sizes
 * </pre>
 * These are estimates, not measurements; the counts are reported next to them. Written by the
 * engine's thread only.
 */
public final class EnergyMeter {
    public static final double MAC_PJ = 4.6;
    public static final double AC_PJ = 0.9;

    private final long annMacs;
    private long synOps;
    private long macs;
    private long spikes;
    private String[] layerNames = {};
    private long[] layerSpikes = new long[0];

    public EnergyMeter(long annMacs) {
        this.annMacs = annMacs;
    }

    /**
     * Sets the counts of the last decision; for engines outside this package (a board backend) that
     * receive them from elsewhere. Engine thread only.
     */
    public void record(long spikes, long synOps, long macs) {
        this.spikes = spikes;
        this.synOps = synOps;
        this.macs = macs;
    }

    void clear() {
        synOps = 0;
        macs = 0;
        spikes = 0;
        java.util.Arrays.fill(layerSpikes, 0L);
    }

    /** Names the spiking layers whose spikes are also counted one by one. Engine constructors only. */
    void layers(String... names) {
        layerNames = names.clone();
        layerSpikes = new long[names.length];
    }

    /** Adds {@code n} spikes of layer {@code layer} (an index into {@link #layers}). */
    void addSpikes(int layer, long n) {
        spikes += n;
        layerSpikes[layer] += n;
    }

    /** Spiking layers counted one by one (0 for an engine that counts only the total). */
    public int layerCount() {
        return layerSpikes.length;
    }

    /** Name of layer {@code i}, e.g. {@code encoder} or {@code layer2}. */
    public String layerName(int i) {
        return layerNames[i];
    }

    /** Spikes of layer {@code i} in the last decision. */
    public long layerSpikes(int i) {
        return layerSpikes[i];
    }

    void addSynOps(long n) {
        synOps += n;
    }

    void addMacs(long n) {
        macs += n;
    }

    public long synOps() {
        return synOps;
    }

    public long macs() {
        return macs;
    }

    public long spikes() {
        return spikes;
    }

    public long annMacs() {
        return annMacs;
    }

    /** Estimated energy of the last decision in picojoules. */
    public double estimatePicojoules() {
        return MAC_PJ * macs + AC_PJ * synOps;
    }

    /** Estimated energy of the equivalent ANN's decision in picojoules. */
    public double annEstimatePicojoules() {
        return MAC_PJ * annMacs;
    }

    @Override
    public String toString() {
        return String.format(java.util.Locale.ROOT,
                "spikes=%d synops=%d macs=%d est=%.1f nJ (ANN: %d macs, est=%.1f nJ)",
                spikes, synOps, macs, estimatePicojoules() / 1000, annMacs, annEstimatePicojoules() / 1000);
    }
}

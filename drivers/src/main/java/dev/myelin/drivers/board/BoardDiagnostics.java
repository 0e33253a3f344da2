package dev.myelin.drivers.board;

/**
 * Counters of a {@link BoardEngine}: decisions the board computed, decisions the CPU computed
 * instead (and why), background reconnects, and the offload round trip of board decisions.
 *
 * @param late board decisions whose reply came after the deadline but within the read timeout of its last read
 */
public record BoardDiagnostics(long boardDecisions, long cpuFallbacks, long timeouts, long disconnects, long refusals,
                               long connects, long late, String lastFault, BoardLink.Rtt rtt) {

    @Override
    public String toString() {
        return String.format(java.util.Locale.ROOT,
                "board=%d cpu_fallback=%d (timeouts=%d disconnects=%d refusals=%d) connects=%d late=%d "
                        + "rtt_us p50=%.1f p99=%.1f%s",
                boardDecisions, cpuFallbacks, timeouts, disconnects, refusals, connects, late, rtt.p50Micros(),
                rtt.p99Micros(), lastFault == null ? "" : " last_fault=\"" + lastFault + "\"");
    }
}

package dev.myelin.drivers.board;

import java.nio.ByteBuffer;

/** A board's STATUS (and LOAD) reply: what the loaded model uses of the chip. */
public record BoardStatus(boolean loaded, int coresUsed, int cores, int neuronsUsed, int neuronsPerCore,
                          long synapsesUsed, int synapsesPerCore, int weightBits, int inputs, int outputs) {

    static BoardStatus read(ByteBuffer b) {
        return new BoardStatus(b.get() != 0, b.getShort() & 0xFFFF, b.getShort() & 0xFFFF, b.getInt(), b.getInt(),
                b.getInt() & 0xFFFF_FFFFL, b.getInt(), b.get() & 0xFF, b.getInt(), b.getInt());
    }

    @Override
    public String toString() {
        return (loaded ? "loaded" : "empty") + ": " + coresUsed + "/" + cores + " cores, " + neuronsUsed + " neurons ("
                + neuronsPerCore + " per core), " + synapsesUsed + " synapses (" + synapsesPerCore + " per core), "
                + weightBits + "-bit weights, " + inputs + " inputs, " + outputs + " outputs";
    }
}

package dev.myelin.drivers.board;

import dev.myelin.policy.engine.Int8Core;
import dev.myelin.policy.engine.Int8Synapses;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/** The LOAD payload (see {@link BoardProtocol}): an {@link Int8Core}'s layers, exactly. */
public final class ModelImage {
    private ModelImage() {
    }

    /** Payload bytes of a LOAD carrying {@code layers}. */
    public static int size(List<Int8Core.Layer> layers) {
        long n = 2;
        for (Int8Core.Layer layer : layers) {
            long out = layer.synapses().outputs();
            long in = layer.synapses().inputs();
            n += 4 + 4 + 2 + 2 + 4 + out * 4 + out * 8 + out * in;
        }
        if (n > BoardProtocol.MAX_FRAME - BoardProtocol.OVERHEAD) {
            throw new IllegalArgumentException("the model takes " + n + " bytes, more than a frame carries ("
                    + (BoardProtocol.MAX_FRAME - BoardProtocol.OVERHEAD) + ")");
        }
        return (int) n;
    }

    public static void write(List<Int8Core.Layer> layers, ByteBuffer b) {
        b.putShort((short) layers.size());
        for (Int8Core.Layer layer : layers) {
            Int8Synapses syn = layer.synapses();
            int out = syn.outputs();
            b.putInt(out);
            b.putInt(syn.inputs());
            b.putShort((short) layer.currentDecay());
            b.putShort((short) layer.voltageDecay());
            b.putInt(layer.threshold());
            for (int q : layer.biasQ12()) {
                b.putInt(q);
            }
            for (int i = 0; i < out; i++) {
                b.putLong(syn.multiplier(i));
            }
            b.put(syn.weights());
        }
    }

    /** Reads and validates a LOAD payload; the exception names the first field that is wrong. */
    public static List<Int8Core.Layer> read(ByteBuffer b) throws BoardProtocolException {
        int current = -1;
        try {
            int count = b.getShort() & 0xFFFF;
            if (count == 0) {
                throw invalid("LOAD carries no layers");
            }
            List<Int8Core.Layer> layers = new ArrayList<>(count);
            for (int l = 0; l < count; l++) {
                current = l;
                int out = b.getInt();
                int in = b.getInt();
                if (out <= 0 || in <= 0 || (long) out * in > b.remaining()) {
                    throw invalid("layer " + l + " declares " + Integer.toUnsignedString(out) + " neurons x "
                            + Integer.toUnsignedString(in) + " inputs, which the " + b.remaining()
                            + " remaining payload bytes cannot hold");
                }
                int currentDecay = b.getShort() & 0xFFFF;
                int voltageDecay = b.getShort() & 0xFFFF;
                int threshold = b.getInt();
                int[] bias = new int[out];
                for (int i = 0; i < out; i++) {
                    bias[i] = b.getInt();
                    if (bias[i] < -(1 << 23) || bias[i] >= 1 << 23) {
                        throw invalid("layer " + l + " bias[" + i + "] = " + bias[i] + " does not fit 24-bit state");
                    }
                }
                long[] multipliers = new long[out];
                for (int i = 0; i < out; i++) {
                    multipliers[i] = b.getLong();
                }
                byte[] weights = new byte[out * in];
                b.get(weights);
                try {
                    Int8Synapses syn = Int8Synapses.of(out, in, weights, multipliers);
                    layers.add(new Int8Core.Layer(syn, bias, currentDecay, voltageDecay, threshold));
                    new dev.myelin.policy.engine.FixedLif(1, currentDecay, voltageDecay, threshold);
                } catch (IllegalArgumentException e) {
                    throw invalid("layer " + l + ": " + e.getMessage());
                }
            }
            if (b.hasRemaining()) {
                throw invalid("LOAD has " + b.remaining() + " bytes after its last layer");
            }
            return layers;
        } catch (BufferUnderflowException e) {
            throw invalid(current < 0 ? "LOAD payload ends before its layer count"
                    : "LOAD payload ends early, inside layer " + current);
        }
    }

    private static BoardProtocolException invalid(String reason) {
        return new BoardProtocolException(BoardProtocol.E_INVALID_MODEL, reason);
    }
}

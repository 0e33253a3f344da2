package dev.myelin.drivers.board;

import dev.myelin.policy.engine.Int8Core;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The board side of {@link BoardProtocol}: answers LOAD, RESET, STEP and STATUS from one host over a
 * {@link FrameChannel}, computing on a {@link NeuromorphicChip}. A STEP allocates nothing once the
 * model is loaded. Runs on the thread that calls {@link #serve}; one host at a time.
 */
public final class BoardEmulator {
    private final NeuromorphicChip chip;
    private int[] input = new int[0];
    private int[] counts = new int[0];

    public BoardEmulator(ChipLimits limits) {
        chip = new NeuromorphicChip(limits);
    }

    public NeuromorphicChip chip() {
        return chip;
    }

    /**
     * Answers requests until the host closes the stream (returns normally) or the stream fails
     * (throws). A malformed frame is answered with ERROR BAD_FRAME and ends the session, since the
     * byte stream can no longer be trusted.
     */
    public void serve(FrameChannel channel) throws IOException {
        while (true) {
            int type;
            try {
                type = channel.receive();
            } catch (EOFException e) {
                return;
            } catch (BoardProtocolException e) {
                error(channel, 0, e.code(), e.reason());
                return;
            }
            int seq = channel.receivedSequence();
            try {
                handle(channel, type, seq);
            } catch (BoardProtocolException e) {
                error(channel, seq, e.code(), e.reason());
            }
        }
    }

    private void handle(FrameChannel channel, int type, int seq) throws IOException {
        ByteBuffer p = channel.payload();
        switch (type) {
            case BoardProtocol.LOAD -> {
                List<Int8Core.Layer> layers = ModelImage.read(p);
                try {
                    chip.load(layers);
                } catch (NeuromorphicChip.Refusal r) {
                    throw new BoardProtocolException(r.code(), r.getMessage());
                }
                input = new int[chip.core().inputSize()];
                counts = new int[chip.core().outputSize()];
                status(channel, BoardProtocol.LOAD | BoardProtocol.REPLY, seq);
            }
            case BoardProtocol.RESET -> {
                chip.reset();
                channel.begin(BoardProtocol.RESET | BoardProtocol.REPLY, seq, 0);
                channel.send();
            }
            case BoardProtocol.STATUS -> status(channel, BoardProtocol.STATUS | BoardProtocol.REPLY, seq);
            case BoardProtocol.STEP -> step(channel, p, seq);
            default -> throw new BoardProtocolException(BoardProtocol.E_UNKNOWN_TYPE,
                    "the board does not know request " + BoardProtocol.typeName(type));
        }
    }

    private void step(FrameChannel channel, ByteBuffer p, int seq) throws IOException {
        Int8Core core = chip.core();
        if (core == null) {
            throw new BoardProtocolException(BoardProtocol.E_NOT_LOADED, "STEP before a model was loaded");
        }
        if (p.remaining() < 7) {
            throw new BoardProtocolException(BoardProtocol.E_BAD_INPUT, "STEP payload of " + p.remaining()
                    + " bytes is shorter than its 7-byte header");
        }
        int flags = p.get() & 0xFF;
        int timesteps = p.getShort() & 0xFFFF;
        int inputs = p.getInt();
        if (inputs != input.length) {
            throw new BoardProtocolException(BoardProtocol.E_BAD_INPUT, "STEP carries " + inputs
                    + " inputs, the loaded model takes " + input.length);
        }
        int rowBytes = BoardProtocol.spikeBytes(inputs);
        if (p.remaining() != timesteps * rowBytes) {
            throw new BoardProtocolException(BoardProtocol.E_BAD_INPUT, "STEP of " + timesteps + " timesteps x "
                    + inputs + " inputs needs " + timesteps * rowBytes + " spike bytes, got " + p.remaining());
        }
        if ((flags & BoardProtocol.STEP_FLAG_RESET) != 0) {
            core.reset();
        }
        java.util.Arrays.fill(counts, 0);
        int base = p.position();
        for (int t = 0; t < timesteps; t++) {
            int row = base + t * rowBytes;
            for (int i = 0; i < inputs; i++) {
                input[i] = (p.get(row + (i >>> 3)) >>> (i & 7)) & 1;
            }
            int[] out = core.step(input);
            for (int k = 0; k < counts.length; k++) {
                counts[k] += out[k];
            }
        }
        ByteBuffer r = channel.begin(BoardProtocol.STEP | BoardProtocol.REPLY, seq, 2 + 4 + 2 * counts.length + 16);
        r.putShort((short) timesteps);
        r.putInt(counts.length);
        for (int c : counts) {
            r.putShort((short) c);
        }
        r.putLong(core.synOps());
        r.putLong(core.spikes());
        channel.send();
    }

    private void status(FrameChannel channel, int replyType, int seq) throws IOException {
        NeuromorphicChip.Usage u = chip.usage();
        ChipLimits l = chip.limits();
        ByteBuffer r = channel.begin(replyType, seq, 1 + 2 + 2 + 4 + 4 + 4 + 4 + 1 + 4 + 4);
        r.put((byte) (chip.loaded() ? 1 : 0));
        r.putShort((short) u.cores());
        r.putShort((short) l.cores());
        r.putInt(u.neurons());
        r.putInt(l.neuronsPerCore());
        r.putInt((int) Math.min(0xFFFF_FFFFL, u.synapses()));
        r.putInt(l.synapsesPerCore());
        r.put((byte) l.weightBits());
        r.putInt(u.inputs());
        r.putInt(u.outputs());
        channel.send();
    }

    static void error(FrameChannel channel, int seq, int code, String reason) throws IOException {
        byte[] msg = reason.getBytes(StandardCharsets.UTF_8);
        int len = Math.min(msg.length, 0xFFFF);
        ByteBuffer r = channel.begin(BoardProtocol.ERROR, seq, 4 + len);
        r.putShort((short) code);
        r.putShort((short) len);
        r.put(msg, 0, len);
        channel.send();
    }
}

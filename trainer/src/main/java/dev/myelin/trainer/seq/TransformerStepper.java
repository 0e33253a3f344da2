package dev.myelin.trainer.seq;

import dev.myelin.policy.model.SpikingTransformer;

import java.util.Arrays;

/**
 * The spiking transformer's rollout stepper. Each lane keeps a ring of its last K tokens with their spike
 * trains (the robot engine's window); a new token is run once, and a lane re-runs all its tokens after the
 * parameters changed ({@link TransformerActor#refreshWeights()}), so every action is the one the current
 * parameters give on the window. Spikes and SynOps are counted as the policy module's engines count them.
 * One thread.
 */
final class TransformerStepper implements SequenceActor.Stepper {
    private final TransformerNet net;
    private final int obs, act, tok, window, d, mlp, outN, steps;
    private final int lanes;
    private final TransformerNet.TokenTrains ring;
    private final TransformerNet.DecisionTrace one;
    private final int[] head;
    private final int[] runWith;
    private final float[] pre;
    private long spikes;
    private long synOps;

    TransformerStepper(TransformerNet net, int lanes) {
        if (lanes < 1) {
            throw new IllegalArgumentException(SpikingTransformer.FAMILY + " actor: a stepper needs at least one lane, got "
                    + lanes);
        }
        this.net = net;
        obs = net.obs;
        act = net.act;
        tok = net.tok;
        window = net.window;
        d = net.d;
        mlp = net.mlp;
        outN = net.outN;
        steps = net.steps;
        this.lanes = lanes;
        ring = net.new TokenTrains(lanes * window, true);
        one = net.new DecisionTrace(1);
        head = new int[lanes];
        runWith = new int[lanes];
        pre = new float[lanes * act];
        for (int l = 0; l < lanes; l++) {
            reset(l);
        }
    }

    @Override
    public void reset(int lane) {
        if (lane < 0 || lane >= lanes) {
            throw new IllegalArgumentException(SpikingTransformer.FAMILY + " stepper: lane " + lane + " outside 0.."
                    + (lanes - 1));
        }
        Arrays.fill(ring.token, lane * window * tok, (lane + 1) * window * tok, 0f);
        head[lane] = 0;
        runWith[lane] = net.version - 1;
    }

    @Override
    public void step(float[] observations, float[] previousActions, float[] previousRewards, float[] actionsOut) {
        TransformerNet.checkLength("observations", observations, (long) lanes * obs);
        TransformerNet.checkLength("previousActions", previousActions, (long) lanes * act);
        TransformerNet.checkLength("previousRewards", previousRewards, lanes);
        TransformerNet.checkLength("actionsOut", actionsOut, (long) lanes * act);
        spikes = 0;
        synOps = 0;
        for (int l = 0; l < lanes; l++) {
            int first = l * window;
            int slot = first + head[l];
            int to = slot * tok;
            System.arraycopy(observations, l * obs, ring.token, to, obs);
            System.arraycopy(previousActions, l * act, ring.token, to + obs, act);
            ring.token[to + obs + act] = previousRewards[l];
            if (runWith[l] != net.version) {
                for (int k = 0; k < window; k++) {
                    ring.run(first + k);
                }
                runWith[l] = net.version;
            } else {
                ring.run(slot);
            }
            head[l] = (head[l] + 1) % window;
            for (int p = 0; p < window; p++) {
                one.position[p] = first + (head[l] + p) % window;
            }
            net.decide(ring, one, 0, actionsOut, l * act);
            System.arraycopy(one.z, 0, pre, l * act, act);
            count();
        }
    }

    @Override
    public float[] lastPreSquash() {
        return pre;
    }

    /** Every lane's window of step tokens, then its ring position; spike trains are recomputed from the tokens. */
    @Override
    public float[] state() {
        int tokens = lanes * window * tok;
        float[] out = new float[tokens + lanes];
        System.arraycopy(ring.token, 0, out, 0, tokens);
        for (int l = 0; l < lanes; l++) {
            out[tokens + l] = head[l];
        }
        return out;
    }

    @Override
    public void restoreState(float[] state) {
        int tokens = lanes * window * tok;
        SequenceActors.checkState(SpikingTransformer.FAMILY, state, tokens + lanes);
        for (int l = 0; l < lanes; l++) {
            float at = state[tokens + l];
            if (!(at >= 0 && at < window && at == Math.rint(at))) {
                throw new IllegalArgumentException(SpikingTransformer.FAMILY + " stepper: saved ring position " + at
                        + " of lane " + l + " is not in 0.." + (window - 1));
            }
        }
        System.arraycopy(state, 0, ring.token, 0, tokens);
        for (int l = 0; l < lanes; l++) {
            head[l] = (int) state[tokens + l];
            runWith[l] = net.version - 1;
        }
    }

    /** Spikes and synaptic operations of the decision in {@code one}, counted as the policy module's engines do. */
    private void count() {
        int newest = one.position[window - 1];
        for (int t = 0; t < steps; t++) {
            int xNew = ring.xCount[newest * steps + t];
            for (int p = 0; p < window; p++) {
                int at = one.position[p] * steps + t;
                int x = ring.xCount[at];
                spikes += x + ring.kCount[at] + ring.vCount[at];
                synOps += 2L * x * d;
            }
            synOps += (long) xNew * d;
            int at = t * d;
            int querySpikes = TransformerNet.ones(one.qs, at, d);
            spikes += querySpikes;
            for (int p = 0; p < window; p++) {
                synOps += querySpikes;
                if (one.score[t * window + p] != 0f) {
                    synOps += ring.vCount[one.position[p] * steps + t];
                }
            }
            int y = TransformerNet.ones(one.ys, at, d);
            spikes += y;
            synOps += (long) y * d;
            spikes += TransformerNet.ones(one.ps, at, d);
            int activeR = 0;
            int xOff = (newest * steps + t) * d;
            for (int i = 0; i < d; i++) {
                if (ring.xs[xOff + i] + one.ps[at + i] != 0f) {
                    activeR++;
                }
            }
            synOps += (long) activeR * mlp;
            int m = TransformerNet.ones(one.ms, t * mlp, mlp);
            spikes += m;
            synOps += (long) m * outN;
            spikes += TransformerNet.ones(one.os, t * outN, outN);
        }
    }

    @Override
    public long lastSpikes() {
        return spikes;
    }

    @Override
    public long lastSynOps() {
        return synOps;
    }
}

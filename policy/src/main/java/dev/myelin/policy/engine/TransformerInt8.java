package dev.myelin.policy.engine;

import dev.myelin.policy.model.Policy;
import dev.myelin.policy.model.SpikingTransformer;

/**
 * The spiking transformer on int8 weights with Q12 fixed-point state. Tokens are quantised to Q12;
 * attention scores are exact integer spike coincidences, weighted by {@code Q12(scale)}. The
 * population decoder runs in fp32. Same structure as {@link TransformerFloat}.
 */
final class TransformerInt8 implements InferenceEngine {
    private final Policy policy;
    private final SpikingTransformer net;
    private final StepTokens tokens;
    private final PopulationCoding.Decoder decoder;
    private final int window;
    private final int d;
    private final int act;

    private final Int8Synapses embed;
    private final int[] embedBias;
    private final Int8Synapses query;
    private final Int8Synapses key;
    private final Int8Synapses value;
    private final Int8Synapses proj;
    private final Int8Synapses mlp;
    private final Int8Synapses out;
    private final int[] queryBias;
    private final int[] keyBias;
    private final int[] valueBias;
    private final int[] projBias;
    private final int[] mlpBias;
    private final int[] outBias;
    private final int scaleQ12;

    private final int[][] embedded;
    private int head;
    private final int[] tokenQ12;

    private final FixedLif[] tokenLif;
    private final FixedLif[] keyLif;
    private final FixedLif[] valueLif;
    private final FixedLif queryLif;
    private final FixedLif attnLif;
    private final FixedLif projLif;
    private final FixedLif mlpLif;
    private final FixedLif outLif;
    private final long[] wide;
    private final int[] acc;
    private final int[] current;
    private final int[] attention;
    private final int[] residual;
    private final float[] counts;
    private final EnergyMeter energy;

    TransformerInt8(Policy policy) {
        this.policy = policy;
        net = (SpikingTransformer) policy.network();
        tokens = new StepTokens(policy);
        decoder = new PopulationCoding.Decoder(net.tensor("decoder.weight"), net.tensor("decoder.bias"), policy.actions());
        window = net.window();
        d = net.modelDim();
        act = net.actionSize();
        embed = Int8Synapses.quantize(net.tensor("embed.weight"));
        embedBias = FixedLif.fixedBias(net.tensor("embed.bias").data());
        query = Int8Synapses.quantize(net.tensor("query.weight"));
        key = Int8Synapses.quantize(net.tensor("key.weight"));
        value = Int8Synapses.quantize(net.tensor("value.weight"));
        proj = Int8Synapses.quantize(net.tensor("proj.weight"));
        mlp = Int8Synapses.quantize(net.tensor("mlp.weight"));
        out = Int8Synapses.quantize(net.tensor("out.weight"));
        queryBias = FixedLif.fixedBias(net.tensor("query.bias").data());
        keyBias = FixedLif.fixedBias(net.tensor("key.bias").data());
        valueBias = FixedLif.fixedBias(net.tensor("value.bias").data());
        projBias = FixedLif.fixedBias(net.tensor("proj.bias").data());
        mlpBias = FixedLif.fixedBias(net.tensor("mlp.bias").data());
        outBias = FixedLif.fixedBias(net.tensor("out.bias").data());
        scaleQ12 = FixedPoint.toFixed(net.attentionScale());

        embedded = new int[window][Columns.padded(d)];
        tokenQ12 = new int[net.tokenSize()];
        tokenLif = new FixedLif[window];
        keyLif = new FixedLif[window];
        valueLif = new FixedLif[window];
        for (int k = 0; k < window; k++) {
            tokenLif[k] = new FixedLif(d, net.lif());
            keyLif[k] = new FixedLif(d, net.lif());
            valueLif[k] = new FixedLif(d, net.lif());
        }
        queryLif = new FixedLif(d, net.lif());
        attnLif = new FixedLif(d, net.lif());
        projLif = new FixedLif(d, net.lif());
        mlpLif = new FixedLif(net.mlpDim(), net.lif());
        outLif = new FixedLif(act * net.decoderPopulation(), net.lif());
        int widest = Math.max(Math.max(d, net.mlpDim()), act * net.decoderPopulation());
        wide = new long[Columns.padded(widest)];
        acc = new int[Columns.padded(widest)];
        current = new int[widest];
        attention = new int[d];
        residual = new int[d];
        counts = new float[act * net.decoderPopulation()];
        energy = new EnergyMeter(net.annEquivalentMacs());
        energy.layers("token", "key", "value", "query", "attention", "projection", "mlp", "output");
        reset();
    }

    @Override
    public String name() {
        return "int8";
    }

    @Override
    public Policy policy() {
        return policy;
    }

    @Override
    public void reward(float reward) {
        tokens.reward(reward);
    }

    private int project(Int8Synapses syn, int[] x, int[] into) {
        int active = syn.accumulateCounts(x, acc);
        syn.toFixed(acc, into);
        energy.addSynOps((long) active * syn.out);
        return active;
    }

    @Override
    public void act(float[] observation, float[] action) {
        tokens.begin(observation);
        energy.clear();
        float[] token = tokens.token;
        for (int i = 0; i < token.length; i++) {
            tokenQ12[i] = FixedPoint.toFixed(token[i]);
        }
        int[] slot = embedded[head];
        embed.projectFixed(tokenQ12, wide, slot);
        for (int i = 0; i < d; i++) {
            slot[i] = FixedPoint.saturate((long) slot[i] + embedBias[i]);
        }
        energy.addMacs((long) token.length * d);
        head = (head + 1) % window;

        for (int k = 0; k < window; k++) {
            tokenLif[k].clear();
            keyLif[k].clear();
            valueLif[k].clear();
        }
        queryLif.clear();
        attnLif.clear();
        projLif.clear();
        mlpLif.clear();
        outLif.clear();
        java.util.Arrays.fill(counts, 0f);
        final int newest = window - 1;
        final int timesteps = net.timesteps();
        for (int t = 0; t < timesteps; t++) {
            for (int p = 0; p < window; p++) {
                energy.addSpikes(0, tokenLif[p].step(embedded[(head + p) % window], null));
                int[] xs = tokenLif[p].s;
                project(key, xs, current);
                energy.addSpikes(1, keyLif[p].step(current, keyBias));
                project(value, xs, current);
                energy.addSpikes(2, valueLif[p].step(current, valueBias));
            }
            int[] xLast = tokenLif[newest].s;
            project(query, xLast, current);
            int querySpikes = queryLif.step(current, queryBias);
            energy.addSpikes(3, querySpikes);
            java.util.Arrays.fill(attention, 0);
            int[] q = queryLif.s;
            for (int p = 0; p < window; p++) {
                int[] kp = keyLif[p].s;
                int score = 0;
                for (int i = 0; i < d; i++) {
                    score += q[i] & kp[i];
                }
                // the score q . K_p adds K_p's entry at each of the query's spikes
                energy.addSynOps(querySpikes);
                if (score == 0) {
                    continue;
                }
                int w = score * scaleQ12;
                int[] vp = valueLif[p].s;
                for (int i = 0; i < d; i++) {
                    if (vp[i] != 0) {
                        attention[i] = FixedPoint.saturate((long) attention[i] + w);
                        energy.addSynOps(1);
                    }
                }
            }
            energy.addSpikes(4, attnLif.step(attention, null));
            project(proj, attnLif.s, current);
            energy.addSpikes(5, projLif.step(current, projBias));
            for (int i = 0; i < d; i++) {
                residual[i] = xLast[i] + projLif.s[i];
            }
            project(mlp, residual, current);
            energy.addSpikes(6, mlpLif.step(current, mlpBias));
            project(out, mlpLif.s, current);
            energy.addSpikes(7, outLif.step(current, outBias));
            int[] o = outLif.s;
            for (int i = 0; i < counts.length; i++) {
                counts[i] += o[i];
            }
        }
        energy.addMacs(decoder.decode(counts, timesteps, action));
        tokens.end(action);
    }

    @Override
    public void reset() {
        for (int[] e : embedded) {
            System.arraycopy(embedBias, 0, e, 0, d);
        }
        head = 0;
        tokens.reset();
    }

    @Override
    public EnergyMeter energy() {
        return energy;
    }
}

package dev.myelin.policy.engine;

import dev.myelin.policy.model.Policy;
import dev.myelin.policy.model.SpikingTransformer;

/**
 * The spiking transformer in fp32 (dense or event-driven synapses). Keeps the token window between
 * decisions: each {@link #act} appends the token {@code [o', a_prev / range, r_prev]} and evaluates the
 * newest position; see {@link SpikingTransformer} for the equations.
 */
final class TransformerFloat implements InferenceEngine {
    private final String name;
    private final Policy policy;
    private final SpikingTransformer net;
    private final StepTokens tokens;
    private final PopulationCoding.Decoder decoder;
    private final int window;
    private final int d;
    private final int act;

    private final FloatSynapses embed;
    private final float[] embedBias;
    private final FloatSynapses query;
    private final FloatSynapses key;
    private final FloatSynapses value;
    private final FloatSynapses proj;
    private final FloatSynapses mlp;
    private final FloatSynapses out;
    private final float[] queryBias;
    private final float[] keyBias;
    private final float[] valueBias;
    private final float[] projBias;
    private final float[] mlpBias;
    private final float[] outBias;

    /** Ring of token embeddings (window x d), oldest at {@code head}. */
    private final float[][] embedded;
    private int head;

    private final FloatLif[] tokenLif;
    private final FloatLif[] keyLif;
    private final FloatLif[] valueLif;
    private final FloatLif queryLif;
    private final FloatLif attnLif;
    private final FloatLif projLif;
    private final FloatLif mlpLif;
    private final FloatLif outLif;
    private final float[] current;
    private final float[] attention;
    private final float[] residual;
    private final float[] counts;
    private final EnergyMeter energy;

    TransformerFloat(Policy policy, boolean eventDriven) {
        this.name = eventDriven ? "event" : "dense";
        this.policy = policy;
        net = (SpikingTransformer) policy.network();
        tokens = new StepTokens(policy);
        decoder = new PopulationCoding.Decoder(net.tensor("decoder.weight"), net.tensor("decoder.bias"), policy.actions());
        window = net.window();
        d = net.modelDim();
        act = net.actionSize();
        embed = new FloatSynapses(net.tensor("embed.weight"), eventDriven);
        embedBias = net.tensor("embed.bias").data().clone();
        query = new FloatSynapses(net.tensor("query.weight"), eventDriven);
        key = new FloatSynapses(net.tensor("key.weight"), eventDriven);
        value = new FloatSynapses(net.tensor("value.weight"), eventDriven);
        proj = new FloatSynapses(net.tensor("proj.weight"), eventDriven);
        mlp = new FloatSynapses(net.tensor("mlp.weight"), eventDriven);
        out = new FloatSynapses(net.tensor("out.weight"), eventDriven);
        queryBias = net.tensor("query.bias").data().clone();
        keyBias = net.tensor("key.bias").data().clone();
        valueBias = net.tensor("value.bias").data().clone();
        projBias = net.tensor("proj.bias").data().clone();
        mlpBias = net.tensor("mlp.bias").data().clone();
        outBias = net.tensor("out.bias").data().clone();

        embedded = new float[window][Columns.padded(d)];
        tokenLif = new FloatLif[window];
        keyLif = new FloatLif[window];
        valueLif = new FloatLif[window];
        for (int k = 0; k < window; k++) {
            tokenLif[k] = new FloatLif(d, net.lif());
            keyLif[k] = new FloatLif(d, net.lif());
            valueLif[k] = new FloatLif(d, net.lif());
        }
        queryLif = new FloatLif(d, net.lif());
        attnLif = new FloatLif(d, net.lif());
        projLif = new FloatLif(d, net.lif());
        mlpLif = new FloatLif(net.mlpDim(), net.lif());
        outLif = new FloatLif(act * net.decoderPopulation(), net.lif());
        current = new float[Columns.padded(Math.max(Math.max(d, net.mlpDim()), act * net.decoderPopulation()))];
        attention = new float[d];
        residual = new float[d];
        counts = new float[act * net.decoderPopulation()];
        energy = new EnergyMeter(net.annEquivalentMacs());
        energy.layers("token", "key", "value", "query", "attention", "projection", "mlp", "output");
        reset();
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Policy policy() {
        return policy;
    }

    @Override
    public void reward(float reward) {
        tokens.reward(reward);
    }

    @Override
    public void act(float[] observation, float[] action) {
        tokens.begin(observation);
        energy.clear();
        float[] token = tokens.token;
        float[] slot = embedded[head];
        embed.projectReal(token, slot);
        for (int i = 0; i < d; i++) {
            slot[i] += embedBias[i];
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
        final float scale = net.attentionScale();
        for (int t = 0; t < timesteps; t++) {
            // Position p = 0 is the oldest token, p = window - 1 the newest.
            for (int p = 0; p < window; p++) {
                float[] e = embedded[(head + p) % window];
                energy.addSpikes(0, tokenLif[p].step(e, null));
                Spikes xs = tokenLif[p].out;
                int active = key.project(xs, current);
                energy.addSpikes(1, keyLif[p].step(current, keyBias));
                value.project(xs, current);
                energy.addSpikes(2, valueLif[p].step(current, valueBias));
                energy.addSynOps(2L * active * d);
            }
            float[] xLast = tokenLif[newest].s;
            int activeQ = query.project(tokenLif[newest].out, current);
            energy.addSynOps((long) activeQ * d);
            int querySpikes = queryLif.step(current, queryBias);
            energy.addSpikes(3, querySpikes);
            // Spiking self-attention of the newest query over all keys, no softmax.
            java.util.Arrays.fill(attention, 0f);
            float[] q = queryLif.s;
            for (int p = 0; p < window; p++) {
                float[] kp = keyLif[p].s;
                int score = 0;
                for (int i = 0; i < d; i++) {
                    if (q[i] != 0f && kp[i] != 0f) {
                        score++;
                    }
                }
                // the score q . K_p adds K_p's entry at each of the query's spikes
                energy.addSynOps(querySpikes);
                if (score == 0) {
                    continue;
                }
                float w = scale * score;
                float[] vp = valueLif[p].s;
                for (int i = 0; i < d; i++) {
                    if (vp[i] != 0f) {
                        attention[i] += w;
                        energy.addSynOps(1);
                    }
                }
            }
            energy.addSpikes(4, attnLif.step(attention, null));
            int activeY = proj.project(attnLif.out, current);
            energy.addSynOps((long) activeY * d);
            energy.addSpikes(5, projLif.step(current, projBias));
            for (int i = 0; i < d; i++) {
                residual[i] = xLast[i] + projLif.s[i];
            }
            int activeR = mlp.project(residual, current);
            energy.addSynOps((long) activeR * mlp.out);
            energy.addSpikes(6, mlpLif.step(current, mlpBias));
            int activeM = out.project(mlpLif.out, current);
            energy.addSynOps((long) activeM * out.out);
            energy.addSpikes(7, outLif.step(current, outBias));
            float[] o = outLif.s;
            for (int i = 0; i < counts.length; i++) {
                counts[i] += o[i];
            }
        }
        energy.addMacs(decoder.decode(counts, timesteps, action));
        tokens.end(action);
    }

    @Override
    public void reset() {
        // Empty positions hold the embedding of an all-zero token, i.e. the bias.
        for (float[] e : embedded) {
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

package dev.myelin.trainer.seq;

import dev.myelin.policy.model.CubaLif;
import dev.myelin.policy.model.SpikingNetwork;
import dev.myelin.policy.model.SpikingTransformer;
import dev.myelin.trainer.nn.Parameters;
import dev.myelin.trainer.nn.Surrogate;

import java.util.Arrays;
import java.util.Map;
import java.util.Set;

/**
 * The spiking-transformer actor of {@link SpikingTransformer} over a window of the last K step tokens
 * {@code [normalised observation, previous action, previous reward]}, trained by hand-written
 * backpropagation with surrogate spike gradients. Per decision, T timesteps of {@link CubaLif} neurons
 * (state zero at the start of every decision):
 * <pre>
 *   e_k = W_e token_k + b_e;   X_k = LIF(e_k);   K_k = LIF(W_k X_k + b_k);   V_k = LIF(W_v X_k + b_v)
 *   q = LIF(W_q X_last + b_q); y = LIF(scale * sum_k (q . K_k) V_k)       no softmax
 *   r = X_last + LIF(W_p y + b_p);  m = LIF(W_m r + b_m);  o = LIF(W_o m + b_o)
 *   a_j = tanh(w_j . (n_j / T) + b_j)                                     population decoder
 * </pre>
 * A token's spike trains X, K, V depend on the token alone (constant input, state zeroed per decision),
 * so each token is run once and shared by the K decisions whose window holds it; the policy module's
 * engine recomputes them every decision and gets the same values, because every sum here is formed in
 * the engine's order (see {@code FloatSynapses}, {@code FloatLif}): in fp32 the stepper's actions equal
 * the dense and event engines' on {@link #toNetwork()}.
 *
 * <p>In training, decision t of a sequence sees tokens {@code t-K+1..t} of that sequence and all-zero
 * tokens before its start, exactly the robot's window after an episode start. Backward: the spike's
 * derivative is the trainer's {@link Surrogate#RECTANGULAR} window ({@code |v - th| < width}, width 0.5 as
 * PopSAN; written out inline in the vector kernel),
 * gradients flow through every spike (tokens, keys, values, query, attention, projection, residual, MLP,
 * output) and the reset term, as automatic differentiation of the forward equations with straight-through
 * spikes would.
 *
 * <p>Options ({@link #create}): {@code window} (K, default 8), {@code model_dim} (D, 32), {@code mlp_dim}
 * (64), {@code population} (output neurons per action, 10), {@code timesteps} (T, 5), {@code attention_scale}
 * (default {@code 1/sqrt(model_dim)}), {@code surrogate_width} (0.5). Parameters carry the bundle's names and
 * {@code [out, in]} shapes ({@link SpikingTransformer#expectedShapes()}); packed transposed copies are
 * rebuilt by {@link #refreshWeights()}. Training buffers grow to the largest batch x steps seen and are
 * reused; nothing is allocated per call after that. The layers and the forward kernels shared with rollouts
 * are {@link TransformerNet}, backward is {@link TransformerBackward}, rollouts {@link TransformerStepper}.
 * One thread.
 */
public final class TransformerActor implements SequenceActor {
    public static final int DEFAULT_WINDOW = 8;
    public static final int DEFAULT_MODEL_DIM = 32;
    public static final int DEFAULT_MLP_DIM = 64;
    public static final int DEFAULT_POPULATION = 10;
    public static final int DEFAULT_TIMESTEPS = 5;
    public static final float DEFAULT_SURROGATE_WIDTH = 0.5f;
    private static final Set<String> OPTIONS = Set.of("window", "model_dim", "mlp_dim", "population", "timesteps",
            "attention_scale", "surrogate_width");

    private final TransformerNet net;
    private final TransformerBackward back;
    private final int obs;
    private final int act;
    private final int tok;
    private final int window;

    // training forward state, sized for the largest batch x steps seen
    private int batch;
    private int seqSteps;
    private TransformerNet.TokenTrains tokens;
    private TransformerNet.DecisionTrace trace;
    private float[] actions = new float[0];

    /**
     * A seeded actor; see the class comment for the option keys (unknown keys are refused, naming the known ones).
     */
    public static SequenceActor create(int observationSize, int actionSize, Map<String, Object> options, long seed) {
        ActorOptions o = new ActorOptions(SpikingTransformer.FAMILY, options, OPTIONS);
        int d = o.integer("model_dim", DEFAULT_MODEL_DIM, 1);
        float scale = o.positive("attention_scale", 1f / (float) Math.sqrt(d));
        return new TransformerActor(observationSize, actionSize, o.integer("window", DEFAULT_WINDOW, 1), d,
                o.integer("mlp_dim", DEFAULT_MLP_DIM, 1), o.integer("population", DEFAULT_POPULATION, 1),
                o.integer("timesteps", DEFAULT_TIMESTEPS, 1), scale, CubaLif.POPSAN,
                o.positive("surrogate_width", DEFAULT_SURROGATE_WIDTH), seed);
    }

    /**
     * @param attentionScale  the factor on the spike-count scores ({@code 1/sqrt(D)} by default)
     * @param surrogateWidth  half-width of the rectangular surrogate window around the threshold
     */
    public TransformerActor(int observationSize, int actionSize, int window, int modelDim, int mlpDim, int population,
                            int timesteps, float attentionScale, CubaLif lif, float surrogateWidth, long seed) {
        net = new TransformerNet(observationSize, actionSize, window, modelDim, mlpDim, population, timesteps,
                attentionScale, lif, surrogateWidth, seed);
        back = new TransformerBackward(net);
        obs = net.obs;
        act = net.act;
        tok = net.tok;
        this.window = net.window;
    }

    @Override
    public String family() {
        return SpikingTransformer.FAMILY;
    }

    @Override
    public int observationSize() {
        return obs;
    }

    @Override
    public int actionSize() {
        return act;
    }

    public int window() {
        return window;
    }

    public int modelDim() {
        return net.d;
    }

    public int timesteps() {
        return net.steps;
    }

    @Override
    public Parameters parameters() {
        return net.params;
    }

    @Override
    public void refreshWeights() {
        net.refreshWeights();
    }

    @Override
    public long macsPerDecision() {
        return net.macsPerDecision();
    }

    @Override
    public SpikingNetwork toNetwork() {
        return net.toNetwork();
    }

    // ---------------------------------------------------------------------------------------------
    // training

    @Override
    public float[] forward(float[] observations, float[] previousActions, float[] previousRewards, int batch, int steps) {
        if (batch < 1 || steps < 1) {
            throw new IllegalArgumentException(SpikingTransformer.FAMILY + " actor: batch " + batch + " and steps "
                    + steps + " must be positive");
        }
        int decisions = batch * steps;
        TransformerNet.checkLength("observations", observations, (long) decisions * obs);
        TransformerNet.checkLength("previousActions", previousActions, (long) decisions * act);
        TransformerNet.checkLength("previousRewards", previousRewards, decisions);
        if (tokens == null || tokens.capacity < decisions + 1) {
            tokens = net.new TokenTrains(decisions + 1, false);
            trace = net.new DecisionTrace(decisions);
            actions = new float[decisions * act];
            back.ensureCapacity(tokens.xs.length);
        }
        this.batch = batch;
        this.seqSteps = steps;
        // token 0 is the all-zero token that fills the window before a sequence's start; token 1 + t * B + b is step t of b
        float[] tk = tokens.token;
        Arrays.fill(tk, 0, tok, 0f);
        for (int n = 0; n < decisions; n++) {
            int to = (n + 1) * tok;
            System.arraycopy(observations, n * obs, tk, to, obs);
            System.arraycopy(previousActions, n * act, tk, to + obs, act);
            tk[to + obs + act] = previousRewards[n];
        }
        for (int n = 0; n <= decisions; n++) {
            tokens.run(n);
        }
        for (int t = 0; t < steps; t++) {
            for (int b = 0; b < batch; b++) {
                int n = t * batch + b;
                for (int p = 0; p < window; p++) {
                    int step = t - (window - 1) + p;
                    trace.position[n * window + p] = step < 0 ? 0 : 1 + step * batch + b;
                }
                net.decide(tokens, trace, n, actions, n * act);
            }
        }
        return actions;
    }

    @Override
    public float[] preSquash() {
        return trace.z;
    }

    @Override
    public void backward(float[] actionGradients, boolean preSquash) {
        if (tokens == null) {
            throw new IllegalStateException(SpikingTransformer.FAMILY + " actor: backward before forward");
        }
        int decisions = batch * seqSteps;
        TransformerNet.checkLength("actionGradients", actionGradients, (long) decisions * act);
        back.backward(tokens, trace, actions, decisions, actionGradients, preSquash);
    }

    // ---------------------------------------------------------------------------------------------
    // rollouts

    @Override
    public Stepper stepper(int lanes) {
        return new TransformerStepper(net, lanes);
    }
}

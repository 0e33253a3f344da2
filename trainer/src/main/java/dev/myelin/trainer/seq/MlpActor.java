package dev.myelin.trainer.seq;

import dev.myelin.policy.model.SpikingNetwork;
import dev.myelin.trainer.kernel.Rounding;
import dev.myelin.trainer.nn.Mlp;
import dev.myelin.trainer.nn.Parameters;
import dev.myelin.trainer.nn.RandomStream;

import java.util.List;
import java.util.Map;

/**
 * The stateless ANN baseline: {@code u = tanh(MLP(o))} on the normalized observation alone, ReLU hidden
 * layers (default 64, 64). Every step of a window is an independent row, so a forward pass over
 * {@code steps x batch} rows is one batched MLP pass. Not exportable (no spiking form). One thread.
 */
public final class MlpActor implements SequenceActor {
    public static final String FAMILY = "mlp";
    static final List<String> OPTIONS = List.of("hidden");

    private final int obs;
    private final int act;
    private final int[] sizes;
    private final Parameters params;
    private Mlp net;
    private int capacity;
    private float[] actions = new float[0];
    private float[] gZ = new float[0];
    private int rows;

    private MlpActor(int obs, int act, int[] hidden, long seed) {
        this.obs = obs;
        this.act = act;
        sizes = new int[hidden.length + 2];
        sizes[0] = obs;
        System.arraycopy(hidden, 0, sizes, 1, hidden.length);
        sizes[sizes.length - 1] = act;
        Parameters.Builder b = Parameters.builder();
        Mlp.declare(b, "", sizes);
        params = b.build();
        Mlp.initialize(params, "", sizes, new RandomStream(seed));
    }

    /** Options: {@code hidden} (list of layer sizes, default 64, 64). */
    public static SequenceActor create(int observationSize, int actionSize, Map<String, Object> options, long seed) {
        SequenceActors.requireSizes(FAMILY, observationSize, actionSize);
        ActorOptions o = new ActorOptions(FAMILY, options, OPTIONS);
        return new MlpActor(observationSize, actionSize, o.sizes("hidden", new int[] {64, 64}), seed);
    }

    @Override
    public String family() {
        return FAMILY;
    }

    @Override
    public int observationSize() {
        return obs;
    }

    @Override
    public int actionSize() {
        return act;
    }

    @Override
    public Parameters parameters() {
        return params;
    }

    @Override
    public void refreshWeights() {
        // fp32: the networks read the parameter array directly
    }

    private void ensure(int n) {
        if (n > capacity) {
            capacity = n;
            net = new Mlp(params, "", sizes, n, Rounding.FP32);
            actions = new float[n * act];
            gZ = new float[n * act];
        }
    }

    @Override
    public float[] forward(float[] observations, float[] previousActions, float[] previousRewards, int batch, int steps) {
        SequenceActors.requireShape(batch, steps);
        int n = batch * steps;
        ensure(n);
        System.arraycopy(observations, 0, net.input(), 0, n * obs);
        float[] z = net.forward(n);
        for (int i = 0; i < n * act; i++) {
            actions[i] = (float) Math.tanh(z[i]);
        }
        rows = n;
        return actions;
    }

    @Override
    public void backward(float[] gradients, boolean preSquash) {
        for (int i = 0; i < rows * act; i++) {
            float u = actions[i];
            gZ[i] = preSquash ? gradients[i] : gradients[i] * (1f - u * u);
        }
        net.backward(gZ, true, null, 0, 0);
    }

    @Override
    public float[] preSquash() {
        return net.output();
    }

    @Override
    public Stepper stepper(int lanes) {
        if (lanes < 1) {
            throw new IllegalArgumentException("stepper lanes must be >= 1, got " + lanes);
        }
        Mlp m = new Mlp(params, "", sizes, lanes, Rounding.FP32);
        return new Stepper() {
            @Override
            public void reset(int lane) {
                if (lane < 0 || lane >= lanes) {
                    throw new IndexOutOfBoundsException("lane " + lane + " of " + lanes);
                }
            }

            @Override
            public void step(float[] observations, float[] previousActions, float[] previousRewards, float[] actionsOut) {
                System.arraycopy(observations, 0, m.input(), 0, lanes * obs);
                float[] z = m.forward(lanes);
                for (int i = 0; i < lanes * act; i++) {
                    actionsOut[i] = (float) Math.tanh(z[i]);
                }
            }

            @Override
            public float[] lastPreSquash() {
                return m.output();
            }

            @Override
            public float[] state() {
                return new float[0];
            }

            @Override
            public void restoreState(float[] state) {
                SequenceActors.checkState("mlp", state, 0);
            }

            @Override
            public long lastSpikes() {
                return 0;
            }

            @Override
            public long lastSynOps() {
                return 0;
            }
        };
    }

    @Override
    public long macsPerDecision() {
        long m = 0;
        for (int l = 0; l + 1 < sizes.length; l++) {
            m += (long) sizes[l] * sizes[l + 1];
        }
        return m;
    }

    @Override
    public SpikingNetwork toNetwork() {
        return null;
    }
}

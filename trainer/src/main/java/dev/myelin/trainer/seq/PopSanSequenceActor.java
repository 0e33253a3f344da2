package dev.myelin.trainer.seq;

import dev.myelin.policy.model.CubaLif;
import dev.myelin.policy.model.SpikingNetwork;
import dev.myelin.trainer.kernel.Rounding;
import dev.myelin.trainer.nn.Parameters;
import dev.myelin.trainer.nn.PopSanActor;
import dev.myelin.trainer.nn.RandomStream;
import dev.myelin.trainer.nn.Surrogate;

import java.util.List;
import java.util.Map;

/**
 * Feed-forward PopSAN ({@link PopSanActor}) as a sequence actor: it keeps no state between decisions
 * (its neurons restart at zero for every decision, as PopSAN's do), so a window of {@code steps x batch}
 * rows is one batched PopSAN pass and the sequence machinery only decides where the loss is taken. The
 * feed-forward baseline of the memory comparison. One thread.
 */
public final class PopSanSequenceActor implements SequenceActor {
    public static final String FAMILY = "popsan";
    static final List<String> OPTIONS = List.of("hidden", "population", "timesteps", "surrogate", "surrogate_width");

    private final PopSanActor.ActorShape shape;
    private final Parameters params;
    private final Surrogate surrogate;
    private final float surrogateWidth;
    private PopSanActor net;
    private int capacity;
    private float[] actions = new float[0];
    private float[] gZ = new float[0];
    private int rows;

    private PopSanSequenceActor(PopSanActor.ActorShape shape, Surrogate surrogate, float surrogateWidth, long seed) {
        this.shape = shape;
        this.surrogate = surrogate;
        this.surrogateWidth = surrogateWidth;
        Parameters.Builder b = Parameters.builder();
        PopSanActor.declare(b, shape, false);
        params = b.build();
        PopSanActor.initialize(params, shape, new RandomStream(seed));
    }

    /**
     * Options: {@code hidden} (default 64, 64), {@code population} (neurons per observation and action
     * dimension, default 10), {@code timesteps} (default 5), {@code surrogate} (rectangular), {@code surrogate_width} (0.5).
     */
    public static SequenceActor create(int observationSize, int actionSize, Map<String, Object> options, long seed) {
        SequenceActors.requireSizes(FAMILY, observationSize, actionSize);
        ActorOptions o = new ActorOptions(FAMILY, options, OPTIONS);
        int pop = o.integer("population", 10, 1);
        PopSanActor.ActorShape shape = new PopSanActor.ActorShape(observationSize, actionSize, pop, pop,
                o.sizes("hidden", new int[] {64, 64}), o.integer("timesteps", 5, 1), CubaLif.POPSAN);
        float width = o.number("surrogate_width", 0.5f);
        if (!(width > 0f)) {
            throw new IllegalArgumentException("popsan actor: option surrogate_width must be positive, got " + width);
        }
        return new PopSanSequenceActor(shape, Surrogate.fromConfigName(o.string("surrogate", "rectangular")), width, seed);
    }

    public PopSanActor.ActorShape shape() {
        return shape;
    }

    @Override
    public String family() {
        return FAMILY;
    }

    @Override
    public int observationSize() {
        return shape.observationSize();
    }

    @Override
    public int actionSize() {
        return shape.actionSize();
    }

    @Override
    public Parameters parameters() {
        return params;
    }

    @Override
    public void refreshWeights() {
        // fp32: the kernels read the parameter array directly
    }

    private void ensure(int n) {
        if (n > capacity) {
            capacity = n;
            net = new PopSanActor(params, shape, surrogate, surrogateWidth, n, Rounding.FP32);
            actions = new float[n * shape.actionSize()];
            gZ = new float[n * shape.actionSize()];
        }
    }

    @Override
    public float[] forward(float[] observations, float[] previousActions, float[] previousRewards, int batch, int steps) {
        SequenceActors.requireShape(batch, steps);
        int n = batch * steps;
        ensure(n);
        System.arraycopy(observations, 0, net.input(), 0, n * shape.observationSize());
        net.forward(n);
        System.arraycopy(net.action(), 0, actions, 0, n * shape.actionSize());
        rows = n;
        return actions;
    }

    @Override
    public void backward(float[] gradients, boolean preSquash) {
        for (int i = 0; i < rows * shape.actionSize(); i++) {
            float u = actions[i];
            gZ[i] = preSquash ? gradients[i] : gradients[i] * (1f - u * u);
        }
        net.backward(gZ, null);
    }

    @Override
    public float[] preSquash() {
        return net.preActivation();
    }

    @Override
    public Stepper stepper(int lanes) {
        if (lanes < 1) {
            throw new IllegalArgumentException("stepper lanes must be >= 1, got " + lanes);
        }
        PopSanActor p = new PopSanActor(params, shape, surrogate, surrogateWidth, lanes, Rounding.FP32);
        int obs = shape.observationSize();
        int act = shape.actionSize();
        return new Stepper() {
            private long spikes;

            @Override
            public void reset(int lane) {
                if (lane < 0 || lane >= lanes) {
                    throw new IndexOutOfBoundsException("lane " + lane + " of " + lanes);
                }
            }

            @Override
            public void step(float[] observations, float[] previousActions, float[] previousRewards, float[] actionsOut) {
                System.arraycopy(observations, 0, p.input(), 0, lanes * obs);
                p.forward(lanes);
                System.arraycopy(p.action(), 0, actionsOut, 0, lanes * act);
                spikes = p.lastSpikes();
            }

            @Override
            public float[] lastPreSquash() {
                return p.preActivation();
            }

            @Override
            public float[] state() {
                return new float[0];
            }

            @Override
            public void restoreState(float[] state) {
                SequenceActors.checkState("popsan", state, 0);
            }

            @Override
            public long lastSpikes() {
                return spikes;
            }

            /** Not counted by the trainer's kernels (-1); the policy module's engines meter SynOps. */
            @Override
            public long lastSynOps() {
                return -1;
            }
        };
    }

    /** Real-valued work per decision: the Gaussian receptive fields (once per decision) and the decoder. */
    @Override
    public long macsPerDecision() {
        return (long) shape.observationSize() * shape.encoderPopulation()
                + (long) shape.actionSize() * shape.decoderPopulation();
    }

    @Override
    public SpikingNetwork toNetwork() {
        return PopSanActor.toPopSan(params, shape);
    }
}

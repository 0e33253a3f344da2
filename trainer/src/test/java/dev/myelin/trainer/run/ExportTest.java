package dev.myelin.trainer.run;

import dev.myelin.policy.bundle.BundleReader;
import dev.myelin.policy.bundle.PolicyBundle;
import dev.myelin.policy.bundle.SigningKeys;
import dev.myelin.policy.bundle.TrustedKeys;
import dev.myelin.policy.compress.Precision;
import dev.myelin.policy.engine.InferenceEngine;
import dev.myelin.policy.engine.InferenceEngines;
import dev.myelin.sim.Actor;
import dev.myelin.sim.Env;
import dev.myelin.sim.Tasks;
import dev.myelin.sim.Transition;
import dev.myelin.trainer.mpi.Communicator;
import dev.myelin.trainer.seq.SequenceExport;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** An exported bundle run by the robot's dense engine reproduces the trainer's actor. */
class ExportTest {
    @TempDir
    static Path tmp;
    static Path run;

    @BeforeAll
    static void train() throws Exception {
        run = tmp.resolve("run");
        TrainConfig c = CheckpointTest.small("steps=1000", "checkpoint_every=500", "eval_every=500", "actor.hidden=48,32");
        try (TrainingRun r = TrainingRun.start(c, run, Communicator.single())) {
            r.run();
        }
    }

    /** Observations the policy meets: states visited by random play, unnormalised. */
    static List<float[]> visitedObservations(int n) {
        List<float[]> out = new ArrayList<>();
        SplittableRandom r = new SplittableRandom(3);
        try (Env env = Tasks.env(dev.myelin.sim.TaskSpec.of("pendulum"))) {
            float[] o = env.reset(11);
            float[] a = new float[1];
            while (out.size() < n) {
                out.add(o.clone());
                a[0] = (float) (4 * r.nextDouble() - 2);
                Transition t = env.step(a);
                o = t.done() ? env.reset() : t.observation();
            }
        }
        return out;
    }

    @Test
    void denseEngineOnTheBundleEqualsTheTrainersActorWithin1e5() throws Exception {
        Path out = tmp.resolve("p.myl");
        List<PolicyExport.Variant> rows = PolicyExport.export(new PolicyExport.Request(run, out, List.of(Precision.FP32),
                0, null, null, null, 0));
        assertEquals(1, rows.size());
        PolicyBundle b = BundleReader.read(out, TrustedKeys.none());
        InferenceEngine dense = InferenceEngines.create("dense", b.policy());
        TrainedPolicy trained = TrainedPolicy.load(run);
        // export reads the run's checkpoint format: this run is a feed-forward one
        assertInstanceOf(TrainedPolicy.class, SequenceExport.loadAny(run));
        Actor reference = trained.referenceActor();
        float[] a = new float[1];
        float[] ref = new float[1];
        double worst = 0;
        int exact = 0;
        List<float[]> observations = visitedObservations(2000);
        for (float[] o : observations) {
            dense.act(o, a);
            reference.act(o, ref);
            worst = Math.max(worst, Math.abs(a[0] - ref[0]));
            exact += a[0] == ref[0] ? 1 : 0;
        }
        assertTrue(worst <= 1e-5, "largest difference between bundle and trainer actions: " + worst);
        // the sums are formed in the same order on both sides, so in practice they agree bit for bit
        assertEquals(observations.size(), exact, "bit-identical actions");
        // the policy is not trivially constant: actions vary over the visited states
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (float[] o : observations) {
            dense.act(o, a);
            min = Math.min(min, a[0]);
            max = Math.max(max, a[0]);
        }
        assertTrue(max - min > 0.1, "actions span " + min + ".." + max);
        assertEquals(b.policy().normalizer(), trained.toPolicy().normalizer(), "normalisation travels with the policy");
        assertEquals("pendulum", b.policy().provenance().get("task"));
        assertEquals("td3", b.policy().provenance().get("algorithm"));
        assertNotNull(b.policy().provenance().get("checkpoint_sha256"));
        assertEquals("torque", b.policy().actions().get(0).name());
    }

    @Test
    void signedPrunedInt8ExportIsEvaluatedPerVariant() throws Exception {
        KeyPair keys = SigningKeys.generate();
        Path key = tmp.resolve("key.pem");
        SigningKeys.writePrivateKey(keys.getPrivate(), key);
        Path out = tmp.resolve("q.myl");
        List<PolicyExport.Variant> rows = PolicyExport.export(new PolicyExport.Request(run, out,
                List.of(Precision.FP32, Precision.INT8), 0.5, key, "pendulum-policy", "1.2.3", 3));
        // reference, fp32 dense, int8 dense, int8 int8-engine
        assertEquals(4, rows.size(), PolicyExport.table(rows));
        for (PolicyExport.Variant v : rows) {
            assertNotNull(v.summary(), v.label());
            assertEquals(3, v.summary().returns().length);
        }
        Path int8 = PolicyExport.withSuffix(out, "int8");
        assertTrue(Files.size(int8) < Files.size(PolicyExport.withSuffix(out, "fp32")));
        PolicyBundle b = BundleReader.read(int8, TrustedKeys.of(keys.getPublic()));
        assertEquals(Precision.INT8, b.precision());
        assertEquals("1.2.3", b.version().toString());
        assertTrue(b.weightSparsity() >= 0.45, "pruned to half: " + b.weightSparsity());
        // a reader that trusts another key refuses it
        assertThrows(Exception.class, () -> BundleReader.read(int8, TrustedKeys.of(SigningKeys.generate().getPublic())));
        String table = PolicyExport.table(rows);
        assertTrue(table.contains("int8") && table.contains("trainer"), table);
    }

    @Test
    void exportRefusesWhatItCannotDo() {
        assertThrows(java.io.IOException.class, () -> PolicyExport.export(new PolicyExport.Request(tmp.resolve("nothing"),
                tmp.resolve("x.myl"), List.of(Precision.FP32), 0, null, null, null, 0)));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PolicyExport.export(new PolicyExport.Request(run, tmp.resolve("x.myl"), List.of(Precision.FP32), 1.5,
                        null, null, null, 0)));
        assertTrue(e.getMessage().contains("1.5"), e.getMessage());
    }
}

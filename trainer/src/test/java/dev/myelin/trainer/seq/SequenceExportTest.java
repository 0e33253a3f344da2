package dev.myelin.trainer.seq;

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
import dev.myelin.trainer.run.PolicyExport;
import dev.myelin.trainer.run.TrainedRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A run's checkpoint exports as a signed bundle; on multi-diffdrive the one shared actor is the bundle
 * and every robot's own engine instance, fed that robot's observations, reproduces the trainer's shared
 * stepper; the ANN baselines are refused with a clear error. The comparison writes its files.
 */
class SequenceExportTest {

    @Test
    void multiRobotRunExportsOneBundleThatEveryRobotRuns(@TempDir Path dir) throws Exception {
        SequenceConfig c = SequenceConfig.of(SequenceConfig.loadPreset("multi-diffdrive"), List.of("family=popsan",
                "task_options.robots=2", "task_options.max_steps=30", "envs=2", "steps=128", "start_steps=64",
                "update_after=64", "update_every=64", "updates_per_period=1", "eval_every=128", "eval_episodes=1",
                "batch_size=2", "actor.hidden=16", "actor.timesteps=3"));
        Path run = dir.resolve("run");
        try (SequenceTrainingRun r = SequenceTrainingRun.start(c, run)) {
            r.run();
        }
        assertTrue(Files.isRegularFile(run.resolve("metrics.csv")));
        assertTrue(Files.isRegularFile(run.resolve("curve.png")));
        KeyPair keys = SigningKeys.generate();
        Path pem = dir.resolve("key.pem");
        SigningKeys.writePrivateKey(keys.getPrivate(), pem);
        Path bundle = dir.resolve("team.myl");
        SequenceExport.export(run, bundle, pem, null, null);
        PolicyBundle read = BundleReader.read(bundle, TrustedKeys.of(keys.getPublic()));
        assertEquals("popsan", read.policy().network().family());

        SequenceExport.Trained trained = SequenceExport.load(run);
        assertEquals(2, trained.agentsPerWorld());
        assertEquals(true, trained.provenance().get("parameter_shared"));
        try (Env env = Tasks.env(c.taskSpec())) {
            int robots = env.agents();
            int obs = env.observationSpace().size();
            int act = env.actionSpace().size();
            Actor shared = SequencePolicy.actor(trained.actor(), trained.normalizer(), env.actionSpace(), robots);
            InferenceEngine[] engines = new InferenceEngine[robots];
            for (int k = 0; k < robots; k++) {
                engines[k] = InferenceEngines.create("dense", read.policy());
            }
            float[] o = env.reset(99);
            shared.startEpisode();
            float[] a = new float[robots * act];
            float[] one = new float[obs];
            float[] e = new float[act];
            Transition t;
            int steps = 0;
            do {
                shared.act(o, a);
                for (int k = 0; k < robots; k++) {
                    System.arraycopy(o, k * obs, one, 0, obs);
                    engines[k].act(one, e);
                    for (int j = 0; j < act; j++) {
                        assertEquals(a[k * act + j], e[j], 1e-4f * (1f + Math.abs(e[j])), "robot " + k + " step " + steps);
                    }
                }
                t = env.step(a);
                shared.observe(t);
                o = t.observation();
                steps++;
            } while (!t.done());
            assertTrue(steps > 1);
        }

        // ./myelin export takes a sequence run like a feed-forward one: every precision, evaluated next to the trainer.
        TrainedRun any = SequenceExport.loadAny(run);
        assertInstanceOf(SequenceExport.Trained.class, any);
        Path out = dir.resolve("team-all.myl");
        List<PolicyExport.Variant> rows = PolicyExport.export(new PolicyExport.Request(run, out,
                List.of(Precision.FP32, Precision.FP16, Precision.INT8), 0, null, null, null, 2), any);
        assertEquals(List.of("trainer", "dense", "dense", "dense", "int8"), rows.stream().map(PolicyExport.Variant::engine).toList(),
                PolicyExport.table(rows));
        for (PolicyExport.Variant v : rows) {
            assertEquals(2, v.summary().returns().length, v.label());
        }
        double reference = rows.get(0).summary().meanReturn();
        double fp32 = rows.get(1).summary().meanReturn();
        assertEquals(reference, fp32, 1e-3 * (1 + Math.abs(reference)), PolicyExport.table(rows));
        PolicyBundle int8 = BundleReader.read(out.resolveSibling("team-all-int8.myl"), TrustedKeys.none());
        assertEquals("myelin-multi-diffdrive-popsan", int8.name());
        assertEquals(Precision.INT8, int8.precision());
        assertTrue(Files.size(out.resolveSibling("team-all-int8.myl")) < Files.size(out.resolveSibling("team-all-fp32.myl")));
    }

    @Test
    void annBaselinesAreNotExportable(@TempDir Path dir) throws Exception {
        SequenceConfig c = SequenceConfig.of(SequenceConfig.loadPreset("pendulum-po"), List.of("family=mlp",
                "steps=128", "start_steps=64", "update_after=64", "eval_every=128", "eval_episodes=1", "updates_per_period=2"));
        try (SequenceTrainingRun r = SequenceTrainingRun.start(c, dir.resolve("run"))) {
            r.run();
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SequenceExport.export(dir.resolve("run"), dir.resolve("x.myl"), null, null, null));
        assertTrue(e.getMessage().contains("mlp") && e.getMessage().contains("cannot be exported"), e.getMessage());
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                () -> SequenceExport.load(dir.resolve("nothing")));
        assertTrue(missing.getMessage().contains("checkpoint"), missing.getMessage());
    }

    @Test
    void comparisonWritesResultsAndTable(@TempDir Path dir) throws Exception {
        Path preset = dir.resolve("tiny-po.yaml");
        Files.writeString(preset, String.join("\n", "task: pendulum", "observation: position-only", "steps: 128",
                "envs: 4", "start_steps: 64", "update_after: 64", "update_every: 64", "updates_per_period: 2",
                "eval_every: 128", "eval_episodes: 1", "actor:", "  hidden: [16]", ""));
        SequenceComparison.Plan plan = new SequenceComparison.Plan(List.of(preset.toString()), List.of("popsan", "mlp"),
                List.of("td3", "sac"), 1, 1, 1, dir);
        java.io.ByteArrayOutputStream log = new java.io.ByteArrayOutputStream();
        List<SequenceComparison.Cell> cells = SequenceComparison.run(plan, new java.io.PrintStream(log, true));
        assertEquals(4, cells.size());
        assertEquals(List.of("td3", "sac", "td3", "sac"), cells.stream().map(SequenceComparison.Cell::algorithm).toList());
        SequenceComparison.Cell popsan = cells.get(0);
        assertTrue(popsan.energyFromEngine() && popsan.synOpsPerDecision() >= 0 && popsan.macsPerDecision() > 0);
        assertEquals(popsan.meanReturn(), popsan.engineReturn(), 1e-3 * Math.abs(popsan.meanReturn()),
                "the dense engine reproduces the trainer's evaluation return");
        SequenceComparison.Cell mlp = cells.get(3);
        assertEquals(4.6 * mlp.macsPerDecision(), mlp.picojoulesPerDecision(), 1e-9);
        String json = Files.readString(dir.resolve("results.json"));
        assertTrue(json.contains("\"family\" : \"mlp\"") && json.contains("energy_pj_per_decision"), json);
        String table = Files.readString(dir.resolve("table.md"));
        assertTrue(table.contains("| tiny-po | popsan | td3 |") && table.contains("| tiny-po | mlp | sac |"), table);
        assertTrue(Files.isDirectory(dir.resolve("runs/tiny-po-mlp-sac-s1")));
        assertThrows(IllegalArgumentException.class, () -> new SequenceComparison.Plan(List.of("walker"), List.of("mlp"), 1, 1, 1, dir));
        String m = assertThrows(IllegalArgumentException.class, () -> new SequenceComparison.Plan(List.of("pendulum-po"),
                List.of("mlp"), List.of("ppo"), 1, 1, 1, dir)).getMessage();
        assertTrue(m.contains("ppo") && m.contains("td3, sac"), m);
    }
}

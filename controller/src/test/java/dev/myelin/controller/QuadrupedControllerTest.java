package dev.myelin.controller;

import dev.myelin.controller.hosting.PolicyRejectedException;
import dev.myelin.policy.bundle.SigningKeys;
import dev.myelin.policy.bundle.TrustedKeys;
import dev.myelin.policy.model.Channel;
import dev.myelin.policy.model.Policy;
import dev.myelin.ros2.Context;
import dev.myelin.ros2.Node;
import dev.myelin.ros2.Qos;
import dev.myelin.ros2.msg.MessageType;
import dev.myelin.sim.BoxSpace;
import dev.myelin.sim.SimEnv;
import dev.myelin.sim.TaskSpec;
import dev.myelin.sim.Tasks;
import dev.myelin.sim.node.LeggedSimNode;
import dev.myelin.sim.task.QuadrupedWalk;
import org.junit.jupiter.api.Test;

import java.security.KeyPair;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The controller driving the MuJoCo quadruped joint by joint over ROS 2 loopback (real Cyclone DDS,
 * two participants): joint states, IMU and the commanded velocity in, a Float64MultiArray forward
 * command out; the node applies it within the limits, holds the standing pose when the commands stop,
 * and a bundle naming other joints is refused before it can run.
 */
class QuadrupedControllerTest {
    /** The quadruped's channels as the task defines them, with all-zero weights (the plumbing is under test). */
    private static Policy policy(List<String> joints) {
        BoxSpace o = QuadrupedWalk.observationLayout();
        List<Channel> obs = new ArrayList<>();
        for (int i = 0; i < o.size(); i++) {
            obs.add(new Channel(o.name(i), o.unit(i), o.low(i), o.high(i)));
        }
        BoxSpace a = QuadrupedWalk.actionLayout();
        List<Channel> act = new ArrayList<>();
        for (int i = 0; i < a.size(); i++) {
            act.add(new Channel(joints.get(i), a.unit(i), a.low(i), a.high(i)));
        }
        return JointMappingTest.policy(obs, act);
    }

    @Test
    void theControllerDrivesTheQuadrupedJointByJoint() throws Exception {
        int domain = ThreadLocalRandom.current().nextInt(160, 200);
        KeyPair key = SigningKeys.generate();
        ConcurrentLinkedQueue<double[]> sent = new ConcurrentLinkedQueue<>();
        try (Context simContext = Context.builder().domainId(domain).localhostOnly(true).build();
             Context controllerContext = Context.builder().domainId(domain).localhostOnly(true).build()) {
            Node simNode = simContext.createNode("myelin_sim");
            SimEnv env = new SimEnv(Tasks.simulator(TaskSpec.of(QuadrupedWalk.NAME), 1));
            LeggedSimNode sim = new LeggedSimNode(simNode, env, 3, 0.2);
            Node probe = simContext.createNode("probe");
            MessageType arrayType = probe.messageType("std_msgs/msg/Float64MultiArray");
            var data = arrayType.field("data");
            probe.createSubscription("/" + LeggedSimNode.COMMAND_TOPIC, arrayType, Qos.DEFAULT, (m, t) -> {
                var d = m.primitives(data);
                double[] v = new double[d.size()];
                for (int i = 0; i < v.length; i++) {
                    v[i] = d.getDouble(i);
                }
                sent.add(v);
            });
            boolean[] running = {true};
            Thread ticking = Thread.ofPlatform().name("legged-sim").daemon(true).start(() -> sim.run(2, () -> running[0]));
            Node node = controllerContext.createNode("controller");
            Controller controller = new Controller(JointMappingTest.params(), node, TrustedKeys.of(key.getPublic()));
            try {
                controller.configure();
                // A bundle whose joints are named otherwise is refused before it can run, naming both sides.
                List<String> renamed = new ArrayList<>(QuadrupedWalk.JOINTS);
                renamed.set(2, "fl_knee");
                PolicyRejectedException e = assertThrows(PolicyRejectedException.class, () -> controller.host().prepare(
                        TestBundles.bundle(policy(renamed), "walk", "0.9.0", key.getPrivate())));
                assertTrue(e.getMessage().contains("action 'fl_calf' (to /forward_position_controller/commands data[2]) is not a "
                        + "channel of bundle 'walk' 0.9.0"), e.getMessage());
                assertNull(controller.host().current());

                controller.host().swap(controller.host().prepare(TestBundles.bundle(policy(QuadrupedWalk.JOINTS), "walk", "1.0.0",
                        key.getPrivate())), Duration.ofSeconds(2));
                controller.activate();
                long applied0 = sim.appliedCommands();
                // Decisions are taken only on fresh joint states, IMU and velocity command (stale inputs hold the safe pose).
                ControllerSimTest.await(() -> sim.appliedCommands() > applied0 + 100 && controller.metrics().decisions() > 100,
                        "the controller decides on fresh inputs and the node applies its joint commands");
                assertEquals(0, sim.invalidCommands(), "every command had 12 finite values");
                // Every command lies within the parameter file's per-joint limits, in joint order.
                var actions = JointMappingTest.params().actions();
                for (double[] v : sent) {
                    assertEquals(12, v.length);
                    for (int j = 0; j < 12; j++) {
                        assertTrue(v[j] >= actions.get(j).min() && v[j] <= actions.get(j).max(),
                                QuadrupedWalk.JOINTS.get(j) + " = " + v[j]);
                    }
                }
                // The targets the node applied are the ones the controller sent.
                float[] targets = sim.lastTargets();
                assertTrue(sent.stream().anyMatch(v -> {
                    for (int j = 0; j < 12; j++) {
                        if ((float) v[j] != targets[j]) {
                            return false;
                        }
                    }
                    return true;
                }), "applied targets come from a sent command");

                // The node measures how the robot it simulates tracks the command: this policy (zero weights) holds
                // the standing pose, so the speed error is the command itself and the robot does not fall.
                var tracking = sim.tracking().summary();
                assertTrue(tracking.steps() > 100, "tracked steps " + tracking.steps());
                assertEquals(0, tracking.falls(), "standing does not fall");
                assertEquals(0.0, tracking.meanSpeed(), 0.02, "standing still");
                assertEquals(tracking.meanCommand(), tracking.linearMeanAbs(), 0.02, "mean |v - c_v| of a standing robot is c_v");
                assertTrue(tracking.meanCommand() > 0 && tracking.meanCommand() <= 0.5, "commanded " + tracking.meanCommand());

                // The controller stops: the node's watchdog holds the standing pose.
                controller.close();
                long stale0 = sim.staleCommands();
                ControllerSimTest.await(() -> sim.staleCommands() > stale0 + 5, "silent command topic detected");
                float[] held = sim.lastTargets();
                float[] stand = QuadrupedWalk.standingTargets();
                for (int j = 0; j < 12; j++) {
                    assertEquals(stand[j], held[j], "joint " + j + " holds the standing pose");
                }
            } finally {
                controller.close();
                running[0] = false;
                ticking.join(5_000);
                sim.close();
                ((QuadrupedWalk) env.simulator()).close();
            }
        }
    }
}

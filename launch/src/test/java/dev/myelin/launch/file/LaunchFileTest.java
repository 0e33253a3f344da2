package dev.myelin.launch.file;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Launch files: the shipped ones read, substitutions apply, and every error names the file, line and key. */
class LaunchFileTest {

    private static LaunchFile parse(String yaml, Map<String, String> args) {
        return LaunchFile.parse(yaml, "test.yaml", Path.of("/tmp/launchdir"), args);
    }

    private static LaunchFileException bad(String yaml) {
        return assertThrows(LaunchFileException.class, () -> parse(yaml, Map.of()));
    }

    private static void assertNames(LaunchFileException e, int line, String key) {
        assertEquals("test.yaml", e.source(), e.getMessage());
        assertEquals(line, e.line(), e.getMessage());
        assertEquals(key, e.key(), e.getMessage());
        assertTrue(e.getMessage().startsWith("test.yaml:" + line + ": key '" + key + "'"), e.getMessage());
    }

    @Test
    void shippedFilesRead() throws Exception {
        LaunchFile sim = LaunchFile.read(Path.of("sim-robot.yaml"), Map.of("domain", "77"));
        assertEquals(List.of("broker", "sim", "controller", "ota"), sim.nodes().stream().map(LaunchFile.NodeSpec::name).toList());
        LaunchFile.NodeSpec simNode = sim.nodes().get(1);
        assertEquals("sim-node", simNode.kind());
        assertEquals("77", simNode.params().string("domain", null));
        assertEquals("beams=24", simNode.params().string("task_options", null));
        // the controller loads the navigation parameters every 24-sector robot shares
        LaunchFile.NodeSpec controller = sim.nodes().get(2);
        assertEquals(Path.of("params/nav-24.yaml").toAbsolutePath().normalize(), controller.paramFile());
        assertNull(controller.rosParameters(), "no inline parameters beside the file");
        assertEquals(List.of("lidar", "goal", "linear_velocity", "angular_velocity"),
                ControllerNode.readParams(controller, true).observations().stream().map(o -> o.name()).toList());
        // parameters may also be given inline
        LaunchFile inline = LaunchFile.read(Path.of(LaunchFileTest.class.getResource("inline-params.yaml").toURI()),
                Map.of("domain", "77"));
        assertTrue(inline.nodes().get(2).rosParameters().containsKey("observations"));

        LaunchFile robot = LaunchFile.read(Path.of("robot.yaml"), Map.of("broker", "tcp://10.0.0.2:1883"));
        LaunchFile.NodeSpec base = robot.nodes().get(0);
        assertTrue(base.separate());
        assertEquals("tcp://10.0.0.2:1883", robot.nodes().get(2).params().string("broker", null));
        // the base runs as ./myelin base --params FILE --domain 0
        List<String> argv = NodeKinds.arguments(base, new picocli.CommandLine(new dev.myelin.launch.Myelin())
                .getSubcommands().get("base").getCommandSpec(), null);
        assertEquals("base", argv.get(0));
        assertEquals("--params", argv.get(1));
        assertTrue(argv.get(2).endsWith("base.example.yaml"), argv.toString());
        assertTrue(argv.contains("--domain"), argv.toString());

        LaunchFile fleet = LaunchFile.read(Path.of("fleet-sim.yaml"), Map.of());
        assertEquals(11, fleet.nodes().size());
        LaunchFile five = LaunchFile.read(Path.of("fleet-sim.yaml"), Map.of("robots", "5"));
        assertEquals(17, five.nodes().size());
        assertEquals(List.of("broker", "sim1", "sim2", "sim3", "sim4", "sim5", "controller1"),
                five.nodes().subList(0, 7).stream().map(LaunchFile.NodeSpec::name).toList());
        assertEquals("robot2", five.nodes().get(2).namespace());
        assertEquals("2000", five.nodes().get(2).params().string("seed", null));
        assertEquals("controller4", five.nodes().get(14).params().string("controller", null));
        assertEquals(Path.of("params/nav-24.yaml").toAbsolutePath().normalize(), five.nodes().get(6).paramFile());

        LaunchFile release = LaunchFile.read(Path.of("release.yaml"), Map.of("bundle", "builtin:nav-v2", "version", "2.0.0"));
        assertTrue(release.nodes().get(0).shutdownOnExit());
        assertEquals("builtin:nav-v2", release.nodes().get(0).params().string("bundle", null));

        LaunchFile trainer = LaunchFile.read(Path.of("trainer.yaml"), Map.of("steps", "500"));
        assertTrue(trainer.nodes().get(1).shutdownOnExit());
        assertEquals("500", trainer.nodes().get(1).params().string("steps", null));
    }

    @Test
    void robotFileNeedsItsBrokerArgument() {
        LaunchFileException e = assertThrows(LaunchFileException.class, () -> LaunchFile.read(Path.of("robot.yaml"), Map.of()));
        assertTrue(e.getMessage().contains("argument 'broker' has no default; give it with --arg broker=VALUE"), e.getMessage());
        assertTrue(e.getMessage().startsWith("robot.yaml:"), e.getMessage());
    }

    @Test
    void substitutesArgumentsEnvironmentAndFolder() {
        LaunchFile f = parse("""
                launch:
                  - arg: {name: port, default: "1883"}
                  - arg: {name: where, default: "$(dirname)/state"}
                  - node:
                      name: b
                      kind: broker
                      param:
                        - {name: port, value: $(arg port)}
                        - {name: work_dir, value: "$(arg where)/$(env MYELIN_SURELY_UNSET_VAR fallback)"}
                """, Map.of("port", "0"));
        NodeParams p = f.nodes().get(0).params();
        assertEquals(0, p.integer("port", 1, 0, 65535));
        assertEquals("/tmp/launchdir/state/fallback", p.string("work_dir", null));
        assertEquals("/", f.nodes().get(0).namespace());
    }

    @Test
    void unknownNodeKeyNamesLineAndKey() {
        LaunchFileException e = bad("""
                launch:
                  - node:
                      name: sim
                      kind: sim-node
                      namespce: robot1
                """);
        assertNames(e, 5, "namespce");
        assertTrue(e.getMessage().contains("unknown key in node"), e.getMessage());
    }

    @Test
    void unknownParameterNamesLineAndKey() {
        LaunchFileException e = bad("""
                launch:
                  - node:
                      name: sim
                      kind: sim-node
                      param:
                        - {name: rate, value: 2}
                        - {name: beams, value: 24}
                """);
        assertNames(e, 7, "beams");
        assertTrue(e.getMessage().contains("not a parameter of a sim-node node"), e.getMessage());
    }

    @Test
    void unknownKindNamesLineAndKey() {
        LaunchFileException e = bad("""
                launch:
                  - node:
                      name: x
                      kind: teleporter
                """);
        assertNames(e, 4, "kind");
        LaunchFileException sep = bad("""
                launch:
                  - node:
                      name: x
                      kind: teleporter
                      process: separate
                """);
        assertNames(sep, 4, "kind");
    }

    @Test
    void separateProcessOptionsAreCheckedAgainstTheCommand() {
        LaunchFileException e = bad("""
                launch:
                  - node:
                      name: t
                      kind: trainer
                      process: separate
                      param:
                        - {name: steps, value: 100}
                        - {name: learning_rate, value: 0.1}
                """);
        assertNames(e, 8, "learning_rate");
        assertTrue(e.getMessage().contains("./myelin train has no option --learning-rate"), e.getMessage());
    }

    @Test
    void badValuesAreReportedWhereTheyAreWritten() {
        LaunchFile f = parse("""
                launch:
                  - node:
                      name: b
                      kind: broker
                      param:
                        - {name: port, value: eighty}
                """, Map.of());
        LaunchFileException e = assertThrows(LaunchFileException.class, () -> BrokerNode.of(f.nodes().get(0)));
        assertNames(e, 6, "port");
        assertTrue(e.getMessage().contains("'eighty' is not an integer"), e.getMessage());
    }

    @Test
    void undeclaredArgumentAndDuplicateNodesAreRefused() {
        assertNames(bad("""
                launch:
                  - node:
                      name: b
                      kind: broker
                      param:
                        - {name: port, value: $(arg prot)}
                """), 6, "value");
        assertNames(bad("""
                launch:
                  - node: {name: b, kind: broker}
                  - node:
                      name: b
                      kind: broker
                """), 4, "name");
        assertThrows(LaunchFileException.class, () -> parse("""
                launch:
                  - node: {name: b, kind: broker}
                """, Map.of("port", "1")));
    }

    @Test
    void repeatedNodesNeedTheirCopyNumberInTheName() {
        assertNames(bad("""
                launch:
                  - node:
                      name: b
                      kind: broker
                      repeat: 2
                """), 3, "name");
        assertNames(bad("""
                launch:
                  - node:
                      name: b$(i)
                      kind: broker
                      repeat: lots
                """), 5, "repeat");
        LaunchFileException outside = bad("""
                launch:
                  - node:
                      name: b$(i)
                      kind: broker
                """);
        assertNames(outside, 3, "name");
        assertTrue(outside.getMessage().contains("$(i) is the copy number of a node with repeat:"), outside.getMessage());
    }

    @Test
    void controllerNeedsItsParameters() {
        assertNames(bad("""
                launch:
                  - node:
                      name: c
                      kind: controller
                      param:
                        - {name: rate, value: 100}
                """), 3, "param_file");
        assertNames(bad("""
                launch:
                  - node:
                      name: s
                      kind: sim-node
                      param_file: x.yaml
                """), 5, "param_file");
    }

    @Test
    void malformedYamlNamesItsLine() {
        LaunchFileException e = bad("""
                launch:
                  - node:
                      name: b
                      kind: [broker
                """);
        assertTrue(e.line() >= 4, e.getMessage());
        assertTrue(e.getMessage().startsWith("test.yaml:"), e.getMessage());
        assertNames(bad("""
                nodes:
                  - node: {name: b, kind: broker}
                """), 1, "launch");
    }

    @Test
    void inlineRosParametersBecomeAParameterFile() {
        LaunchFile f = parse("""
                launch:
                  - arg: {name: hz, default: "50"}
                  - node:
                      name: ctl
                      kind: controller
                      ros__parameters:
                        rate_hz: $(arg hz)
                        observations:
                          - {name: v, kind: field, topic: /odom, type: nav_msgs/msg/Odometry, field: twist.twist.linear.x}
                        actions:
                          - {channel: linear_velocity, topic: /cmd_vel, type: geometry_msgs/msg/Twist, field: linear.x, min: -1, max: 1, safe: 0}
                """, Map.of());
        String text = LaunchFile.rosParametersText(f.nodes().get(0));
        var params = dev.myelin.controller.config.ControllerParams.parse(text, "inline", null);
        assertEquals(50.0, params.rateHz());
        assertEquals("ctl", params.nodeName());
        assertNull(f.nodes().get(0).paramFile());
        assertFalse(f.nodes().get(0).separate());
    }
}

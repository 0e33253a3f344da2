package dev.myelin.controller;

import dev.myelin.controller.bringup.GoalSeekingPopSan;
import dev.myelin.controller.config.ControllerParams;
import dev.myelin.controller.config.MappingCheck;
import dev.myelin.controller.config.MappingMismatchException;
import dev.myelin.policy.model.Channel;
import dev.myelin.policy.model.Policy;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MappingCheckTest {
    private static final String LABEL = "bundle 'nav' 1.0.0";

    private static Policy withObservations(Policy p, List<Channel> obs) {
        return new Policy(p.network(), obs, p.actions(), p.normalizer(), p.provenance());
    }

    @Test
    void aMatchingBundleMapsEachOutputToItsActionIndex() {
        ControllerParams params = TestBundles.navParams();
        assertArrayEquals(new int[] {0, 1}, MappingCheck.check(params, GoalSeekingPopSan.turtlebot(16), LABEL));
        // Outputs listed in the other order than the bundle's actions: the permutation follows the names.
        Policy p = GoalSeekingPopSan.turtlebot(16);
        Policy swapped = new Policy(p.network(), p.observations(), List.of(p.actions().get(1), p.actions().get(0)),
                p.normalizer(), p.provenance());
        assertArrayEquals(new int[] {1, 0}, MappingCheck.check(params, swapped, LABEL));
    }

    @Test
    void aDifferentObservationSizeNamesBothSides() {
        MappingMismatchException e = assertThrows(MappingMismatchException.class,
                () -> MappingCheck.check(TestBundles.navParams(), GoalSeekingPopSan.turtlebot(24), LABEL));
        assertTrue(e.getMessage().contains("parameter file gives 20 observation values (lidar 16, goal 2, linear_velocity 1, angular_velocity 1)"), e.getMessage());
        assertTrue(e.getMessage().contains(LABEL + " expects 28"), e.getMessage());
    }

    @Test
    void aDifferentChannelOrUnitNamesBothSides() {
        Policy p = GoalSeekingPopSan.turtlebot(16);
        List<Channel> obs = new ArrayList<>(p.observations());
        obs.set(16, new Channel("goal_range", "m", 0, 8));
        MappingMismatchException e = assertThrows(MappingMismatchException.class,
                () -> MappingCheck.check(TestBundles.navParams(), withObservations(p, obs), LABEL));
        assertTrue(e.getMessage().contains("observation 16: parameter slice 'goal' fills 'goal_distance' but "
                + LABEL + " has 'goal_range' [m] there"), e.getMessage());

        List<Channel> deg = new ArrayList<>(p.observations());
        deg.set(19, new Channel("angular_velocity", "deg/s", -800, 800));
        e = assertThrows(MappingMismatchException.class,
                () -> MappingCheck.check(TestBundles.navParams(), withObservations(p, deg), LABEL));
        assertTrue(e.getMessage().contains("'angular_velocity': parameter slice 'angular_velocity' gives rad/s but "
                + LABEL + " expects deg/s"), e.getMessage());
    }

    @Test
    void everyActionMustBeMappedWithItsUnit() {
        Policy p = GoalSeekingPopSan.turtlebot(16);
        Policy renamed = new Policy(p.network(), p.observations(), List.of(p.actions().get(0),
                Channel.symmetric("yaw_rate", "rad/s", 2.84f)), p.normalizer(), p.provenance());
        MappingMismatchException e = assertThrows(MappingMismatchException.class,
                () -> MappingCheck.check(TestBundles.navParams(), renamed, LABEL));
        assertTrue(e.getMessage().contains("action 'angular_velocity' (to /cmd_vel angular.z) is not a channel of " + LABEL), e.getMessage());

        ControllerParams onlyLinear = ControllerParams.parse(TestBundles.navParamsText().replaceAll(
                "(?s)      - channel: angular_velocity.*?safe: 0.0\n", ""), "p.yaml", null);
        e = assertThrows(MappingMismatchException.class, () -> MappingCheck.check(onlyLinear, p, LABEL));
        assertTrue(e.getMessage().contains(LABEL + " produces action 'angular_velocity' [rad/s] but the parameter file maps no output to it"),
                e.getMessage());

        ControllerParams kmh = TestBundles.navParamsWith("unit: m/s\n        min", "unit: km/h\n        min");
        e = assertThrows(MappingMismatchException.class, () -> MappingCheck.check(kmh, p, LABEL));
        assertTrue(e.getMessage().contains("action 'linear_velocity': parameter file writes km/h to /cmd_vel linear.x but "
                + LABEL + " produces m/s"), e.getMessage());
    }
}

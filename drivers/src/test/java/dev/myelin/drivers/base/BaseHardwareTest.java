package dev.myelin.drivers.base;

import com.pi4j.context.Context;
import com.pi4j.io.gpio.digital.DigitalOutput;
import com.pi4j.io.gpio.digital.DigitalState;
import com.pi4j.io.pwm.Pwm;
import com.pi4j.plugin.mock.provider.gpio.digital.MockDigitalInput;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BaseHardwareTest {
    private static final long MS = 1_000_000L;
    private final Context pi4j = MockBoard.context();

    @AfterEach
    void close() {
        pi4j.shutdown();
    }

    static BaseParams params() throws Exception {
        return BaseParams.load(Path.of("src/test/resources/base/base.yaml"));
    }

    private Pwm pwm(String id) {
        return pi4j.io(id);
    }

    private DigitalOutput pin(String id) {
        return pi4j.io(id);
    }

    @Test
    void cmdVelBecomesDutyCyclesAndDirectionPins() throws Exception {
        BaseHardware hw = new BaseHardware(pi4j, params());
        // v = 0.33 m/s straight: both wheels 10 rad/s = half of max_wheel_speed -> 45 % of the 90 % max duty
        hw.motors.command(0.33, 0, 0);
        assertTrue(pwm("motor-left-pwm").isOn());
        assertEquals(45, pwm("motor-left-pwm").dutyCycle());
        assertEquals(45, pwm("motor-right-pwm").dutyCycle());
        assertEquals(1000, pwm("motor-left-pwm").frequency());
        assertEquals(DigitalState.HIGH, pin("motor-left-dir").state());
        assertEquals(DigitalState.LOW, pin("motor-right-dir").state(), "right motor is mounted inverted");

        // turn in place at 2 rad/s: wheels -+0.16 m/s -> -+4.85 rad/s -> 21.8 -> 22 %
        hw.motors.command(0, 2, 10 * MS);
        assertEquals(22, pwm("motor-left-pwm").dutyCycle());
        assertEquals(22, pwm("motor-right-pwm").dutyCycle());
        assertEquals(DigitalState.LOW, pin("motor-left-dir").state(), "left wheel backwards");
        assertEquals(DigitalState.LOW, pin("motor-right-dir").state(), "right wheel forwards, inverted pin");

        // faster than the motors can go: clamped to max duty
        hw.motors.command(5, 0, 20 * MS);
        assertEquals(90, pwm("motor-left-pwm").dutyCycle());

        // inside the 8 % deadband: 0.02 m/s -> 0.6 rad/s -> 2.7 % -> off
        hw.motors.command(0.02, 0, 30 * MS);
        assertFalse(pwm("motor-left-pwm").isOn());
        assertFalse(pwm("motor-right-pwm").isOn());
    }

    @Test
    void motorsStopWhenCommandsStopArriving() throws Exception {
        BaseHardware hw = new BaseHardware(pi4j, params());
        hw.motors.command(0.2, 0.5, 0);
        assertTrue(pwm("motor-left-pwm").isOn() && pwm("motor-left-pwm").dutyCycle() > 0);
        assertFalse(hw.motors.checkSilence(400 * MS), "0.4 s of silence is inside the 0.5 s timeout");
        assertTrue(pwm("motor-left-pwm").isOn());
        assertTrue(hw.motors.checkSilence(501 * MS), "stops after 0.5 s");
        assertFalse(pwm("motor-left-pwm").isOn());
        assertFalse(pwm("motor-right-pwm").isOn());
        assertEquals(1, hw.motors.silenceStops());
        assertFalse(hw.motors.checkSilence(900 * MS), "stopping is reported once");
        hw.motors.command(0.2, 0, 950 * MS);
        assertTrue(pwm("motor-right-pwm").isOn() && pwm("motor-right-pwm").dutyCycle() > 0, "a new command drives again");
        hw.motors.command(Double.NaN, 0, 960 * MS);
        assertFalse(pwm("motor-right-pwm").isOn(), "a NaN command stops");
    }

    /** Drives a wheel's A/B pins through {@code steps} quadrature states (negative: backwards). */
    private void turn(String encoder, int steps) {
        MockDigitalInput a = pi4j.io(encoder + "-a");
        MockDigitalInput b = pi4j.io(encoder + "-b");
        int[] seq = {0, 1, 3, 2};  // A<<1|B Gray sequence
        int state = (a.isHigh() ? 2 : 0) | (b.isHigh() ? 1 : 0);
        int pos = 0;
        while (seq[pos] != state) {
            pos++;
        }
        for (int i = 0; i < Math.abs(steps); i++) {
            pos = (pos + (steps > 0 ? 1 : 3)) & 3;
            int s = seq[pos];
            // exactly one channel changes per quadrature step
            if (((s >> 1) & 1) != (a.isHigh() ? 1 : 0)) {
                a.mockState((s & 2) != 0 ? DigitalState.HIGH : DigitalState.LOW);
            } else {
                b.mockState((s & 1) != 0 ? DigitalState.HIGH : DigitalState.LOW);
            }
        }
    }

    @Test
    void encoderTicksBecomeOdometry() throws Exception {
        BaseParams p = params();
        BaseHardware hw = new BaseHardware(pi4j, p);
        WheelOdometry odom = new WheelOdometry(p.geometry(), p.ticksPerRevolution());
        odom.update(hw.leftEncoder.ticks(), hw.rightEncoder.ticks(), 0);
        // one full revolution forward on both wheels; the right encoder is mounted inverted
        turn("encoder-left", 1440);
        turn("encoder-right", -1440);
        assertEquals(1440, hw.leftEncoder.ticks());
        assertEquals(1440, hw.rightEncoder.ticks());
        odom.update(hw.leftEncoder.ticks(), hw.rightEncoder.ticks(), 1_000 * MS);
        double circumference = 2 * Math.PI * 0.033;
        assertEquals(circumference, odom.x(), 1e-12);
        assertEquals(0, odom.y(), 1e-12);
        assertEquals(0, odom.theta(), 1e-12);
        assertEquals(circumference, odom.linearVelocity(), 1e-9);

        // right wheel forward a quarter turn, left back a quarter turn: rotate in place by (2 s) / b
        turn("encoder-left", -360);
        turn("encoder-right", -360);
        odom.update(hw.leftEncoder.ticks(), hw.rightEncoder.ticks(), 1_500 * MS);
        double s = circumference / 4;
        assertEquals(2 * s / 0.16, odom.theta(), 1e-12);
        assertEquals(circumference, odom.x(), 1e-12, "turning in place does not move the base");
        assertEquals(2 * s / 0.16 / 0.5, odom.angularVelocity(), 1e-9);
        assertEquals(0, hw.leftEncoder.errors());
    }

    @Test
    void midpointIntegrationOfAnArc() {
        BaseGeometry g = new BaseGeometry(0.05, 0.2);
        WheelOdometry odom = new WheelOdometry(g, 1000);
        odom.update(0, 0, 0);
        // sL = 2 pi 0.05 * 0.5, sR = 2 pi 0.05 * 1.0
        odom.update(500, 1000, 1_000_000_000L);
        double sl = 2 * Math.PI * 0.05 * 0.5;
        double sr = 2 * Math.PI * 0.05;
        double ds = (sl + sr) / 2;
        double dth = (sr - sl) / 0.2;
        assertEquals(ds * Math.cos(dth / 2), odom.x(), 1e-12);
        assertEquals(ds * Math.sin(dth / 2), odom.y(), 1e-12);
        assertEquals(dth, odom.theta(), 1e-12);
    }

    @Test
    void estopIsDebounced() throws Exception {
        BaseParams p = params();
        BaseHardware hw = new BaseHardware(pi4j, p);
        MockDigitalInput in = (MockDigitalInput) hw.estopInput;
        EStop estop = new EStop(p.estopActiveHigh(), (long) (p.estopDebounce() * 1e9));
        in.mockState(DigitalState.HIGH);  // normally closed, active low: high = released
        assertTrue(estop.sample(hw.estopInput.isHigh(), 0));
        assertFalse(estop.engaged());
        // contact bounce: low/high/low within 20 ms never reports
        long t = 100 * MS;
        for (int i = 0; i < 6; i++, t += 3 * MS) {
            in.mockState(i % 2 == 0 ? DigitalState.LOW : DigitalState.HIGH);
            assertFalse(estop.sample(hw.estopInput.isHigh(), t));
        }
        assertFalse(estop.engaged());
        in.mockState(DigitalState.LOW);
        long pressed = t;
        assertFalse(estop.sample(false, pressed));
        assertFalse(estop.sample(hw.estopInput.isHigh(), pressed + 19 * MS));
        assertTrue(estop.sample(hw.estopInput.isHigh(), pressed + 20 * MS), "held low for the debounce time");
        assertTrue(estop.engaged());
    }

    @Test
    void badParameterFilesNameTheKey(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        String good = Files.readString(Path.of("src/test/resources/base/base.yaml"));
        Path f = dir.resolve("base.yaml");
        Files.writeString(f, good.replace("max_duty: 90", "max_duty: 190"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> BaseParams.load(f));
        assertTrue(e.getMessage().contains("max_duty"), e.getMessage());
        Files.writeString(f, good.replace("deadband: 8", "deadband: 8\n  dead_band: 3"));
        e = assertThrows(IllegalArgumentException.class, () -> BaseParams.load(f));
        assertTrue(e.getMessage().contains("motors.dead_band"), e.getMessage());
        Files.writeString(f, good.replace("a_pin: 17, ", ""));
        e = assertThrows(IllegalArgumentException.class, () -> BaseParams.load(f));
        assertTrue(e.getMessage().contains("encoders.left.a_pin"), e.getMessage());
    }
}

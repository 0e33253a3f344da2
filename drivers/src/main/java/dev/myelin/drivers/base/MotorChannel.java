package dev.myelin.drivers.base;

import com.pi4j.io.gpio.digital.DigitalOutput;
import com.pi4j.io.pwm.Pwm;

/**
 * One H-bridge channel: a PWM pin sets the speed, a direction pin the sense of rotation.
 * A wheel speed {@code w} (rad/s) becomes the duty {@code round(|w| / maxWheelSpeed * maxDuty)} (whole
 * percent, as Pi4J's PWM takes it, clamped to maxDuty); duties below the deadband are 0 because the motor would only hum; the direction
 * pin is high for forward unless the channel is inverted (a motor mounted mirrored). Called on the base's
 * control thread.
 */
public final class MotorChannel {

    /**
     * @param maxWheelSpeed wheel speed (rad/s) reached at full duty
     * @param maxDuty       largest duty in percent the driver may command (0, 100]
     * @param deadband      duties below this (percent) are written as 0
     */
    public record Settings(int pwmPin, int directionPin, int frequencyHz, double maxWheelSpeed, double maxDuty,
                           double deadband, boolean inverted) {
        public Settings {
            if (frequencyHz <= 0) {
                throw new IllegalArgumentException("motor pwm_frequency must be positive, got " + frequencyHz);
            }
            if (!(maxWheelSpeed > 0)) {
                throw new IllegalArgumentException("motor max_wheel_speed must be positive, got " + maxWheelSpeed);
            }
            if (!(maxDuty > 0 && maxDuty <= 100)) {
                throw new IllegalArgumentException("motor max_duty must be in (0, 100] percent, got " + maxDuty);
            }
            if (!(deadband >= 0 && deadband < maxDuty)) {
                throw new IllegalArgumentException("motor deadband must be in [0, max_duty), got " + deadband);
            }
        }
    }

    private final Settings settings;
    private final Pwm pwm;
    private final DigitalOutput direction;
    private int duty;
    private boolean forward = true;

    public MotorChannel(Settings settings, Pwm pwm, DigitalOutput direction) {
        this.settings = settings;
        this.pwm = pwm;
        this.direction = direction;
        stop();
    }

    /** Drives the wheel at {@code wheelSpeed} rad/s (positive: forward). */
    public void drive(double wheelSpeed) {
        double exact = Math.min(settings.maxDuty(), Math.abs(wheelSpeed) / settings.maxWheelSpeed() * settings.maxDuty());
        int d = (int) Math.min(Math.floor(settings.maxDuty()), Math.round(exact));
        if (!(exact >= settings.deadband())) {
            d = 0;
        }
        boolean fwd = wheelSpeed >= 0;
        boolean pinHigh = fwd != settings.inverted();
        if (pinHigh) {
            direction.high();
        } else {
            direction.low();
        }
        if (d == 0) {
            pwm.off();  // Pi4J's on(0, f) also switches off, but keeps the old duty on record
        } else {
            pwm.on(d, settings.frequencyHz());
        }
        duty = d;
        forward = fwd;
    }

    public void stop() {
        pwm.off();
        duty = 0;
    }

    /** Last commanded duty in percent. */
    public int duty() {
        return duty;
    }

    public boolean forward() {
        return forward;
    }
}

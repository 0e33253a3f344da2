package dev.myelin.drivers.base;

import com.pi4j.context.Context;
import com.pi4j.io.gpio.digital.DigitalInput;
import com.pi4j.io.gpio.digital.DigitalOutput;
import com.pi4j.io.gpio.digital.DigitalState;
import com.pi4j.io.i2c.I2C;
import com.pi4j.io.pwm.Pwm;
import com.pi4j.io.pwm.PwmType;

/**
 * The base's Pi4J I/O built from {@link BaseParams}: two H-bridge channels (PWM + direction), two
 * quadrature encoders (edge events on A and B), the MPU-6050 on I2C and the e-stop input. The Pi4J
 * context decides what is behind the pins (gpiod/linuxfs on a Raspberry Pi, the mock platform in tests).
 */
public final class BaseHardware {
    public final MotorDriver motors;
    public final QuadratureEncoder leftEncoder;
    public final QuadratureEncoder rightEncoder;
    private Mpu6050 imu;
    private final BaseParams params;
    public final DigitalInput estopInput;
    public final I2C imuDevice;

    public BaseHardware(Context pi4j, BaseParams p) {
        MotorChannel left = new MotorChannel(p.left(), pwm(pi4j, "motor-left-pwm", p.left()),
                output(pi4j, "motor-left-dir", p.left().directionPin()));
        MotorChannel right = new MotorChannel(p.right(), pwm(pi4j, "motor-right-pwm", p.right()),
                output(pi4j, "motor-right-dir", p.right().directionPin()));
        motors = new MotorDriver(p.geometry(), left, right, (long) (p.commandTimeout() * 1e9));
        leftEncoder = encoder(pi4j, "encoder-left", p.leftEncoder());
        rightEncoder = encoder(pi4j, "encoder-right", p.rightEncoder());
        imuDevice = pi4j.create(I2C.newConfigBuilder(pi4j).id("imu").bus(p.imuBus()).device(p.imuAddress()));
        params = p;
        estopInput = pi4j.create(DigitalInput.newConfigBuilder(pi4j).id("estop").address(p.estopPin()));
    }

    /** Identifies, configures and calibrates the IMU (the robot must be at rest and level). */
    public Mpu6050 startImu() {
        if (imu == null) {
            Mpu6050 m = new Mpu6050(imuDevice, params.imu());
            m.calibrate(params.calibrationSamples());
            imu = m;
        }
        return imu;
    }

    private static Pwm pwm(Context pi4j, String id, MotorChannel.Settings s) {
        return pi4j.create(Pwm.newConfigBuilder(pi4j).id(id).address(s.pwmPin()).pwmType(PwmType.HARDWARE)
                .frequency(s.frequencyHz()).initial(0).shutdown(0));
    }

    private static DigitalOutput output(Context pi4j, String id, int pin) {
        return pi4j.create(DigitalOutput.newConfigBuilder(pi4j).id(id).address(pin).initial(DigitalState.LOW)
                .shutdown(DigitalState.LOW));
    }

    private static QuadratureEncoder encoder(Context pi4j, String id, BaseParams.Encoder e) {
        DigitalInput a = pi4j.create(DigitalInput.newConfigBuilder(pi4j).id(id + "-a").address(e.aPin()));
        DigitalInput b = pi4j.create(DigitalInput.newConfigBuilder(pi4j).id(id + "-b").address(e.bPin()));
        QuadratureEncoder q = new QuadratureEncoder(e.inverted(), a.isHigh(), b.isHigh());
        a.addListener(ev -> q.update(a.isHigh(), b.isHigh()));
        b.addListener(ev -> q.update(a.isHigh(), b.isHigh()));
        return q;
    }
}

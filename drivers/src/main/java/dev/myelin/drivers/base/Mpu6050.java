package dev.myelin.drivers.base;

import com.pi4j.io.i2c.I2C;

/**
 * InvenSense MPU-6050 over I2C (register map rev 4.2): wake-up and configuration, burst read of
 * accelerometer, temperature and gyroscope, scaling to SI units, and bias calibration at rest.
 * <ul>
 *   <li>init: WHO_AM_I (0x75) must read 0x68; PWR_MGMT_1 (0x6B) = 0x01 (awake, PLL on gyro X);
 *       SMPLRT_DIV (0x19); CONFIG (0x1A) = DLPF_CFG; GYRO_CONFIG (0x1B) = FS_SEL << 3; ACCEL_CONFIG (0x1C) = AFS_SEL << 3</li>
 *   <li>data: 14 bytes from ACCEL_XOUT_H (0x3B), big-endian int16: ax ay az temp gx gy gz</li>
 *   <li>scale: accel 16384 / 2^AFS_SEL LSB per g; gyro 131 / 2^FS_SEL LSB per deg/s; temp = raw / 340 + 36.53 degC</li>
 * </ul>
 * Called on the base's loop thread; {@link #read} allocates nothing.
 */
public final class Mpu6050 {
    public static final int ADDRESS = 0x68;
    public static final int SMPLRT_DIV = 0x19;
    public static final int CONFIG = 0x1A;
    public static final int GYRO_CONFIG = 0x1B;
    public static final int ACCEL_CONFIG = 0x1C;
    public static final int ACCEL_XOUT_H = 0x3B;
    public static final int PWR_MGMT_1 = 0x6B;
    public static final int WHO_AM_I = 0x75;
    public static final double STANDARD_GRAVITY = 9.80665;

    /**
     * @param gyroRange  FS_SEL 0..3: +-250, 500, 1000, 2000 deg/s
     * @param accelRange AFS_SEL 0..3: +-2, 4, 8, 16 g
     * @param dlpf       DLPF_CFG 0..6
     * @param sampleRateDivider SMPLRT_DIV 0..255
     */
    public record Settings(int gyroRange, int accelRange, int dlpf, int sampleRateDivider) {
        public Settings {
            if (gyroRange < 0 || gyroRange > 3) {
                throw new IllegalArgumentException("imu gyro_range (FS_SEL) must be 0..3, got " + gyroRange);
            }
            if (accelRange < 0 || accelRange > 3) {
                throw new IllegalArgumentException("imu accel_range (AFS_SEL) must be 0..3, got " + accelRange);
            }
            if (dlpf < 0 || dlpf > 6) {
                throw new IllegalArgumentException("imu dlpf (DLPF_CFG) must be 0..6, got " + dlpf);
            }
            if (sampleRateDivider < 0 || sampleRateDivider > 255) {
                throw new IllegalArgumentException("imu sample_rate_divider must be 0..255, got " + sampleRateDivider);
            }
        }

        public static final Settings DEFAULT = new Settings(0, 0, 3, 0);
    }

    private final I2C device;
    private final double accelScale;
    private final double gyroScale;
    private final byte[] raw = new byte[14];
    /** ax ay az (m/s^2), gx gy gz (rad/s), bias-corrected. */
    private final double[] accel = new double[3];
    private final double[] gyro = new double[3];
    private final double[] accelBias = new double[3];
    private final double[] gyroBias = new double[3];
    private double temperature;

    /** Checks WHO_AM_I and configures the chip. */
    public Mpu6050(I2C device, Settings s) {
        this.device = device;
        int who = device.readRegister(WHO_AM_I);
        if (who != ADDRESS) {
            throw new IllegalStateException("I2C device " + device.id() + " answers WHO_AM_I = 0x" + Integer.toHexString(who)
                    + ", an MPU-6050 answers 0x68");
        }
        device.writeRegister(PWR_MGMT_1, (byte) 0x01);
        device.writeRegister(SMPLRT_DIV, (byte) s.sampleRateDivider());
        device.writeRegister(CONFIG, (byte) s.dlpf());
        device.writeRegister(GYRO_CONFIG, (byte) (s.gyroRange() << 3));
        device.writeRegister(ACCEL_CONFIG, (byte) (s.accelRange() << 3));
        accelScale = STANDARD_GRAVITY / (16384 >> s.accelRange());
        gyroScale = Math.toRadians(1.0 / (131.0 / (1 << s.gyroRange())));
    }

    /** One burst read; results via {@link #accel(int)}, {@link #gyro(int)}, {@link #temperature()}. */
    public void read() {
        int n = device.readRegister(ACCEL_XOUT_H, raw, 0, raw.length);
        if (n != raw.length) {
            throw new IllegalStateException("MPU-6050 burst read returned " + n + " of 14 bytes");
        }
        for (int i = 0; i < 3; i++) {
            accel[i] = word(2 * i) * accelScale - accelBias[i];
            gyro[i] = word(8 + 2 * i) * gyroScale - gyroBias[i];
        }
        temperature = word(6) / 340.0 + 36.53;
    }

    private int word(int offset) {
        return (short) (((raw[offset] & 0xFF) << 8) | (raw[offset + 1] & 0xFF));
    }

    /**
     * Averages {@code samples} reads with the robot at rest and level: the gyro bias is the mean rate,
     * the accelerometer bias the mean minus 1 g on +z.
     */
    public void calibrate(int samples) {
        if (samples <= 0) {
            throw new IllegalArgumentException("calibration samples must be positive, got " + samples);
        }
        java.util.Arrays.fill(accelBias, 0);
        java.util.Arrays.fill(gyroBias, 0);
        double[] a = new double[3];
        double[] g = new double[3];
        for (int k = 0; k < samples; k++) {
            read();
            for (int i = 0; i < 3; i++) {
                a[i] += accel[i];
                g[i] += gyro[i];
            }
        }
        for (int i = 0; i < 3; i++) {
            accelBias[i] = a[i] / samples - (i == 2 ? STANDARD_GRAVITY : 0);
            gyroBias[i] = g[i] / samples;
        }
    }

    /** Linear acceleration along axis 0..2 in m/s^2. */
    public double accel(int axis) {
        return accel[axis];
    }

    /** Angular rate about axis 0..2 in rad/s. */
    public double gyro(int axis) {
        return gyro[axis];
    }

    public double temperature() {
        return temperature;
    }

    public double accelBias(int axis) {
        return accelBias[axis];
    }

    public double gyroBias(int axis) {
        return gyroBias[axis];
    }
}

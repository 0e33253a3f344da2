package dev.myelin.drivers.base;

import com.pi4j.context.Context;
import com.pi4j.io.i2c.I2C;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class Mpu6050Test {
    private final Context pi4j = MockBoard.context();

    @AfterEach
    void close() {
        pi4j.shutdown();
    }

    private I2C device() {
        return pi4j.create(I2C.newConfigBuilder(pi4j).id("imu").bus(1).device(0x68));
    }

    /** Queues one 14-byte burst as the chip would answer it: big-endian ax ay az temp gx gy gz. */
    private static void queueSample(I2C dev, int ax, int ay, int az, int temp, int gx, int gy, int gz) {
        int[] words = {ax, ay, az, temp, gx, gy, gz};
        byte[] b = new byte[14];
        for (int i = 0; i < 7; i++) {
            b[2 * i] = (byte) (words[i] >> 8);
            b[2 * i + 1] = (byte) words[i];
        }
        dev.writeRegister(Mpu6050.ACCEL_XOUT_H, b, 0, 14);
    }

    @Test
    void initWritesTheRegisterMapAndScalesRawWords() {
        I2C dev = device();
        dev.writeRegister(Mpu6050.WHO_AM_I, (byte) 0x68);
        Mpu6050 imu = new Mpu6050(dev, new Mpu6050.Settings(1, 2, 3, 7));
        // the init sequence, register by register (the mock keeps what was written)
        assertEquals(0x01, dev.readRegister(Mpu6050.PWR_MGMT_1));
        assertEquals(7, dev.readRegister(Mpu6050.SMPLRT_DIV));
        assertEquals(3, dev.readRegister(Mpu6050.CONFIG));
        assertEquals(1 << 3, dev.readRegister(Mpu6050.GYRO_CONFIG));
        assertEquals(2 << 3, dev.readRegister(Mpu6050.ACCEL_CONFIG));

        // +-8 g: 4096 LSB/g; +-500 deg/s: 65.5 LSB/(deg/s)
        queueSample(dev, 4096, -2048, 8192, -340 * 10, 655, -131, 0);
        imu.read();
        assertEquals(9.80665, imu.accel(0), 1e-9);
        assertEquals(-9.80665 / 2, imu.accel(1), 1e-9);
        assertEquals(2 * 9.80665, imu.accel(2), 1e-9);
        assertEquals(Math.toRadians(10), imu.gyro(0), 1e-9);
        assertEquals(Math.toRadians(-2), imu.gyro(1), 1e-9);
        assertEquals(0, imu.gyro(2), 0);
        assertEquals(36.53 - 10, imu.temperature(), 1e-9);
    }

    @Test
    void calibrationRemovesGyroBiasAndKeepsGravityOnZ() {
        I2C dev = device();
        dev.writeRegister(Mpu6050.WHO_AM_I, (byte) 0x68);
        Mpu6050 imu = new Mpu6050(dev, Mpu6050.Settings.DEFAULT);  // +-2 g: 16384 LSB/g; +-250 deg/s: 131
        for (int k = 0; k < 4; k++) {
            queueSample(dev, 100 + k, -60, 16384 + 200, 0, 131 * 2 + k, -131, 13);
        }
        imu.calibrate(4);
        assertEquals(101.5 * 9.80665 / 16384, imu.accelBias(0), 1e-9);
        assertEquals(200 * 9.80665 / 16384, imu.accelBias(2), 1e-9);
        assertEquals(Math.toRadians(1.0 / 131) * (262 + 1.5), imu.gyroBias(0), 1e-12);
        queueSample(dev, 101, -60, 16584, 0, 262, -131, 13);
        imu.read();
        assertEquals(-0.5 * 9.80665 / 16384, imu.accel(0), 1e-9);
        assertEquals(0, imu.accel(1), 1e-9);
        assertEquals(9.80665, imu.accel(2), 1e-9);
        assertEquals(Math.toRadians(-1.5 / 131), imu.gyro(0), 1e-12);
        assertEquals(0, imu.gyro(1), 1e-12);
    }

    @Test
    void aDeviceThatIsNotAnMpu6050IsRefusedByName() {
        I2C dev = device();
        dev.writeRegister(Mpu6050.WHO_AM_I, (byte) 0x70);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> new Mpu6050(dev, Mpu6050.Settings.DEFAULT));
        assertTrue(e.getMessage().contains("WHO_AM_I = 0x70"), e.getMessage());
    }
}

package dev.myelin.sim.task;

import dev.myelin.sim.mujoco.MjArray;
import dev.myelin.sim.mujoco.MjData;
import dev.myelin.sim.mujoco.MjModel;
import dev.myelin.sim.mujoco.MjObject;

import java.nio.file.Path;

/**
 * The MuJoCo side of a robot task: one model copy and one {@code mjData} per world (a world may
 * change its own model, e.g. move and resize obstacles), with the arrays the robot tasks read and
 * write. Worlds are independent; one thread per world at a time. {@link #close()} frees them all.
 */
final class MujocoWorlds implements AutoCloseable {
    final MjModel[] models;
    final MjData[] datas;
    final MjArray[] qpos;
    final MjArray[] qvel;
    final MjArray[] ctrl;
    final MjArray[] sensors;
    final MjArray[] xmat;
    final MjArray[] actuatorForce;

    /** Compiles {@code file} and makes {@code worlds} worlds of it. */
    MujocoWorlds(Path file, int worlds) {
        models = new MjModel[worlds];
        datas = new MjData[worlds];
        qpos = new MjArray[worlds];
        qvel = new MjArray[worlds];
        ctrl = new MjArray[worlds];
        sensors = new MjArray[worlds];
        xmat = new MjArray[worlds];
        actuatorForce = new MjArray[worlds];
        try {
            models[0] = MjModel.load(file);
            for (int w = 0; w < worlds; w++) {
                if (w > 0) {
                    models[w] = models[0].copy();
                }
                datas[w] = models[w].makeData();
                qpos[w] = datas[w].qpos();
                qvel[w] = datas[w].qvel();
                ctrl[w] = datas[w].ctrl();
                sensors[w] = datas[w].sensordata();
                xmat[w] = datas[w].array("xmat");
                actuatorForce[w] = datas[w].array("actuator_force");
            }
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /** World 0's model, for looking names up (every copy has the same ids). */
    MjModel model() {
        return models[0];
    }

    /** Where the named sensor's values start in {@code sensordata}; {@code context} is named if it is missing. */
    int sensor(String name, String context) {
        return model().array("sensor_adr").getInt(model().require(MjObject.SENSOR, name, context));
    }

    /** Where the named joint's coordinates start in {@code qpos}. */
    int jointQpos(String name, String context) {
        return model().array("jnt_qposadr").getInt(model().require(MjObject.JOINT, name, context));
    }

    /** The cosine of body {@code body}'s tilt in world {@code w}: the z component of its z axis. */
    double upright(int w, int body) {
        return xmat[w].get(9 * body + 8);
    }

    /**
     * World {@code w}'s IMU as {@link BodySensors#imu} wants it, from a framequat (w, x, y, z), a gyro
     * and an accelerometer sensor at {@code sensordata} offsets {@code quat}, {@code gyro}, {@code accel}.
     */
    void imu(int w, int quat, int gyro, int accel, double[] out) {
        MjArray s = sensors[w];
        out[0] = s.get(quat + 1);
        out[1] = s.get(quat + 2);
        out[2] = s.get(quat + 3);
        out[3] = s.get(quat);
        for (int i = 0; i < 3; i++) {
            out[4 + i] = s.get(gyro + i);
            out[7 + i] = s.get(accel + i);
        }
    }

    @Override
    public void close() {
        for (MjModel m : models) {
            if (m != null) {
                m.close();
            }
        }
    }
}

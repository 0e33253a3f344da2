/**
 * The Raspberry Pi robot base through Pi4J: H-bridge motors, quadrature encoders and odometry, the
 * MPU-6050 IMU and the e-stop input, run as a ROS 2 node ({@link dev.myelin.drivers.base.BaseNode})
 * configured by {@code base.yaml} ({@link dev.myelin.drivers.base.BaseParams}) and paced by
 * {@link dev.myelin.drivers.base.BaseRunner}, the {@code ./myelin base} process.
 */
package dev.myelin.drivers.base;

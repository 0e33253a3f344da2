/**
 * MuJoCo physics through {@code java.lang.foreign}: Debian's {@code libmujoco.so.2.2.2} bound without
 * JNI. {@link dev.myelin.sim.mujoco.MjLayout} measures the {@code mjModel}/{@code mjData} field offsets
 * from the installed headers ({@code mjxmacro.h}) with a small C program compiled on first use;
 * {@link dev.myelin.sim.mujoco.MjModel} and {@link dev.myelin.sim.mujoco.MjData} own the native
 * structs (freed by {@code close()}) and expose their arrays as bounds-checked, allocation-free
 * {@link dev.myelin.sim.mujoco.MjArray} views. The locomotion tasks and MJCF task specs built on it
 * live here too.
 */
package dev.myelin.sim.mujoco;

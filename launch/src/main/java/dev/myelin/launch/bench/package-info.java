/**
 * {@code ./myelin bench <what>}: the benchmark commands (policy, loop, train, sim, mujoco, ros2, bag, bundle,
 * ota). Each runs its measurement against a reference in the same command, prints medians and percentiles
 * and writes them with {@code --json FILE}.
 */
package dev.myelin.launch.bench;

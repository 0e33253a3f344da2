/** The {@code ros2 topic}-style tools behind {@code ./myelin topic}. */
package dev.myelin.ros2.cli;

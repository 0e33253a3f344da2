/**
 * The {@code ./myelin} command line: {@link dev.myelin.launch.Myelin} registers the subcommands, which live in
 * packages by area ({@code train}, {@code sim}, {@code robot}, {@code bundle}, {@code fleet}, {@code ros},
 * {@code bench}, {@code observe}, {@code demo}, {@code file}), and maps failures to exit codes; this package
 * also holds the options several areas share ({@link dev.myelin.launch.Ros2Options},
 * {@link dev.myelin.launch.BrokerOptions}, {@link dev.myelin.launch.FoxgloveOption}) and the benchmarks' JSON
 * report ({@link dev.myelin.launch.JsonReport}).
 */
package dev.myelin.launch;

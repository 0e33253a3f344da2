/**
 * The end-to-end demo ({@code ./myelin demo}): {@link dev.myelin.launch.demo.EndToEndDemo} composes the
 * launch nodes (embedded broker, sim robot, controller, OTA agent), has
 * {@link dev.myelin.launch.file.LaunchRunner} start them in order and stop them in reverse, releases the
 * shipped trained bundles ({@link dev.myelin.launch.demo.ShippedBundles}) over the air, records the episodes
 * each version drives and reports the summary table and PNGs. The package also holds the other demos:
 * {@code policy-demo} (build, sign, verify and run policies on a fixed observation stream) and
 * {@code ota-demo} (a simulated fleet through canary release, promotion, rollback and experience upload).
 */
package dev.myelin.launch.demo;

/**
 * Durable files: the one way Myelin replaces a file on disk (temporary file, fsync, atomic rename, fsync
 * of the directory), used for bundles, keys, checkpoints, OTA slots, experience files and exports.
 * Strict JSON: {@link dev.myelin.policy.io.StrictJson}, the one reader of bundle manifests and fleet payloads.
 */
package dev.myelin.policy.io;

/**
 * Durable files: the one way Myelin replaces a file on disk (temporary file, fsync, atomic rename, fsync
 * of the directory), used for bundles, keys, checkpoints, OTA slots, experience files and exports.
 */
package dev.myelin.policy.io;

/**
 * The MCAP container format: a writer that puts messages in zstd-compressed chunks with message
 * indexes and closes the file with a summary (schemas, channels, statistics, chunk indexes) so
 * readers seek, and a reader that uses the summary when there is one and otherwise scans the file
 * up to its last complete record, which is how a recording cut short by a crash is recovered.
 */
package dev.myelin.observe.mcap;

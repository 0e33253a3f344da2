/**
 * The trainer side of a release: chunking and publishing a bundle with its signed manifest, the staged
 * canary rollout over the fleet with promotion and automatic rollback, and the fleet view built from the
 * robots' status and health reports.
 */
package dev.myelin.bridge.release;

/**
 * What a bundle's storage does to weights: magnitude pruning, fp16 and int8 per-output-channel
 * quantization, and {@link dev.myelin.policy.compress.Compression#apply}, the policy a robot will see.
 */
package dev.myelin.policy.compress;

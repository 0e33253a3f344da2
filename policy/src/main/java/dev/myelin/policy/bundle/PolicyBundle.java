package dev.myelin.policy.bundle;

import dev.myelin.policy.compress.Compression;
import dev.myelin.policy.compress.Precision;
import dev.myelin.policy.model.Policy;

/**
 * A policy bundle that has been read and fully validated. Immutable.
 *
 * @param policy            the policy with every tensor decoded to fp32 (what engines consume)
 * @param name              the bundle's name, {@code [A-Za-z0-9][A-Za-z0-9._-]*}, at most 128 characters
 * @param version           release version, ordered numerically
 * @param precision         storage precision of the weight matrices
 * @param pruneFraction     fraction of each weight matrix pruned when the bundle was written
 * @param digest            SHA-256 over the bundle (everything before the digest field), lowercase hex
 * @param signerKeyId       key id recorded in the signature block, or null for an unsigned bundle
 * @param signatureVerified true when the signature was verified under a trusted key (always true for a
 *                          bundle read with trusted keys; always false without them, when nothing is checked)
 * @param byteSize          size of the bundle file in bytes
 */
public record PolicyBundle(Policy policy, String name, ReleaseVersion version, Precision precision,
                           double pruneFraction, String digest, String signerKeyId, boolean signatureVerified,
                           long byteSize) {

    /** Fraction of exact zeros among the compressed weight matrices (see {@link Compression#isCompressible}). */
    public double weightSparsity() {
        return Compression.weightSparsity(policy.network());
    }
}

/**
 * The policy bundle ({@code .myl}): {@link dev.myelin.policy.bundle.BundleWriter} writes one,
 * {@link dev.myelin.policy.bundle.BundleReader} validates and reads one into a
 * {@link dev.myelin.policy.bundle.PolicyBundle}, {@link dev.myelin.policy.bundle.SigningKeys} and
 * {@link dev.myelin.policy.bundle.TrustedKeys} handle the Ed25519 keys. Byte layout: policy/BUNDLE_FORMAT.md.
 */
package dev.myelin.policy.bundle;

package dev.myelin.policy.bundle;

/**
 * Size ceilings checked before anything is allocated, so that an oversized or lying file is refused
 * cleanly. {@code maxManifestBytes} bounds the JSON manifest; {@code maxTensorBytes} bounds one
 * tensor's decoded fp32 size ({@code 4 * elements}); {@code maxTotalBytes} bounds both the file and the
 * sum of all decoded tensors. Immutable.
 */
public record BundleLimits(int maxManifestBytes, long maxTensorBytes, long maxTotalBytes) {

    /** 1 MiB manifest, 64 MiB per tensor, 256 MiB per bundle. */
    public static final BundleLimits DEFAULT = new BundleLimits(1 << 20, 64L << 20, 256L << 20);

    public BundleLimits {
        if (maxManifestBytes <= 0 || maxTensorBytes <= 0 || maxTotalBytes <= 0) {
            throw new IllegalArgumentException("bundle limits must be positive, got manifest " + maxManifestBytes
                    + ", tensor " + maxTensorBytes + ", total " + maxTotalBytes);
        }
        if (maxTensorBytes > maxTotalBytes) {
            throw new IllegalArgumentException("bundle limits: maxTensorBytes " + maxTensorBytes
                    + " exceeds maxTotalBytes " + maxTotalBytes);
        }
        if (maxTotalBytes > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException("bundle limits: maxTotalBytes " + maxTotalBytes
                    + " exceeds what one array can hold (" + (Integer.MAX_VALUE - 16) + ")");
        }
    }
}

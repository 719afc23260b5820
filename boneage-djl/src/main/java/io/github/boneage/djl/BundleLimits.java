package io.github.boneage.djl;

/**
 * Resource limits applied while a {@link ModelBundle} is read, so that a hostile or broken bundle (a zip bomb, a
 * zip of a million entries, a multi-gigabyte "weights" file) is refused with a {@link ModelBundleException} naming the
 * bundle and the entry instead of filling the disk or the heap.
 *
 * <p>A zip bundle is never extracted: its manifest is read from the zip first, then only the entries the manifest
 * names are inflated, into memory, while these limits are counted on the bytes actually inflated (the sizes a zip
 * declares are checked too, but they can lie). The per-file and total limits also apply to folder bundles, because the
 * engine is given the checked bytes from memory (see {@link ModelBundle#readWeights}).
 *
 * <p>Defaults ({@link #defaults()}): at most {@value #DEFAULT_MAX_ENTRIES} zip entries, a manifest of at most
 * {@value #DEFAULT_MAX_MANIFEST_BYTES} bytes (1 MiB), each weights file at most {@value #DEFAULT_MAX_ENTRY_BYTES}
 * bytes (1 GiB), all of them together at most {@value #DEFAULT_MAX_TOTAL_BYTES} bytes (2 GiB), and a compression
 * ratio (inflated / compressed bytes) of at most {@value #DEFAULT_MAX_COMPRESSION_RATIO} for entries over
 * {@value #RATIO_FLOOR_BYTES} bytes (weights hardly compress, a few-kilobyte manifest may compress well).
 *
 * @param maxEntries          the most entries a zip bundle may list (files and folders, named or not)
 * @param maxManifestBytes    the largest manifest, in bytes
 * @param maxEntryBytes       the largest weights file, in bytes (at most {@link Integer#MAX_VALUE} - 8: one Java array)
 * @param maxTotalBytes       the most bytes read for the manifest and all weights files together
 * @param maxCompressionRatio the largest inflated / compressed ratio of a zip entry larger than
 *                            {@link #RATIO_FLOOR_BYTES}
 */
public record BundleLimits(int maxEntries, long maxManifestBytes, long maxEntryBytes, long maxTotalBytes,
        double maxCompressionRatio) {

    /** Default {@link #maxEntries()}. */
    public static final int DEFAULT_MAX_ENTRIES = 1000;
    /** Default {@link #maxManifestBytes()}: 1 MiB. */
    public static final long DEFAULT_MAX_MANIFEST_BYTES = 1L << 20;
    /** Default {@link #maxEntryBytes()}: 1 GiB. */
    public static final long DEFAULT_MAX_ENTRY_BYTES = 1L << 30;
    /** Default {@link #maxTotalBytes()}: 2 GiB. */
    public static final long DEFAULT_MAX_TOTAL_BYTES = 2L << 30;
    /** Default {@link #maxCompressionRatio()}. */
    public static final double DEFAULT_MAX_COMPRESSION_RATIO = 100;
    /** Entries up to this many inflated bytes are exempt from the ratio check (1 MiB). */
    public static final long RATIO_FLOOR_BYTES = 1L << 20;
    /** The largest array a JVM allocates; a weights file is held in one. */
    static final long MAX_ARRAY_BYTES = Integer.MAX_VALUE - 8L;

    /**
     * Checks every limit is positive.
     *
     * @param maxEntries the most entries a zip bundle may list (files and folders, named or not)
     * @param maxManifestBytes the largest manifest, in bytes
     * @param maxEntryBytes the largest weights file, in bytes (at most {@link Integer#MAX_VALUE} - 8: one Java array)
     * @param maxTotalBytes the most bytes read for the manifest and all weights files together
     * @param maxCompressionRatio the largest inflated / compressed ratio of a zip entry larger than {@link
     *                            #RATIO_FLOOR_BYTES}
     * @throws IllegalArgumentException naming the limit that is not
     */
    public BundleLimits {
        if (maxEntries < 1) {
            throw new IllegalArgumentException("maxEntries must be >= 1, got " + maxEntries);
        }
        if (maxManifestBytes < 1) {
            throw new IllegalArgumentException("maxManifestBytes must be >= 1, got " + maxManifestBytes);
        }
        if (maxEntryBytes < 1 || maxEntryBytes > MAX_ARRAY_BYTES) {
            throw new IllegalArgumentException("maxEntryBytes must be in [1, " + MAX_ARRAY_BYTES + "], got " + maxEntryBytes);
        }
        if (maxTotalBytes < 1) {
            throw new IllegalArgumentException("maxTotalBytes must be >= 1, got " + maxTotalBytes);
        }
        if (!(maxCompressionRatio >= 1) || Double.isInfinite(maxCompressionRatio)) {
            throw new IllegalArgumentException("maxCompressionRatio must be a finite number >= 1, got " + maxCompressionRatio);
        }
    }

    /** @return the default limits (see the class comment) */
    public static BundleLimits defaults() {
        return new BundleLimits(DEFAULT_MAX_ENTRIES, DEFAULT_MAX_MANIFEST_BYTES, DEFAULT_MAX_ENTRY_BYTES,
                DEFAULT_MAX_TOTAL_BYTES, DEFAULT_MAX_COMPRESSION_RATIO);
    }

    /**
     * @param n the most zip entries
     * @return a copy with that limit
     */
    public BundleLimits withMaxEntries(int n) {
        return new BundleLimits(n, maxManifestBytes, maxEntryBytes, maxTotalBytes, maxCompressionRatio);
    }

    /**
     * @param bytes the largest manifest
     * @return a copy with that limit
     */
    public BundleLimits withMaxManifestBytes(long bytes) {
        return new BundleLimits(maxEntries, bytes, maxEntryBytes, maxTotalBytes, maxCompressionRatio);
    }

    /**
     * @param bytes the largest weights file
     * @return a copy with that limit
     */
    public BundleLimits withMaxEntryBytes(long bytes) {
        return new BundleLimits(maxEntries, maxManifestBytes, bytes, maxTotalBytes, maxCompressionRatio);
    }

    /**
     * @param bytes the most bytes for the manifest and weights together
     * @return a copy with that limit
     */
    public BundleLimits withMaxTotalBytes(long bytes) {
        return new BundleLimits(maxEntries, maxManifestBytes, maxEntryBytes, bytes, maxCompressionRatio);
    }

    /**
     * @param ratio the largest inflated / compressed ratio
     * @return a copy with that limit
     */
    public BundleLimits withMaxCompressionRatio(double ratio) {
        return new BundleLimits(maxEntries, maxManifestBytes, maxEntryBytes, maxTotalBytes, ratio);
    }
}

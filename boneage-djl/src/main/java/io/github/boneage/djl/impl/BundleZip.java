package io.github.boneage.djl.impl;

import io.github.boneage.djl.BundleLimits;
import io.github.boneage.djl.ModelBundleException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Enumeration;
import java.util.HashSet;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * A zip bundle read in place, never extracted: the entry list is checked first (count, names), then single named
 * entries are inflated into memory or through a digest while the {@link BundleLimits} are counted on the bytes
 * actually inflated. Nothing is ever written to disk, so a zip bomb cannot fill it and an interrupted run leaves no
 * temporary folder behind.
 */
public final class BundleZip implements AutoCloseable {

    private static final Pattern DRIVE = Pattern.compile("^[A-Za-z]:.*");

    private final ZipFile zip;
    private final String bundleName;
    private final BundleLimits limits;
    private final String prefix;

    private BundleZip(ZipFile zip, String bundleName, BundleLimits limits, String prefix) {
        this.zip = zip;
        this.bundleName = bundleName;
        this.limits = limits;
        this.prefix = prefix;
    }

    /**
     * Opens a zip bundle and checks its entry list: at most {@link BundleLimits#maxEntries()} entries, no name that is
     * absolute, climbs out with {@code ..}, holds a backslash or NUL, or appears twice; and finds the manifest at the
     * top or inside a single top folder.
     *
     * @param file         the zip
     * @param bundleName   the bundle, for messages
     * @param limits       the limits
     * @param manifestName the manifest's file name
     * @return the open zip; close it
     * @throws ModelBundleException naming the bundle and the entry when a check fails or the manifest is missing
     * @throws IOException          when the zip cannot be read
     */
    public static BundleZip open(Path file, String bundleName, BundleLimits limits, String manifestName) throws IOException {
        ZipFile zip = new ZipFile(file.toFile());
        try {
            Set<String> names = new HashSet<>();
            Set<String> tops = new HashSet<>();
            boolean fileAtTop = false;
            int count = 0;
            for (Enumeration<? extends ZipEntry> en = zip.entries(); en.hasMoreElements();) {
                ZipEntry e = en.nextElement();
                if (++count > limits.maxEntries()) {
                    throw new ModelBundleException(bundleName, "zip has more than " + limits.maxEntries()
                            + " entries (BundleLimits.maxEntries); refused at entry '" + printable(e.getName()) + "'");
                }
                String name = e.getName();
                checkName(bundleName, name);
                if (!names.add(name)) {
                    throw new ModelBundleException(bundleName, "zip entry '" + printable(name)
                            + "' appears twice (which copy would be used is ambiguous)");
                }
                int slash = name.indexOf('/');
                if (slash < 0) {
                    fileAtTop = true;
                } else {
                    tops.add(name.substring(0, slash));
                }
            }
            String prefix;
            if (names.contains(manifestName)) {
                prefix = "";
            } else if (!fileAtTop && tops.size() == 1 && names.contains(tops.iterator().next() + "/" + manifestName)) {
                prefix = tops.iterator().next() + "/";
            } else {
                throw new ModelBundleException(bundleName, manifestName + " is missing (neither at the top of the zip nor "
                        + "inside a single top folder)");
            }
            return new BundleZip(zip, bundleName, limits, prefix);
        } catch (RuntimeException e) {
            zip.close();
            throw e;
        }
    }

    private static void checkName(String bundleName, String name) {
        String reason = null;
        if (name.isEmpty()) {
            reason = "has an empty name";
        } else if (name.indexOf('\0') >= 0) {
            reason = "holds a NUL character";
        } else if (name.indexOf('\\') >= 0) {
            reason = "holds a backslash (not a portable zip path)";
        } else if (name.startsWith("/") || DRIVE.matcher(name).matches()) {
            reason = "is an absolute path";
        } else {
            for (String part : name.split("/")) {
                if (part.equals("..")) {
                    reason = "climbs out of the bundle with '..'";
                    break;
                }
            }
        }
        if (reason != null) {
            throw new ModelBundleException(bundleName, "zip entry '" + printable(name) + "' " + reason + "; refused");
        }
    }

    /** @return the name with control characters shown as {@code \\uXXXX}, so that a message cannot be forged */
    static String printable(String name) {
        StringBuilder sb = new StringBuilder(name.length());
        for (int i = 0; i < name.length() && i < 300; i++) {
            char c = name.charAt(i);
            if (Character.isISOControl(c)) {
                sb.append(String.format("\\u%04x", (int) c));
            } else {
                sb.append(c);
            }
        }
        return name.length() > 300 ? sb + "..." : sb.toString();
    }

    /** @return the folder inside the zip that holds the manifest: {@code ""} or {@code "name/"} */
    public String prefix() {
        return prefix;
    }

    /**
     * Inflates one entry into memory.
     *
     * @param relative the entry's name relative to the manifest's folder
     * @param maxBytes the most bytes it may inflate to
     * @param limitName the limit's name for the message, e.g. {@code maxEntryBytes}
     * @return its bytes
     * @throws ModelBundleException naming the bundle and entry when it is missing or breaks a limit
     * @throws IOException          on a read error
     */
    public byte[] read(String relative, long maxBytes, String limitName) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        pump(relative, maxBytes, limitName, null, out);
        return out.toByteArray();
    }

    /**
     * Inflates one entry into memory, exactly as {@link #read} does, and returns it with its SHA-256.
     *
     * @param relative  the entry's name relative to the manifest's folder
     * @param maxBytes  the most bytes it may inflate to
     * @param limitName the limit's name for the message
     * @return the bytes
     * @throws ModelBundleException naming the bundle and entry when it is missing or breaks a limit
     * @throws IOException          on a read error
     */
    public byte[] readAll(String relative, long maxBytes, String limitName) throws IOException {
        ZipEntry entry = entry(relative);
        long declared = entry.getSize();
        if (declared >= 0 && declared <= maxBytes) {
            // Exactly sized: avoids the doubled memory of a growing buffer for large weights.
            ExactSink sink = new ExactSink((int) declared);
            pump(relative, maxBytes, limitName, null, sink);
            return sink.bytes(bundleName, prefix + relative);
        }
        return read(relative, maxBytes, limitName);
    }

    /**
     * Streams one entry through SHA-256 without keeping it.
     *
     * @param relative  the entry's name relative to the manifest's folder
     * @param maxBytes  the most bytes it may inflate to
     * @param limitName the limit's name for the message
     * @param digest    receives the bytes
     * @return the number of bytes inflated
     * @throws ModelBundleException naming the bundle and entry when it is missing or breaks a limit
     * @throws IOException          on a read error
     */
    public long digest(String relative, long maxBytes, String limitName, MessageDigest digest) throws IOException {
        return pump(relative, maxBytes, limitName, digest, null);
    }

    private ZipEntry entry(String relative) {
        String name = prefix + relative;
        ZipEntry entry = zip.getEntry(name);
        if (entry == null || entry.isDirectory()) {
            throw new ModelBundleException(bundleName, "zip entry '" + printable(name) + "' is missing");
        }
        return entry;
    }

    private long pump(String relative, long maxBytes, String limitName, MessageDigest digest, java.io.OutputStream out)
            throws IOException {
        ZipEntry entry = entry(relative);
        String name = prefix + relative;
        long compressed = entry.getCompressedSize();
        // The declared sizes are checked first, to refuse an honest bomb without inflating anything.
        if (entry.getSize() > maxBytes) {
            throw tooLarge(name, entry.getSize(), maxBytes, limitName, "declares");
        }
        if (compressed > 0 && entry.getSize() > BundleLimits.RATIO_FLOOR_BYTES
                && entry.getSize() > limits.maxCompressionRatio() * compressed) {
            throw ratio(name, entry.getSize(), compressed);
        }
        long total = 0;
        byte[] buf = new byte[64 * 1024];
        try (InputStream in = zip.getInputStream(entry)) {
            int n;
            while ((n = in.read(buf)) > 0) {
                total += n;
                // Counted on the bytes really inflated: a zip's declared sizes can lie.
                if (total > maxBytes) {
                    throw tooLarge(name, total, maxBytes, limitName, "inflates to more than");
                }
                if (total > BundleLimits.RATIO_FLOOR_BYTES && total > limits.maxCompressionRatio() * Math.max(1, compressed)) {
                    throw ratio(name, total, compressed);
                }
                if (digest != null) {
                    digest.update(buf, 0, n);
                }
                if (out != null) {
                    out.write(buf, 0, n);
                }
            }
        }
        return total;
    }

    private ModelBundleException tooLarge(String name, long size, long max, String limitName, String verb) {
        return new ModelBundleException(bundleName, "zip entry '" + printable(name) + "' " + verb + " " + size
                + " bytes, over the limit of " + max + " bytes (BundleLimits." + limitName + "); refused");
    }

    private ModelBundleException ratio(String name, long size, long compressed) {
        return new ModelBundleException(bundleName, "zip entry '" + printable(name) + "' inflates " + compressed
                + " compressed bytes to " + size + " or more, a ratio over " + limits.maxCompressionRatio()
                + " (BundleLimits.maxCompressionRatio; a zip bomb?); refused");
    }

    /** Fills an array of the declared size; a mismatch with the declared size is an error. */
    private static final class ExactSink extends java.io.OutputStream {
        private final byte[] bytes;
        private int size;
        private boolean overflow;

        ExactSink(int capacity) {
            this.bytes = new byte[capacity];
        }

        @Override
        public void write(int b) {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) {
            if (size + len > bytes.length) {
                overflow = true;
                return;
            }
            System.arraycopy(b, off, bytes, size, len);
            size += len;
        }

        byte[] bytes(String bundleName, String name) {
            if (overflow || size != bytes.length) {
                throw new ModelBundleException(bundleName, "zip entry '" + printable(name) + "' inflates to a different size than the "
                        + bytes.length + " bytes it declares (corrupt or crafted zip); refused");
            }
            return bytes;
        }
    }

    @Override
    public void close() throws IOException {
        zip.close();
    }
}

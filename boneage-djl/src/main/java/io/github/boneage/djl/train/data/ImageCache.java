package io.github.boneage.djl.train.data;

import io.github.boneage.core.image.GreyImage;
import io.github.boneage.core.image.GreyImage16;
import io.github.boneage.core.image.GreyImage8;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntFunction;

/**
 * Preprocessed training images, decoded once and kept as compact grey samples (one byte per pixel for 8-bit images,
 * so 10,000 images at 224 px take about 500 MB), optionally persisted to a file so later runs skip decoding.
 * Images that fail to load are recorded with the reason instead of stopping the build.
 */
public final class ImageCache {

    private static final int MAGIC = 0x42414943;
    private static final int FORMAT = 1;

    private final GreyImage[] images;
    private final String[] failures;
    private final double buildSeconds;
    private final boolean fromDisk;

    private ImageCache(GreyImage[] images, String[] failures, double buildSeconds, boolean fromDisk) {
        this.images = images;
        this.failures = failures;
        this.buildSeconds = buildSeconds;
        this.fromDisk = fromDisk;
    }

    /**
     * Fills the cache, in parallel, or reads it from {@code file} when that file was written for the same {@code key}.
     *
     * @param count   number of images
     * @param prepare loads and preprocesses image {@code i}; a thrown exception marks the image as failed
     * @param threads worker threads
     * @param file    where to persist the cache, or {@code null} for memory only
     * @param key     identifies the inputs (images and preprocessing); a file written for another key is rebuilt
     * @return the cache
     * @throws IOException if the cache file cannot be written
     */
    public static ImageCache build(int count, IntFunction<GreyImage> prepare, int threads, Path file, String key) throws IOException {
        long start = System.nanoTime();
        if (file != null && Files.isRegularFile(file)) {
            ImageCache cached = readIfMatching(file, key, count, start);
            if (cached != null) {
                return cached;
            }
        }
        GreyImage[] images = new GreyImage[count];
        String[] failures = new String[count];
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, threads), daemon("boneage-cache"));
        try {
            List<Future<?>> futures = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                int index = i;
                futures.add(pool.submit(() -> {
                    try {
                        images[index] = prepare.apply(index);
                    } catch (RuntimeException e) {
                        failures[index] = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
                    }
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while caching images", e);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IOException("caching images failed: " + e.getCause(), e.getCause());
        } finally {
            pool.shutdownNow();
        }
        ImageCache cache = new ImageCache(images, failures, (System.nanoTime() - start) / 1e9, false);
        if (file != null) {
            cache.write(file, key);
        }
        return cache;
    }

    static java.util.concurrent.ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }

    /** @return number of entries (usable or not) */
    public int size() {
        return images.length;
    }

    /**
     * @param i the entry's index
     * @return whether entry {@code i} loaded
     */
    public boolean usable(int i) {
        return images[i] != null;
    }

    /**
     * @param i the entry's index
     * @return entry {@code i}'s image, or {@code null} when it failed
     */
    public GreyImage image(int i) {
        return images[i];
    }

    /**
     * @param i the entry's index
     * @return why entry {@code i} failed, or {@code null} when it loaded
     */
    public String failure(int i) {
        return failures[i];
    }

    /** @return seconds spent building (or reading) the cache */
    public double buildSeconds() {
        return buildSeconds;
    }

    /** @return whether the cache was read from its file */
    public boolean fromDisk() {
        return fromDisk;
    }

    /** @return bytes of pixel data held */
    public long bytes() {
        long total = 0;
        for (GreyImage g : images) {
            if (g != null) {
                total += (long) g.width() * g.height() * (g instanceof GreyImage16 ? 2 : 1);
            }
        }
        return total;
    }

    private void write(Path file, String key) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try (OutputStream os = Files.newOutputStream(tmp);
                DataOutputStream out = new DataOutputStream(new BufferedOutputStream(os, 1 << 20))) {
            out.writeInt(MAGIC);
            out.writeInt(FORMAT);
            out.writeUTF(key);
            out.writeInt(images.length);
            for (int i = 0; i < images.length; i++) {
                GreyImage g = images[i];
                if (g == null) {
                    out.writeByte(0);
                    out.writeUTF(failures[i]);
                } else if (g instanceof GreyImage8 g8) {
                    out.writeByte(8);
                    out.writeInt(g.width());
                    out.writeInt(g.height());
                    out.write(g8.data());
                } else {
                    GreyImage16 g16 = (GreyImage16) g;
                    out.writeByte(16);
                    out.writeByte(g16.bitDepth());
                    out.writeInt(g.width());
                    out.writeInt(g.height());
                    ByteBuffer buf = ByteBuffer.allocate(g16.data().length * 2).order(ByteOrder.BIG_ENDIAN);
                    buf.asShortBuffer().put(g16.data());
                    out.write(buf.array());
                }
            }
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static ImageCache readIfMatching(Path file, String key, int count, long start) throws IOException {
        try (InputStream is = Files.newInputStream(file);
                DataInputStream in = new DataInputStream(new BufferedInputStream(is, 1 << 20))) {
            if (in.readInt() != MAGIC || in.readInt() != FORMAT || !in.readUTF().equals(key) || in.readInt() != count) {
                return null;
            }
            GreyImage[] images = new GreyImage[count];
            String[] failures = new String[count];
            for (int i = 0; i < count; i++) {
                int kind = in.readUnsignedByte();
                if (kind == 0) {
                    failures[i] = in.readUTF();
                } else if (kind == 8) {
                    int w = in.readInt();
                    int h = in.readInt();
                    byte[] data = new byte[w * h];
                    in.readFully(data);
                    images[i] = new GreyImage8(w, h, data);
                } else {
                    int depth = in.readUnsignedByte();
                    int w = in.readInt();
                    int h = in.readInt();
                    byte[] raw = new byte[w * h * 2];
                    in.readFully(raw);
                    short[] data = new short[w * h];
                    ByteBuffer.wrap(raw).order(ByteOrder.BIG_ENDIAN).asShortBuffer().get(data);
                    images[i] = new GreyImage16(w, h, depth, data);
                }
            }
            return new ImageCache(images, failures, (System.nanoTime() - start) / 1e9, true);
        } catch (java.io.EOFException | java.io.UTFDataFormatException e) {
            return null;
        }
    }
}

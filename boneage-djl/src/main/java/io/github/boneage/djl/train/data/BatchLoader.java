package io.github.boneage.djl.train.data;

import io.github.boneage.djl.train.Augmentation;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Assembles training batches from the image cache on background threads, ahead of the training step.
 *
 * <p>The order is a pure function of (seed, iteration): epoch {@code e} visits the members in a permutation drawn from
 * {@code (seed, e)}, iteration {@code s} takes the {@code s % stepsPerEpoch}-th slice of it (the last incomplete
 * slice is dropped), and each image's augmentation is drawn from {@code (seed, e, position)}. So any iteration can be
 * rebuilt alone, which is what makes resuming exact.
 */
public final class BatchLoader implements AutoCloseable {

    /**
     * One assembled batch; return it with {@link #recycle} once its arrays have been copied into tensors.
     *
     * @param step      the iteration
     * @param epoch     its epoch
     * @param size      images in the batch
     * @param images    {@code size} images, CHW each, normalized
     * @param labels    {@code size * labelWidth} targets
     * @param auxiliary {@code size * auxWidth} auxiliary inputs (empty when there are none)
     */
    public record Batch(int step, int epoch, int size, float[] images, float[] labels, float[] auxiliary) {
    }

    private final ImageCache cache;
    private final int[] members;
    private final float[] labels;
    private final int labelWidth;
    private final float[] auxiliary;
    private final int auxWidth;
    private final TensorWriter writer;
    private final Augmentation augmentation;
    private final int batchSize;
    private final int stepsPerEpoch;
    private final long seed;
    private final int prefetch;
    private final ExecutorService pool;
    private final Map<Integer, int[]> permutations = new ConcurrentHashMap<>();
    private final ArrayDeque<Future<Batch>> pending = new ArrayDeque<>();
    private final ConcurrentLinkedQueue<float[]> imageBuffers = new ConcurrentLinkedQueue<>();
    private int nextToSubmit = -1;
    private long waitNanos;

    /**
     * @param cache        the prepared images
     * @param members      cache indices of this network's training images
     * @param labels       targets, {@code labelWidth} per member, in member order
     * @param labelWidth   targets per image
     * @param auxiliary    auxiliary inputs, {@code auxWidth} per member, in member order
     * @param auxWidth     auxiliary inputs per image (0 for none)
     * @param writer       writes normalized (and augmented) tensors
     * @param augmentation the augmentation ranges ({@link Augmentation#none()} for none)
     * @param batchSize    images per batch (reduced to the number of members when larger)
     * @param seed         the run's seed
     * @param threads      worker threads; 0 assembles each batch on the calling thread when it is taken
     * @param prefetch     batches assembled ahead (with worker threads)
     */
    public BatchLoader(ImageCache cache, int[] members, float[] labels, int labelWidth, float[] auxiliary, int auxWidth,
            TensorWriter writer, Augmentation augmentation, int batchSize, long seed, int threads, int prefetch) {
        if (members.length == 0) {
            throw new IllegalArgumentException("no training images");
        }
        this.cache = cache;
        this.members = members.clone();
        this.labels = labels;
        this.labelWidth = labelWidth;
        this.auxiliary = auxiliary;
        this.auxWidth = auxWidth;
        this.writer = writer;
        this.augmentation = augmentation;
        this.batchSize = Math.min(batchSize, members.length);
        this.stepsPerEpoch = members.length / this.batchSize;
        this.seed = seed;
        this.prefetch = prefetch;
        this.pool = threads == 0 ? null : Executors.newFixedThreadPool(threads, ImageCache.daemon("boneage-batches"));
    }

    /** @return iterations per epoch */
    public int stepsPerEpoch() {
        return stepsPerEpoch;
    }

    /** @return the images per batch */
    public int batchSize() {
        return batchSize;
    }

    /** @return seconds {@link #take} spent waiting for a batch that was not ready */
    public double waitSeconds() {
        return waitNanos / 1e9;
    }

    /**
     * Returns the batch of iteration {@code step}. Consecutive calls with consecutive steps are served from the
     * prefetch queue; any other step restarts it.
     *
     * @param step the iteration
     * @return its batch
     */
    public Batch take(int step) {
        if (pool == null) {
            return assemble(step);
        }
        if (step != nextToSubmit - pending.size()) {
            pending.forEach(f -> f.cancel(true));
            pending.clear();
            nextToSubmit = step;
        }
        while (pending.size() < prefetch + 1) {
            int s = nextToSubmit++;
            pending.add(pool.submit(() -> assemble(s)));
        }
        Future<Batch> next = pending.poll();
        long start = System.nanoTime();
        try {
            Batch b = next.get();
            waitNanos += System.nanoTime() - start;
            return b;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for batch " + step, e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("assembling batch " + step + " failed: " + e.getCause(), e.getCause());
        }
    }

    /** @param batch a batch whose arrays are no longer needed (its image buffer is reused) */
    public void recycle(Batch batch) {
        imageBuffers.add(batch.images());
    }

    /**
     * Builds the batch of an iteration synchronously, on the calling thread (used by benchmarks and tests).
     *
     * @param step the iteration
     * @return its batch
     */
    public Batch assemble(int step) {
        int epoch = step / stepsPerEpoch;
        int slice = step % stepsPerEpoch;
        int[] order = permutations.computeIfAbsent(epoch, this::permutation);
        if (permutations.size() > 3) {
            permutations.keySet().removeIf(e -> e < epoch - 1);
        }
        int floats = writer.imageFloats();
        float[] images = imageBuffers.poll();
        if (images == null || images.length != batchSize * floats) {
            images = new float[batchSize * floats];
        }
        float[] batchLabels = new float[batchSize * labelWidth];
        float[] batchAux = new float[batchSize * auxWidth];
        for (int i = 0; i < batchSize; i++) {
            int position = slice * batchSize + i;
            int member = order[position];
            int cacheIndex = members[member];
            if (augmentation.isEnabled()) {
                SplittableRandom random = new SplittableRandom(Seeds.derive(seed, 2, epoch, position));
                writer.writeAugmented(cache.image(cacheIndex), augmentation, random, images, i * floats);
            } else {
                writer.write(cache.image(cacheIndex), images, i * floats);
            }
            System.arraycopy(labels, member * labelWidth, batchLabels, i * labelWidth, labelWidth);
            if (auxWidth > 0) {
                System.arraycopy(auxiliary, member * auxWidth, batchAux, i * auxWidth, auxWidth);
            }
        }
        return new Batch(step, epoch, batchSize, images, batchLabels, batchAux);
    }

    private int[] permutation(int epoch) {
        int[] order = new int[members.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        SplittableRandom random = new SplittableRandom(Seeds.derive(seed, 1, epoch));
        for (int i = order.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        return order;
    }

    @Override
    public void close() {
        pending.forEach(f -> f.cancel(true));
        pending.clear();
        if (pool != null) {
            pool.shutdownNow();
        }
    }
}

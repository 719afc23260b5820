package io.github.boneage.core.landmarks;

import io.github.boneage.core.Roi;
import java.util.Optional;

/**
 * Where the hand is in a radiograph, as a coarse grid of probabilities laid over the image: cell {@code (i, j)} of a
 * {@code gridWidth x gridHeight} grid covers the image's pixels from {@code (i * imageWidth / gridWidth, j *
 * imageHeight / gridHeight)} to the next cell's. A learned landmark detector's mask head gives one (about one cell
 * per four network-input pixels, 10 px of a 299 px radiograph): fine enough for the hand's extent, its area and
 * whether a point lies on it, not for an outline at full resolution.
 *
 * <p>Immutable: the probabilities are copied in and out.
 */
public final class HandMask {

    /** Probability at or above which a cell counts as hand. */
    public static final double HAND_PROBABILITY = 0.5;

    private final int imageWidth;
    private final int imageHeight;
    private final int gridWidth;
    private final int gridHeight;
    private final float[] probability;

    /**
     * @param imageWidth  width of the image the mask lies over, in pixels
     * @param imageHeight height of that image, in pixels
     * @param gridWidth   cells across, 1 to {@code imageWidth}
     * @param gridHeight  cells down, 1 to {@code imageHeight}
     * @param probability row-major cell probabilities in [0, 1], {@code gridWidth * gridHeight} of them (copied)
     * @throws IllegalArgumentException naming the first size or value that is out of range
     */
    public HandMask(int imageWidth, int imageHeight, int gridWidth, int gridHeight, float[] probability) {
        if (imageWidth < 1 || imageHeight < 1) {
            throw new IllegalArgumentException("image size must be positive, got " + imageWidth + "x" + imageHeight);
        }
        if (gridWidth < 1 || gridHeight < 1 || gridWidth > imageWidth || gridHeight > imageHeight) {
            throw new IllegalArgumentException("grid " + gridWidth + "x" + gridHeight + " must have 1 to "
                    + imageWidth + "x" + imageHeight + " cells");
        }
        if (probability.length != gridWidth * gridHeight) {
            throw new IllegalArgumentException("expected " + gridWidth * gridHeight + " probabilities, got " + probability.length);
        }
        for (int i = 0; i < probability.length; i++) {
            if (!(probability[i] >= 0 && probability[i] <= 1)) {
                throw new IllegalArgumentException("probability of cell " + (i % gridWidth) + "," + (i / gridWidth)
                        + " must lie in [0, 1], got " + probability[i]);
            }
        }
        this.imageWidth = imageWidth;
        this.imageHeight = imageHeight;
        this.gridWidth = gridWidth;
        this.gridHeight = gridHeight;
        this.probability = probability.clone();
    }

    /** @return width of the image the mask lies over, in pixels */
    public int imageWidth() {
        return imageWidth;
    }

    /** @return height of the image the mask lies over, in pixels */
    public int imageHeight() {
        return imageHeight;
    }

    /** @return cells across */
    public int gridWidth() {
        return gridWidth;
    }

    /** @return cells down */
    public int gridHeight() {
        return gridHeight;
    }

    /**
     * @param i column of the cell, 0 to {@code gridWidth - 1}
     * @param j row of the cell, 0 to {@code gridHeight - 1}
     * @return the cell's hand probability
     */
    public float cell(int i, int j) {
        if (i < 0 || j < 0 || i >= gridWidth || j >= gridHeight) {
            throw new IndexOutOfBoundsException("cell " + i + "," + j + " outside the " + gridWidth + "x" + gridHeight + " grid");
        }
        return probability[j * gridWidth + i];
    }

    /**
     * @param x image column, in pixels
     * @param y image row, in pixels
     * @return the hand probability of the cell holding that pixel; 0 outside the image
     */
    public float probabilityAt(double x, double y) {
        if (!(x >= 0 && y >= 0 && x < imageWidth && y < imageHeight)) {
            return 0f;
        }
        int i = Math.min(gridWidth - 1, (int) (x * gridWidth / imageWidth));
        int j = Math.min(gridHeight - 1, (int) (y * gridHeight / imageHeight));
        return probability[j * gridWidth + i];
    }

    /**
     * @param x image column, in pixels
     * @param y image row, in pixels
     * @return whether the pixel lies on the hand (its cell's probability at least {@value #HAND_PROBABILITY})
     */
    public boolean contains(double x, double y) {
        return probabilityAt(x, y) >= HAND_PROBABILITY;
    }

    /** @return the share of the image the hand covers, in [0, 1] (cells at or above {@value #HAND_PROBABILITY}) */
    public double areaFraction() {
        int n = 0;
        for (float p : probability) {
            if (p >= HAND_PROBABILITY) {
                n++;
            }
        }
        return n / (double) probability.length;
    }

    /**
     * @return the smallest rectangle of image pixels holding every hand cell; empty when no cell reaches
     *         {@value #HAND_PROBABILITY}
     */
    public Optional<Roi> bounds() {
        int minI = gridWidth;
        int minJ = gridHeight;
        int maxI = -1;
        int maxJ = -1;
        for (int j = 0; j < gridHeight; j++) {
            for (int i = 0; i < gridWidth; i++) {
                if (probability[j * gridWidth + i] >= HAND_PROBABILITY) {
                    minI = Math.min(minI, i);
                    minJ = Math.min(minJ, j);
                    maxI = Math.max(maxI, i);
                    maxJ = Math.max(maxJ, j);
                }
            }
        }
        if (maxI < 0) {
            return Optional.empty();
        }
        return Optional.of(Roi.enclosing((double) minI * imageWidth / gridWidth, (double) minJ * imageHeight / gridHeight,
                (double) (maxI + 1) * imageWidth / gridWidth, (double) (maxJ + 1) * imageHeight / gridHeight,
                imageWidth, imageHeight));
    }

    /**
     * Agreement with another mask over the same image: intersection over union of their hand cells, each mask read at
     * the centres of this mask's cells.
     *
     * @param other a mask over an image of the same size
     * @return IoU in [0, 1]; 1 when neither has a hand cell
     * @throws IllegalArgumentException when the other mask lies over an image of another size
     */
    public double iou(HandMask other) {
        if (other.imageWidth != imageWidth || other.imageHeight != imageHeight) {
            throw new IllegalArgumentException("masks over " + imageWidth + "x" + imageHeight + " and " + other.imageWidth
                    + "x" + other.imageHeight + " images cannot be compared");
        }
        int both = 0;
        int either = 0;
        for (int j = 0; j < gridHeight; j++) {
            for (int i = 0; i < gridWidth; i++) {
                boolean a = probability[j * gridWidth + i] >= HAND_PROBABILITY;
                boolean b = other.contains((i + 0.5) * imageWidth / gridWidth, (j + 0.5) * imageHeight / gridHeight);
                both += a && b ? 1 : 0;
                either += a || b ? 1 : 0;
            }
        }
        return either == 0 ? 1 : both / (double) either;
    }

    /**
     * @param other a mask over the same image with the same grid (e.g. a second reading of it)
     * @return the cell-by-cell mean of the two masks' probabilities
     * @throws IllegalArgumentException when the image sizes or grids differ
     */
    public HandMask averagedWith(HandMask other) {
        if (other.imageWidth != imageWidth || other.imageHeight != imageHeight || other.gridWidth != gridWidth
                || other.gridHeight != gridHeight) {
            throw new IllegalArgumentException("cannot average a " + this + " with a " + other);
        }
        float[] mean = new float[probability.length];
        for (int i = 0; i < mean.length; i++) {
            mean[i] = (probability[i] + other.probability[i]) / 2;
        }
        return new HandMask(imageWidth, imageHeight, gridWidth, gridHeight, mean);
    }

    /** Equal when over the same image size with the same grid and the same probabilities. */
    @Override
    public boolean equals(Object o) {
        return o instanceof HandMask m && m.imageWidth == imageWidth && m.imageHeight == imageHeight
                && m.gridWidth == gridWidth && m.gridHeight == gridHeight && java.util.Arrays.equals(m.probability, probability);
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(imageWidth, imageHeight, gridWidth, gridHeight) * 31 + java.util.Arrays.hashCode(probability);
    }

    @Override
    public String toString() {
        return String.format(java.util.Locale.ROOT, "HandMask[%dx%d cells over %dx%d px, %.1f%% hand]", gridWidth, gridHeight,
                imageWidth, imageHeight, 100 * areaFraction());
    }
}

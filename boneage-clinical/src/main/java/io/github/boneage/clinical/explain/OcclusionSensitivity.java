package io.github.boneage.clinical.explain;

import io.github.boneage.clinical.impl.BoxBlur;
import io.github.boneage.core.BoneAgeEstimate;
import io.github.boneage.core.BoneAgeEstimator;
import io.github.boneage.core.BoneAgeException;
import io.github.boneage.core.EstimationOutcome;
import io.github.boneage.core.EstimationRequest;
import io.github.boneage.core.Roi;
import io.github.boneage.core.image.GreyImage;
import io.github.boneage.core.image.GreyImage16;
import io.github.boneage.core.image.GreyImage8;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Occlusion sensitivity for any {@link BoneAgeEstimator}: where in the ROI hiding part of the radiograph changes the
 * estimate most.
 *
 * <p>The estimate's ROI ({@link BoneAgeEstimate#roi()}: the whole image for {@code WHOLE}, the landmark rectangle
 * otherwise) is divided into square cells of side {@code s}; a square patch of {@code k·s} pixels
 * ({@link Builder#optCellsPerPatch(int)}, default 2, i.e. 50% overlap) is placed at every cell and filled
 * ({@link OcclusionFill}), and the occluded copies are estimated in batches through
 * {@link BoneAgeEstimator#estimateBatch(List)}. A cell's value is the mean {@code |estimate - baseline|} of the patches
 * that covered it.
 *
 * <p>Cost, bounded and stated: {@code 1 + columns·rows} estimates per image, with {@code columns = ⌈roiWidth / s⌉} and
 * {@code rows = ⌈roiHeight / s⌉}, never more than {@link Builder#optMaxForwardPasses(int)} (default
 * {@value #DEFAULT_MAX_FORWARD_PASSES}). The cell side {@code s} is {@code patchFraction × shorter side / k}, enlarged
 * where needed to the smallest side that keeps the grid within the bound, so no aspect ratio can blow it up (a
 * 40000×33 ROI, which took about 146,000 passes before the bound, takes at most 150). With the default patch of 20% of
 * the ROI's shorter side a square ROI takes {@code 1 + 10 × 10 = 101}, under the bound, so it is unchanged. The
 * number used is {@link OcclusionHeatmap#forwardPasses()}.
 *
 * <p>Landmarks are passed unchanged, so a landmark-based ROI stays where it is. If any occluded copy cannot be
 * estimated the heatmap fails (the error names the cell): a heatmap with holes would point at the wrong places.
 * Does not own the estimator.
 */
public final class OcclusionSensitivity {

    /** Default {@link Builder#optMaxForwardPasses(int)}: the most estimates per heatmap, the unoccluded one included. */
    public static final int DEFAULT_MAX_FORWARD_PASSES = 150;

    /** The most pixels of occluded copies held for one estimator call (bounds memory on large radiographs). */
    public static final long MAX_PIXELS_PER_CALL = 64L << 20;

    private final BoneAgeEstimator estimator;
    private final double patchFraction;
    private final int cellsPerPatch;
    private final OcclusionFill fill;
    private final int imagesPerCall;
    private final int maxForwardPasses;

    private OcclusionSensitivity(Builder b) {
        this.estimator = Objects.requireNonNull(b.estimator, "estimator is required (setEstimator)");
        this.patchFraction = b.patchFraction;
        this.cellsPerPatch = b.cellsPerPatch;
        this.fill = b.fill;
        this.imagesPerCall = b.imagesPerCall;
        this.maxForwardPasses = b.maxForwardPasses;
    }

    /** @return a new builder */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * @param roi an ROI
     * @return the cell side this instance uses on it, in pixels: {@code patchFraction × shorter side / cellsPerPatch},
     *         or the smallest larger side whose grid keeps within {@link #maxForwardPasses()}
     */
    public int cellSizeFor(Roi roi) {
        int shorter = Math.min(roi.width(), roi.height());
        int s = Math.max(1, (int) Math.round(patchFraction * shorter / cellsPerPatch));
        long cells = maxForwardPasses - 1L;
        if (cellCount(roi, s) <= cells) {
            return s;
        }
        // ⌈w/s⌉·⌈h/s⌉ >= w·h/s², so no side below √(w·h / cells) fits; step up from there to the first that does.
        s = Math.max(s, (int) Math.floor(Math.sqrt((double) roi.width() * roi.height() / cells)));
        while (cellCount(roi, s) > cells) {
            s++;
        }
        return s;
    }

    private static long cellCount(Roi roi, int s) {
        return (long) OcclusionHeatmap.columnsFor(roi.width(), s) * OcclusionHeatmap.columnsFor(roi.height(), s);
    }

    /** @return the most estimates one heatmap takes, the unoccluded one included */
    public int maxForwardPasses() {
        return maxForwardPasses;
    }

    /**
     * @param roi an ROI
     * @return the number of estimates a heatmap over it takes, the unoccluded one included
     */
    public int forwardPassesFor(Roi roi) {
        int s = cellSizeFor(roi);
        return 1 + OcclusionHeatmap.columnsFor(roi.width(), s) * OcclusionHeatmap.columnsFor(roi.height(), s);
    }

    /**
     * @param request the image to explain
     * @return its heatmap
     * @throws BoneAgeException naming the source when the image or one of its occluded copies cannot be estimated
     */
    public OcclusionHeatmap explain(EstimationRequest request) {
        BoneAgeEstimate baseline = estimator.estimate(request);
        return explain(request, baseline);
    }

    /**
     * @param request  the image to explain
     * @param baseline its estimate by the same estimator on the unchanged image (saves one pass when the caller
     *                 already has it; with test-time augmentation that is {@code IntervalEstimate.tta().identity()},
     *                 not the aggregated point estimate)
     * @return its heatmap
     * @throws BoneAgeException naming the source when an occluded copy cannot be estimated
     */
    public OcclusionHeatmap explain(EstimationRequest request, BoneAgeEstimate baseline) {
        GreyImage image = request.image();
        Roi roi = baseline.roi();
        if (!roi.fitsIn(image.width(), image.height())) {
            throw new BoneAgeException(request.sourceId() + ": the estimate's ROI " + roi + " is outside the "
                    + image.width() + "x" + image.height() + " image");
        }
        int s = cellSizeFor(roi);
        int patch = s * cellsPerPatch;
        int columns = OcclusionHeatmap.columnsFor(roi.width(), s);
        int rows = OcclusionHeatmap.columnsFor(roi.height(), s);
        int[] filler = filler(image, roi, patch);
        double[] patchChange = new double[columns * rows];
        long pixels = (long) image.width() * image.height();
        int perCall = (int) Math.max(1, Math.min(imagesPerCall, MAX_PIXELS_PER_CALL / pixels));
        for (int start = 0; start < patchChange.length; start += perCall) {
            int end = Math.min(patchChange.length, start + perCall);
            List<EstimationRequest> batch = new ArrayList<>(end - start);
            for (int p = start; p < end; p++) {
                Roi occluded = patchRect(roi, p % columns, p / columns, s, patch);
                batch.add(withImage(request, occlude(image, occluded, filler)));
            }
            List<EstimationOutcome> outcomes = estimator.estimateBatch(batch);
            for (int p = start; p < end; p++) {
                EstimationOutcome o = outcomes.get(p - start);
                if (!o.isSuccess()) {
                    BoneAgeException e = o.error().orElseThrow();
                    throw new BoneAgeException(request.sourceId() + ": estimate with cell (" + p % columns + ", "
                            + p / columns + ") occluded failed: " + e.getMessage(), e);
                }
                patchChange[p] = Math.abs(o.estimate().orElseThrow().months() - baseline.months());
            }
        }
        return new OcclusionHeatmap(request.sourceId(), roi, s, patch, baseline.months(),
                cellMeans(patchChange, columns, rows), 1 + patchChange.length);
    }

    /** Averages, for each cell, the changes of the patches (anchored at cells up to k-1 before it) that covered it. */
    private double[] cellMeans(double[] patchChange, int columns, int rows) {
        double[] out = new double[columns * rows];
        int k = cellsPerPatch;
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < columns; c++) {
                double sum = 0;
                int n = 0;
                for (int pr = Math.max(0, r - k + 1); pr <= r; pr++) {
                    for (int pc = Math.max(0, c - k + 1); pc <= c; pc++) {
                        sum += patchChange[pr * columns + pc];
                        n++;
                    }
                }
                out[r * columns + c] = sum / n;
            }
        }
        return out;
    }

    private static Roi patchRect(Roi roi, int column, int row, int cell, int patch) {
        int x = roi.x() + column * cell;
        int y = roi.y() + row * cell;
        return new Roi(x, y, Math.min(patch, roi.maxX() - x), Math.min(patch, roi.maxY() - y));
    }

    /**
     * @return the fill value of every pixel, row-major: the ROI's mean everywhere, or the blurred image
     */
    private int[] filler(GreyImage image, Roi roi, int patch) {
        int w = image.width();
        int h = image.height();
        int[] samples = new int[w * h];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                samples[y * w + x] = image.get(x, y);
            }
        }
        if (fill == OcclusionFill.BLUR) {
            return BoxBlur.blur(samples, w, h, Math.max(1, patch / 2), 2);
        }
        long sum = 0;
        for (int y = roi.y(); y < roi.maxY(); y++) {
            for (int x = roi.x(); x < roi.maxX(); x++) {
                sum += samples[y * w + x];
            }
        }
        java.util.Arrays.fill(samples, (int) Math.round((double) sum / ((long) roi.width() * roi.height())));
        return samples;
    }

    private static GreyImage occlude(GreyImage image, Roi patch, int[] filler) {
        int w = image.width();
        if (image instanceof GreyImage8 g8) {
            GreyImage8 out = g8.copy();
            byte[] d = out.data();
            for (int y = patch.y(); y < patch.maxY(); y++) {
                for (int x = patch.x(); x < patch.maxX(); x++) {
                    d[y * w + x] = (byte) filler[y * w + x];
                }
            }
            return out;
        }
        GreyImage16 out = ((GreyImage16) image).copy();
        short[] d = out.data();
        for (int y = patch.y(); y < patch.maxY(); y++) {
            for (int x = patch.x(); x < patch.maxX(); x++) {
                d[y * w + x] = (short) filler[y * w + x];
            }
        }
        return out;
    }

    private static EstimationRequest withImage(EstimationRequest request, GreyImage image) {
        EstimationRequest.Builder b = EstimationRequest.builder().setImage(image).optSourceId(request.sourceId())
                .optSex(request.sex());
        request.landmarks().ifPresent(b::optLandmarks);
        request.chronologicalAgeMonths().ifPresent(b::optChronologicalAgeMonths);
        return b.build();
    }

    /** Builder: {@code setX} for required fields, {@code optX} for optional ones. */
    public static final class Builder {
        private BoneAgeEstimator estimator;
        private double patchFraction = 0.2;
        private int cellsPerPatch = 2;
        private OcclusionFill fill = OcclusionFill.MEAN_GREY;
        private int imagesPerCall = 32;
        private int maxForwardPasses = DEFAULT_MAX_FORWARD_PASSES;

        private Builder() {
        }

        /**
         * @param passes the most estimates one heatmap may take, the unoccluded one included (default
         *               {@value OcclusionSensitivity#DEFAULT_MAX_FORWARD_PASSES}; at least 2); cells grow to keep
         *               any ROI within it
         * @return this builder
         */
        public Builder optMaxForwardPasses(int passes) {
            if (passes < 2) {
                throw new IllegalArgumentException("max forward passes must be >= 2 (the unoccluded image and one "
                        + "occlusion), got " + passes);
            }
            this.maxForwardPasses = passes;
            return this;
        }

        /**
         * @param estimator the estimator to explain
         * @return this builder, with the estimator to explain (required; not closed by this class)
         */
        public Builder setEstimator(BoneAgeEstimator estimator) {
            this.estimator = estimator;
            return this;
        }

        /**
         * @param fraction the patch side as a fraction of the ROI's shorter side, in (0, 1]
         * @return this builder, with the patch side as a fraction of the ROI's shorter side, in (0, 1] (default 0.2)
         */
        public Builder optPatchFraction(double fraction) {
            if (!(fraction > 0 && fraction <= 1)) {
                throw new IllegalArgumentException("occlusion patch fraction must be in (0, 1], got " + fraction);
            }
            this.patchFraction = fraction;
            return this;
        }

        /**
         * @param cells the patch side in cells (default 2: patches overlap by half; 1: no overlap, coarser but a
         *              quarter of the cost for the same resolution)
         * @return this builder
         */
        public Builder optCellsPerPatch(int cells) {
            if (cells < 1) {
                throw new IllegalArgumentException("cells per patch must be >= 1, got " + cells);
            }
            this.cellsPerPatch = cells;
            return this;
        }

        /**
         * @param fill what an occluding patch is filled with
         * @return this builder, with the patch fill (default {@link OcclusionFill#MEAN_GREY})
         */
        public Builder optFill(OcclusionFill fill) {
            this.fill = Objects.requireNonNull(fill);
            return this;
        }

        /**
         * @param images how many occluded copies go into one {@code estimateBatch} call (default 32; fewer for images
         *               so large that the copies would exceed {@link #MAX_PIXELS_PER_CALL} pixels)
         * @return this builder
         */
        public Builder optImagesPerCall(int images) {
            if (images < 1) {
                throw new IllegalArgumentException("images per call must be >= 1, got " + images);
            }
            this.imagesPerCall = images;
            return this;
        }

        /** @return the explainer */
        public OcclusionSensitivity build() {
            return new OcclusionSensitivity(this);
        }
    }
}

package io.github.boneage.clinical.explain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.boneage.core.BoneAgeEstimate;
import io.github.boneage.core.BoneAgeEstimator;
import io.github.boneage.core.EstimationOutcome;
import io.github.boneage.core.EstimationRequest;
import io.github.boneage.core.ModelInfo;
import io.github.boneage.core.Roi;
import io.github.boneage.core.RoiScheme;
import io.github.boneage.core.image.GreyImage8;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The cost of a heatmap is bounded on every aspect ratio, and the number of passes used is reported. */
class OcclusionCostTest {

    /** Counts every estimate it is asked for. */
    private static final class CountingEstimator implements BoneAgeEstimator {
        final AtomicLong estimates = new AtomicLong();
        private final RegionReadingEstimator inner;

        CountingEstimator(Roi region, Roi roi) {
            this.inner = new RegionReadingEstimator(region, roi, RoiScheme.WHOLE);
        }

        @Override
        public BoneAgeEstimate estimate(EstimationRequest request) {
            estimates.incrementAndGet();
            return inner.estimate(request);
        }

        @Override
        public List<EstimationOutcome> estimateBatch(List<EstimationRequest> requests) {
            return requests.stream().map(r -> EstimationOutcome.success(estimate(r))).toList();
        }

        @Override
        public ModelInfo model() {
            return inner.model();
        }

        @Override
        public void close() {
        }
    }

    private static GreyImage8 image(int w, int h) {
        GreyImage8 image = new GreyImage8(w, h);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                image.set(x, y, (x * 7 + y * 3) & 0xFF);
            }
        }
        return image;
    }

    @ParameterizedTest
    @CsvSource({"40000, 33, 150", "33, 40000, 150", "40000, 33, 20", "5000, 7, 150", "300, 300, 150", "1, 1, 150"})
    void extremeAspectRatiosStayWithinTheBound(int w, int h, int max) {
        Roi whole = Roi.whole(w, h);
        CountingEstimator counter = new CountingEstimator(new Roi(0, 0, Math.min(w, 10), Math.min(h, 10)), whole);
        OcclusionSensitivity explainer = OcclusionSensitivity.builder().setEstimator(counter).optMaxForwardPasses(max).build();
        OcclusionHeatmap map = explainer.explain(EstimationRequest.builder().setImage(image(w, h)).optSourceId("wide").build());
        assertThat(counter.estimates.get()).as("estimates actually run").isLessThanOrEqualTo(max)
                .isEqualTo(map.forwardPasses());
        assertThat(map.forwardPasses()).isEqualTo(explainer.forwardPassesFor(whole))
                .isEqualTo(1 + map.columns() * map.rows());
        // The grid still covers the whole ROI.
        assertThat((long) map.columns() * map.cellSize()).isGreaterThanOrEqualTo(w);
        assertThat((long) map.rows() * map.cellSize()).isGreaterThanOrEqualTo(h);
    }

    @Test
    void theReportedCaseWentFrom146674PassesToTheBound() {
        // What the unbounded rule cost on 40000x33: cell round(0.2 * 33 / 2) = 3 px, 13334 x 11 cells.
        Roi roi = Roi.whole(40000, 33);
        OcclusionSensitivity unbounded = OcclusionSensitivity.builder().setEstimator(new CountingEstimator(roi, roi))
                .optMaxForwardPasses(Integer.MAX_VALUE).build();
        assertThat(unbounded.forwardPassesFor(roi)).isEqualTo(1 + 13334 * 11);
        OcclusionSensitivity bounded = OcclusionSensitivity.builder().setEstimator(new CountingEstimator(roi, roi)).build();
        assertThat(bounded.maxForwardPasses()).isEqualTo(OcclusionSensitivity.DEFAULT_MAX_FORWARD_PASSES).isEqualTo(150);
        assertThat(bounded.forwardPassesFor(roi)).isLessThanOrEqualTo(150).isGreaterThan(100);
    }

    @Test
    void squareRoisKeepTheirDefaultGrid() {
        Roi roi = Roi.whole(500, 500);
        OcclusionSensitivity explainer = OcclusionSensitivity.builder().setEstimator(new CountingEstimator(roi, roi)).build();
        assertThat(explainer.cellSizeFor(roi)).isEqualTo(50);
        assertThat(explainer.forwardPassesFor(roi)).isEqualTo(101);
    }

    @Test
    void boundBelowTwoIsRefused() {
        assertThatThrownBy(() -> OcclusionSensitivity.builder().optMaxForwardPasses(1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("max forward passes must be >= 2");
    }
}

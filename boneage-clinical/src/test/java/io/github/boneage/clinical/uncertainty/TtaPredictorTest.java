package io.github.boneage.clinical.uncertainty;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.boneage.core.BoneAgeEstimate;
import io.github.boneage.core.BoneAgeEstimator;
import io.github.boneage.core.EstimationOutcome;
import io.github.boneage.core.EstimationRequest;
import io.github.boneage.core.ModelInfo;
import io.github.boneage.core.ModelProvenance;
import io.github.boneage.core.Roi;
import io.github.boneage.core.RoiScheme;
import io.github.boneage.core.image.GreyImage8;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** How augmented copies reach the estimator: batched, bounded in memory, in order. */
class TtaPredictorTest {

    /** Returns the image's centre sample as the "age" and records the size of every batch it is given. */
    private static final class RecordingEstimator implements BoneAgeEstimator {
        final List<Integer> batchSizes = new ArrayList<>();

        @Override
        public BoneAgeEstimate estimate(EstimationRequest r) {
            return new BoneAgeEstimate(r.sourceId(), r.image().get(r.image().width() / 2, r.image().height() / 2),
                    r.sex(), RoiScheme.WHOLE, Roi.whole(r.image().width(), r.image().height()), model());
        }

        @Override
        public List<EstimationOutcome> estimateBatch(List<EstimationRequest> requests) {
            batchSizes.add(requests.size());
            return BoneAgeEstimator.super.estimateBatch(requests);
        }

        @Override
        public ModelInfo model() {
            return new ModelInfo("recording", "test", "rec", ModelProvenance.unknown());
        }

        @Override
        public void close() {
        }
    }

    @Test
    void largeImagesAreSplitIntoCallsWithinThePixelBudget() {
        RecordingEstimator rec = new RecordingEstimator();
        TtaPredictor predictor = TtaPredictor.builder().setEstimator(rec).build();
        List<EstimationRequest> requests = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            GreyImage8 img = new GreyImage8(1200, 1200);
            java.util.Arrays.fill(img.data(), (byte) (10 + i));
            requests.add(EstimationRequest.builder().setImage(img).optSourceId("big-" + i).build());
        }
        List<ItemOutcome<TtaPrediction>> out = predictor.predictBatch(requests);
        // 1200² px × 7 copies = 10.1 M px per image: 6 images fit in the 64 Mi px budget, then the other 2.
        assertThat(rec.batchSizes).containsExactly(6 * 7, 2 * 7);
        for (int i = 0; i < 8; i++) {
            TtaPrediction p = out.get(i).orElseThrow();
            assertThat(p.sourceId()).isEqualTo("big-" + i);
            assertThat(p.pointMonths()).isEqualTo(10 + i);
            assertThat(p.spreadMonths()).isZero();
            assertThat(p.augmentedMonths()).hasSize(7).containsOnly(10.0 + i);
        }
    }

    @Test
    void smallImagesGoImagesPerCallAtATime() {
        RecordingEstimator rec = new RecordingEstimator();
        TtaPredictor predictor = TtaPredictor.builder().setEstimator(rec).optImagesPerCall(3)
                .optPolicy(TestTimeAugmentation.builder().optRotations().optShiftFraction(0.1).build()).build();
        List<EstimationRequest> requests = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            requests.add(EstimationRequest.builder().setImage(new GreyImage8(20, 20)).optSourceId("s" + i).build());
        }
        assertThat(predictor.predictBatch(requests)).hasSize(7).allMatch(ItemOutcome::isSuccess);
        assertThat(rec.batchSizes).containsExactly(15, 15, 5);
    }
}

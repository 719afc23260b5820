package io.github.boneage.pipeline;

import io.github.boneage.core.BoneAgeEstimate;
import io.github.boneage.core.BoneAgeEstimator;
import io.github.boneage.core.EstimationRequest;
import io.github.boneage.core.ModelInfo;
import io.github.boneage.core.ModelProvenance;
import io.github.boneage.core.Roi;
import io.github.boneage.core.RoiScheme;
import io.github.boneage.core.image.GreyImage;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.ToDoubleFunction;

/**
 * A fake model whose "bone age" is a function of the pixels it is given that changes when the image is turned,
 * mirrored or inverted, so any orientation the pipeline fails to undo shows in the number. Records its requests.
 */
final class ContentEstimator implements BoneAgeEstimator {

    static final ModelInfo MODEL = new ModelInfo("content-fake", "test", "c0ffee", ModelProvenance.unknown());

    final List<EstimationRequest> requests = new CopyOnWriteArrayList<>();
    private final RoiScheme roi;
    private final ToDoubleFunction<GreyImage> months;
    private final boolean recording;

    ContentEstimator(RoiScheme roi) {
        this(roi, ContentEstimator::asymmetry, true);
    }

    ContentEstimator(RoiScheme roi, ToDoubleFunction<GreyImage> months) {
        this(roi, months, true);
    }

    private ContentEstimator(RoiScheme roi, ToDoubleFunction<GreyImage> months, boolean recording) {
        this.roi = roi;
        this.months = months;
        this.recording = recording;
    }

    /** @return one that keeps no requests, for long runs that measure memory */
    static ContentEstimator forgetful(RoiScheme roi) {
        return new ContentEstimator(roi, ContentEstimator::asymmetry, false);
    }

    /** 120 months plus the brightness differences top-bottom and left-right: different for every orientation. */
    static double asymmetry(GreyImage image) {
        double top = 0;
        double left = 0;
        double sum = 0;
        for (int y = 0; y < image.height(); y++) {
            for (int x = 0; x < image.width(); x++) {
                double v = image.get(x, y);
                sum += v;
                top += y < image.height() / 2 ? v : 0;
                left += x < image.width() / 2 ? v : 0;
            }
        }
        double n = Math.max(1, sum);
        return 120 + 60 * (2 * top / n - 1) + 30 * (2 * left / n - 1) + 20 * sum / ((double) image.maxValue() * image.width() * image.height());
    }

    @Override
    public BoneAgeEstimate estimate(EstimationRequest request) {
        if (recording) {
            requests.add(request);
        }
        GreyImage image = request.image();
        return new BoneAgeEstimate(request.sourceId(), months.applyAsDouble(image), request.sex(), roi,
                Roi.whole(image.width(), image.height()), MODEL);
    }

    @Override
    public Optional<RoiScheme> roiScheme() {
        return Optional.of(roi);
    }

    @Override
    public ModelInfo model() {
        return MODEL;
    }

    @Override
    public void close() {
    }
}

package io.github.boneage.clinical.explain;

import io.github.boneage.core.BoneAgeEstimate;
import io.github.boneage.core.BoneAgeEstimator;
import io.github.boneage.core.EstimationRequest;
import io.github.boneage.core.ModelInfo;
import io.github.boneage.core.ModelProvenance;
import io.github.boneage.core.Roi;
import io.github.boneage.core.RoiScheme;

/**
 * A deterministic test estimator that only reads one rectangle of the image: its "bone age" is a linear function of
 * the rectangle's mean brightness, and it reports a given ROI as the part of the image it saw.
 */
final class RegionReadingEstimator implements BoneAgeEstimator {

    private static final ModelInfo MODEL = new ModelInfo("region-reader", "test", "r1", ModelProvenance.unknown());

    private final Roi region;
    private final Roi reportedRoi;
    private final RoiScheme scheme;

    RegionReadingEstimator(Roi region, Roi reportedRoi, RoiScheme scheme) {
        this.region = region;
        this.reportedRoi = reportedRoi;
        this.scheme = scheme;
    }

    @Override
    public BoneAgeEstimate estimate(EstimationRequest request) {
        long sum = 0;
        for (int y = region.y(); y < region.maxY(); y++) {
            for (int x = region.x(); x < region.maxX(); x++) {
                sum += request.image().get(x, y);
            }
        }
        double mean = (double) sum / ((long) region.width() * region.height()) / request.image().maxValue();
        return new BoneAgeEstimate(request.sourceId(), 240 * mean, request.sex(), scheme, reportedRoi, MODEL);
    }

    @Override
    public ModelInfo model() {
        return MODEL;
    }

    @Override
    public void close() {
    }
}

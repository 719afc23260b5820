package io.github.boneage.pipeline;

import io.github.boneage.core.HandLandmarks;
import io.github.boneage.core.ReferencePoint;
import io.github.boneage.core.landmarks.LandmarkDetection;
import io.github.boneage.core.landmarks.QualityVerdict;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;

/** Landmark readings for tests that script what a detector answers. */
final class ScriptedReadings {

    private ScriptedReadings() {
    }

    /**
     * @param points the points to answer with
     * @return a passed reading of them, every point at confidence 0.9, not inverted
     */
    static LandmarkDetection passed(HandLandmarks points) {
        Map<ReferencePoint, Double> conf = new EnumMap<>(ReferencePoint.class);
        for (ReferencePoint rp : ReferencePoint.values()) {
            conf.put(rp, 0.9);
        }
        return new LandmarkDetection(QualityVerdict.OK, "scripted learned reading", Optional.of(points), conf, 0.9, false);
    }
}

package io.github.boneage.preprocess.landmarks;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.boneage.core.HandLandmarks;
import io.github.boneage.core.image.GreyImage;
import io.github.boneage.core.landmarks.LandmarkDetection;
import io.github.boneage.core.testing.SharedData;
import io.github.boneage.preprocess.io.ImageDecoder;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Accuracy on the 64 held-out annotated real radiographs of {@link KoitkaSplit}, which the point model never saw.
 * The thresholds sit just below the figures measured in docs/landmarks.md, so that a regression fails the test.
 */
@Tag("data")
class ClassicalLandmarkDetectorDataTest {

    @Test
    void heldOutRealRadiographs() throws IOException {
        Path csv = SharedData.require("data/landmarks/koitka-train-299.csv");
        Path images = SharedData.require("data/rsna-299/images");
        KoitkaSplit split = KoitkaSplit.load(csv);
        ClassicalLandmarkDetector detector = ClassicalLandmarkDetector.builder().build();
        ImageDecoder decoder = ImageDecoder.create();
        LandmarkAccuracy accuracy = new LandmarkAccuracy();
        for (String id : split.heldOut) {
            GreyImage image = decoder.decode(images.resolve(id + ".jpg"));
            LandmarkDetection d = detector.detect(image, id);
            HandLandmarks truth = split.table.get(id).orElseThrow();
            if (d.ok()) {
                accuracy.add(d.landmarks().orElseThrow(), truth, image.width(), image.height());
            } else {
                accuracy.failed();
            }
        }
        assertThat(split.heldOut).hasSize(64);
        assertThat(accuracy.successRate()).as(accuracy.toString()).isGreaterThanOrEqualTo(0.90);
        assertThat(accuracy.medianPointError()).as(accuracy.toString()).isLessThanOrEqualTo(5.0);
        assertThat(accuracy.medianRoi1Iou()).as(accuracy.toString()).isGreaterThanOrEqualTo(0.85);
    }
}

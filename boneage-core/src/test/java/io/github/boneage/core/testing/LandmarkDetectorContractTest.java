package io.github.boneage.core.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.boneage.core.image.GreyImage;
import io.github.boneage.core.image.GreyImage8;
import io.github.boneage.core.landmarks.LandmarkDetection;
import io.github.boneage.core.landmarks.LandmarkDetector;
import io.github.boneage.core.landmarks.QualityVerdict;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * The contract every {@link LandmarkDetector} fulfils. Each implementation's test extends this class and supplies the
 * detector and one radiograph-like image of a single upright hand that it must accept.
 */
public abstract class LandmarkDetectorContractTest {

    /** @return the detector under test; may return the same shared instance every time */
    protected abstract LandmarkDetector detector();

    /** @return an image of one hand that the detector must pass with {@link QualityVerdict#OK} */
    protected abstract GreyImage handImage();

    @Test
    void acceptsAHandWithPointsInsideTheImage() {
        GreyImage image = handImage();
        LandmarkDetection d = detector().detect(image, "hand");
        assertThat(d.verdict()).as(d.reason()).isEqualTo(QualityVerdict.OK);
        assertThat(d.landmarks()).isPresent();
        assertThat(d.landmarks().get().firstPointOutside(image.width(), image.height())).isEmpty();
        assertThat(d.confidence()).isBetween(0.0, 1.0);
        assertThat(d.reason()).isNotBlank();
    }

    @Test
    void rejectsABlankImageWithoutPoints() {
        LandmarkDetection d = detector().detect(new GreyImage8(300, 400), "blank");
        assertThat(d.ok()).isFalse();
        assertThat(d.verdict()).isEqualTo(QualityVerdict.NO_HAND);
        assertThat(d.landmarks()).isEmpty();
        assertThat(d.reason()).isNotBlank();
    }

    @Test
    void reportsATinyImageAsAVerdictInsteadOfThrowing() {
        LandmarkDetection d = detector().detect(new GreyImage8(3, 2), "tiny");
        assertThat(d.ok()).isFalse();
        assertThat(d.reason()).isNotBlank();
    }

    @Test
    void isDeterministicAndThreadSafe() {
        GreyImage image = handImage();
        LandmarkDetection first = detector().detect(image, "hand");
        List<LandmarkDetection> parallel = IntStream.range(0, 4).parallel()
                .mapToObj(i -> detector().detect(image, "hand")).toList();
        for (LandmarkDetection d : parallel) {
            assertThat(d).isEqualTo(first);
        }
    }
}

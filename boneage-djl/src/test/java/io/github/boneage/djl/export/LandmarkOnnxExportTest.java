package io.github.boneage.djl.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.boneage.core.Finger;
import io.github.boneage.core.HandLandmarks;
import io.github.boneage.core.Point;
import io.github.boneage.core.ReferencePoint;
import io.github.boneage.core.image.GreyImage;
import io.github.boneage.core.landmarks.HandMask;
import io.github.boneage.core.landmarks.LandmarkDetection;
import io.github.boneage.djl.landmarks.LandmarkBundle;
import io.github.boneage.djl.landmarks.LearnedLandmarkDetector;
import io.github.boneage.synthetic.SyntheticHandGenerator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Exports the shipped learned landmark model to ONNX and runs {@link LearnedLandmarkDetector} on both bundles: the
 * same verdicts, every point within 0.5 px (image pixels, stricter than 0.5 heatmap cells), the same confidences and
 * the same hand mask (every cell within 1e-3).
 */
class LandmarkOnnxExportTest {

    private static final Logger LOG = LoggerFactory.getLogger(LandmarkOnnxExportTest.class);
    static final Path LANDMARKS = Path.of("../models/landmarks-pytorch");

    @TempDir
    Path temp;

    @Test
    void onnxLandmarkDetectorMatchesPyTorch() throws IOException {
        LandmarkBundle exported = OnnxExport.exportLandmarks(LANDMARKS, temp.resolve("landmarks-onnx"));
        LandmarkBundle source = LandmarkBundle.load(LANDMARKS);
        assertThat(exported.engine()).isEqualTo("OnnxRuntime");
        assertThat(exported.weights()).isEqualTo("landmarks.onnx");
        assertThat(exported.spec()).isEqualTo(source.spec());
        assertThat(exported.sigma()).isEqualTo(source.sigma());
        assertThat(exported.provenance()).containsEntry("exportedFrom.sha256", source.sha256())
                .containsAllEntriesOf(source.provenance());
        assertThat(Files.readString(temp.resolve("landmarks-onnx/landmark-model.json"))).contains("\"engine\" : \"OnnxRuntime\"");

        double max = 0;
        float maxMask = 0;
        int points = 0;
        try (LearnedLandmarkDetector torch = LearnedLandmarkDetector.builder().setBundle(LANDMARKS).build();
                LearnedLandmarkDetector ort = LearnedLandmarkDetector.builder().setBundle(exported.folder()).build()) {
            SyntheticHandGenerator generator = SyntheticHandGenerator.builder().setSeed(515151).optImageSize(300, 380).build();
            for (long i = 0; i < 6; i++) {
                GreyImage image = generator.generate(i).image();
                LandmarkDetection a = torch.detectLearned(image, "hand-" + i);
                LandmarkDetection b = ort.detectLearned(image, "hand-" + i);
                assertThat(b.verdict()).as("hand %d: %s / %s", i, a.reason(), b.reason()).isEqualTo(a.verdict());
                assertThat(b.landmarks().isPresent()).isEqualTo(a.landmarks().isPresent());
                if (a.landmarks().isEmpty()) {
                    continue;
                }
                HandLandmarks pa = a.landmarks().get();
                HandLandmarks pb = b.landmarks().get();
                for (ReferencePoint r : ReferencePoint.values()) {
                    double d = distance(pa.point(r), pb.point(r));
                    max = Math.max(max, d);
                    points++;
                    assertThat(d).as("hand %d %s", i, r).isLessThanOrEqualTo(0.5);
                    assertThat(b.pointConfidence().get(r)).isCloseTo(a.pointConfidence().get(r),
                            org.assertj.core.data.Offset.offset(1e-3));
                }
                assertThat(b.handMask().isPresent()).isEqualTo(source.spec().maskHead());
                if (a.handMask().isPresent()) {
                    HandMask ma = a.handMask().get();
                    HandMask mb = b.handMask().get();
                    assertThat(mb.gridWidth()).isEqualTo(ma.gridWidth());
                    assertThat(mb.gridHeight()).isEqualTo(ma.gridHeight());
                    for (int y = 0; y < ma.gridHeight(); y++) {
                        for (int x = 0; x < ma.gridWidth(); x++) {
                            float d = Math.abs(ma.cell(x, y) - mb.cell(x, y));
                            maxMask = Math.max(maxMask, d);
                            assertThat(d).as("hand %d mask cell %d,%d", i, x, y).isLessThanOrEqualTo(1e-3f);
                        }
                    }
                }
                assertThat(pb.fingertips().keySet()).isEqualTo(pa.fingertips().keySet());
                for (Finger f : pa.fingertips().keySet()) {
                    double d = distance(pa.fingertip(f).orElseThrow(), pb.fingertip(f).orElseThrow());
                    max = Math.max(max, d);
                    points++;
                    assertThat(d).as("hand %d tip %s", i, f).isLessThanOrEqualTo(0.5);
                }
            }
        }
        assertThat(points).isGreaterThan(0);
        LOG.info("learned landmarks, ONNX Runtime vs PyTorch: {} points, max distance {} px; hand mask max difference {}",
                points, max, maxMask);
    }

    @Test
    void onnxLandmarkBundleIsNotExportedAgain() {
        Path once = temp.resolve("once");
        OnnxExport.exportLandmarks(LANDMARKS, once);
        assertThatThrownBy(() -> OnnxExport.exportLandmarks(once, temp.resolve("twice")))
                .isInstanceOf(UnsupportedExportException.class)
                .hasMessageContaining("already ONNX");
    }

    private static double distance(Point a, Point b) {
        return Math.hypot(a.x() - b.x(), a.y() - b.y());
    }
}

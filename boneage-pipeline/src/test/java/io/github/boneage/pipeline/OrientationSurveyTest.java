package io.github.boneage.pipeline;

import io.github.boneage.core.EstimationRequest;
import io.github.boneage.core.HandLandmarks;
import io.github.boneage.core.Point;
import io.github.boneage.core.ReferencePoint;
import io.github.boneage.core.dataset.DatasetSplit;
import io.github.boneage.core.dataset.RsnaDataset;
import io.github.boneage.core.dataset.Sample;
import io.github.boneage.core.image.GreyImage;
import io.github.boneage.core.landmarks.LandmarkDetection;
import io.github.boneage.core.testing.SharedData;
import io.github.boneage.djl.DjlBoneAgeEstimator;
import io.github.boneage.preprocess.io.ImageDecoder;
import io.github.boneage.preprocess.landmarks.ClassicalLandmarkDetector;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Survey (temporary): detector orientation cues and model mirror sensitivity on held-out radiographs. */
class OrientationSurveyTest {
    private static final Path BUNDLE = Paths.get("..", "models", "default").toAbsolutePath().normalize();

    @Test
    @Tag("benchmark")
    void survey() throws java.io.IOException {
        Path data = SharedData.require("data/rsna-299");
        RsnaDataset dataset = RsnaDataset.builder().setFolder(data).build();
        List<String> ids = DatasetSplit.readIds(BUNDLE.resolve("held-out-ids.txt")).stream().sorted().limit(Integer.getInteger("n", 150)).toList();
        ImageDecoder decoder = ImageDecoder.create();
        ClassicalLandmarkDetector det = ClassicalLandmarkDetector.builder().build();
        try (DjlBoneAgeEstimator model = DjlBoneAgeEstimator.builder().setBundle(BUNDLE).build()) {
            for (String id : ids) {
                Sample s = dataset.sample(id).orElseThrow();
                GreyImage img = decoder.decode(s.image());
                StringBuilder line = new StringBuilder(id);
                for (int t = 0; t < 4; t++) {
                    for (boolean m : new boolean[] {false, true}) {
                        for (boolean inv : new boolean[] {false, true}) {
                            if (inv && (t != 0 || m)) continue;
                            Orientation o = new Orientation(t, m, inv);
                            GreyImage x = o.apply(img);
                            LandmarkDetection d = det.detect(x, id);
                            String angle = "-";
                            String thumb = "-";
                            if (d.landmarks().isPresent()) {
                                HandLandmarks lm = d.landmarks().get();
                                Point f = lm.fingerCentre();
                                Point w = lm.wristCentre();
                                angle = String.format(Locale.ROOT, "%.0f", Math.toDegrees(Math.atan2(f.x() - w.x(), -(f.y() - w.y()))));
                                // thumb side: sign of cross product of up vector with thumb-little vector
                                Point th = lm.point(ReferencePoint.THUMB);
                                Point li = lm.point(ReferencePoint.LITTLE);
                                double ux = f.x() - w.x(), uy = f.y() - w.y();
                                double vx = th.x() - li.x(), vy = th.y() - li.y();
                                thumb = (ux * vy - uy * vx) < 0 ? "R" : "L";
                            }
                            line.append(String.format(Locale.ROOT, " | t%d%s%s %s %s %s %s", t, m ? "m" : "", inv ? "i" : "",
                                    d.verdict().name().substring(0, 2), d.invertedCorrected() ? "INV" : "inv-", angle, thumb));
                        }
                    }
                }
                double a = model.estimate(EstimationRequest.builder().setImage(img).optSex(s.sex()).build()).months();
                double b = model.estimate(EstimationRequest.builder().setImage(Orientation.mirror(img)).optSex(s.sex()).build()).months();
                line.append(String.format(Locale.ROOT, " || est %.1f mirror %.1f diff %.1f truth %.0f", a, b, b - a, s.boneAgeMonths()));
                System.out.println("SURVEY " + line);
            }
        }
    }
}

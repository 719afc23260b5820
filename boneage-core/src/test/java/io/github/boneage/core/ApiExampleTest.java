package io.github.boneage.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.boneage.core.dataset.DatasetSplit;
import io.github.boneage.core.dataset.PerSexCountSplit;
import io.github.boneage.core.dataset.RsnaDataset;
import io.github.boneage.core.dataset.Sample;
import io.github.boneage.core.image.GreyImage;
import io.github.boneage.core.image.GreyImage8;
import io.github.boneage.core.landmarks.LandmarksCsv;
import io.github.boneage.core.landmarks.LandmarksTable;
import io.github.boneage.core.metrics.MetricsAccumulator;
import io.github.boneage.core.metrics.MetricsReport;
import io.github.boneage.core.testing.TestHands;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs the example of docs/api.md on a generated dataset with a stand-in estimator, so that the example compiles. */
class ApiExampleTest {

    private static final int SIZE = 299;

    @TempDir
    Path dir;

    /** A stand-in for a real model: reads the age the test encoded into the top-left pixel. */
    private static BoneAgeEstimator openEstimator() {
        ModelInfo info = new ModelInfo("stand-in", "none", "unknown", ModelProvenance.unknown());
        return new BoneAgeEstimator() {
            @Override
            public BoneAgeEstimate estimate(EstimationRequest request) {
                RoiScheme scheme = request.landmarks().isPresent() ? RoiScheme.ROI1 : RoiScheme.WHOLE;
                GreyImage img = request.image();
                Roi roi = scheme.region(img.width(), img.height(), request.landmarks().orElse(null));
                return new BoneAgeEstimate(request.sourceId(), img.get(0, 0) + 3, request.sex(), scheme, roi, info);
            }

            @Override
            public ModelInfo model() {
                return info;
            }

            @Override
            public void close() {
            }
        };
    }

    private static GreyImage readImage(Path file) {
        GreyImage8 img = new GreyImage8(SIZE, SIZE);
        img.set(0, 0, Integer.parseInt(file.getFileName().toString().replace(".jpg", "")) % 200);
        return img;
    }

    @Test
    void theApiExampleRuns() throws IOException {
        Path folder = Files.createDirectories(dir.resolve("rsna"));
        Path images = Files.createDirectories(folder.resolve("images"));
        StringBuilder labels = new StringBuilder("id,boneage,male\n");
        for (int id = 1000; id < 3900; id++) {
            labels.append(id).append(',').append(id % 200).append(',').append(id % 2 == 0 ? "True" : "False").append('\n');
            Files.createFile(images.resolve(id + ".jpg"));
        }
        Files.writeString(folder.resolve(RsnaDataset.TRAINING_LABELS), labels);
        Path landmarksFile = dir.resolve("landmarks.csv");
        LandmarksCsv.write(LandmarksTable.of("generated", Map.of("1000",
                TestHands.upright().scaled(0.45, 0.5))), landmarksFile);
        Path validationIds = dir.resolve("validation-ids.txt");

        // --- the example of docs/api.md, with the paths of this test ---
        LandmarksTable landmarks = LandmarksCsv.read(landmarksFile);
        RsnaDataset dataset = RsnaDataset.builder()
                .setFolder(folder)
                .optLandmarks(landmarks)
                .build();

        DatasetSplit split = PerSexCountSplit.paper2020(2020).split(dataset.samples());
        split.writeValidationIds(validationIds);

        MetricsAccumulator metrics = new MetricsAccumulator();
        try (BoneAgeEstimator estimator = openEstimator()) {
            for (Sample sample : split.validation()) {
                GreyImage image = readImage(sample.image());
                EstimationRequest request = EstimationRequest.builder()
                        .setImage(image)
                        .optSourceId(sample.id())
                        .optSex(sample.sex())
                        .optLandmarks(sample.landmarksForImage(image.width(), image.height()).orElse(null))
                        .build();
                BoneAgeEstimate estimate = estimator.estimate(request);
                metrics.add(sample.boneAgeMonths(), estimate.months(), sample.sex());
            }
        }
        MetricsReport report = metrics.report();
        // --- end of the example ---

        assertThat(report.overall().n()).isEqualTo(800);
        assertThat(report.overall().mad()).isEqualTo(3.0);
        assertThat(report.forSex(Sex.MALE).orElseThrow().n()).isEqualTo(400);
        assertThat(report.summary()).startsWith("all     n=800 MAD=3.00");
        DatasetSplit.checkHeldOut(split.validationIds(), DatasetSplit.readIds(validationIds), validationIds.toString());
    }
}

package io.github.boneage.cli;

import io.github.boneage.core.BoneAgeException;
import io.github.boneage.core.HandLandmarks;
import io.github.boneage.core.dataset.DatasetSplit;
import io.github.boneage.core.dataset.Sample;
import io.github.boneage.core.image.GreyImage;
import io.github.boneage.core.landmarks.LandmarkDetection;
import io.github.boneage.core.landmarks.LandmarkDetector;
import io.github.boneage.core.landmarks.LandmarksTable;
import io.github.boneage.preprocess.io.ImageDecoder;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code --landmarks auto} for training commands: detected points attached to the samples of a split. */
final class AutoLandmarks {

    private AutoLandmarks() {
    }

    /**
     * Runs the detector on every image of the split; images its quality gate rejects are left out and reported.
     *
     * @param split    the split, already limited to the images to use
     * @param detector the detector
     * @param problems receives one line per image left out, naming the file and the verdict
     * @return the split with detected landmarks on every remaining sample
     */
    static DatasetSplit attach(DatasetSplit split, LandmarkDetector detector, List<String> problems) {
        ImageDecoder decoder = ImageDecoder.create();
        Map<String, HandLandmarks> found = new LinkedHashMap<>();
        List<Sample> all = new ArrayList<>(split.train());
        all.addAll(split.validation());
        for (Sample s : all) {
            try {
                GreyImage image = decoder.decode(s.image());
                LandmarkDetection d = detector.detect(image, s.image().toString());
                if (d.ok()) {
                    found.put(s.id(), d.landmarks().orElseThrow());
                } else {
                    problems.add(s.image() + ": no automatic landmarks (" + d.verdict() + ": " + d.reason() + ")");
                }
            } catch (BoneAgeException | UncheckedIOException e) {
                problems.add(s.image() + ": " + e.getMessage());
            }
        }
        LandmarksTable table = LandmarksTable.of("automatic landmarks", found);
        List<Sample> train = split.train().stream().filter(s -> found.containsKey(s.id())).map(s -> s.withLandmarks(table)).toList();
        List<Sample> validation = split.validation().stream().filter(s -> found.containsKey(s.id())).map(s -> s.withLandmarks(table))
                .toList();
        return new DatasetSplit(train, validation, split.description() + "; images whose landmarks were detected", split.manifestFields());
    }
}

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
        List<Sample> all = new ArrayList<>(split.train());
        all.addAll(split.validation());
        LandmarksTable table = detect(all, detector, problems, true);
        List<Sample> train = split.train().stream().filter(s -> table.get(s.id()).isPresent()).map(s -> s.withLandmarks(table))
                .toList();
        List<Sample> validation = split.validation().stream().filter(s -> table.get(s.id()).isPresent())
                .map(s -> s.withLandmarks(table)).toList();
        return new DatasetSplit(train, validation, split.description() + "; images whose landmarks were detected", split.manifestFields());
    }

    /**
     * Runs the detector on every sample and keeps them all: those whose points it located carry them, the others
     * none (for an ensemble, whose whole-image members estimate those).
     *
     * @param samples  the samples
     * @param detector the detector
     * @param problems receives one line per image that could not be read
     * @return the samples, in order
     */
    static List<Sample> withDetectedPoints(List<Sample> samples, LandmarkDetector detector, List<String> problems) {
        LandmarksTable table = detect(samples, detector, problems, false);
        return samples.stream().map(s -> table.get(s.id()).isPresent() ? s.withLandmarks(table) : s).toList();
    }

    /**
     * @param reportRefusals whether an image the detector does not pass is a problem too (it is when it is left out)
     * @return the points of the images the detector passes
     */
    private static LandmarksTable detect(List<Sample> samples, LandmarkDetector detector, List<String> problems,
            boolean reportRefusals) {
        ImageDecoder decoder = ImageDecoder.create();
        Map<String, HandLandmarks> found = new LinkedHashMap<>();
        for (Sample s : samples) {
            try {
                GreyImage image = decoder.decode(s.image());
                LandmarkDetection d = detector.detect(image, s.image().toString());
                if (d.ok()) {
                    found.put(s.id(), d.landmarks().orElseThrow());
                } else if (reportRefusals) {
                    problems.add(s.image() + ": no automatic landmarks (" + d.verdict() + ": " + d.reason() + ")");
                }
            } catch (BoneAgeException | UncheckedIOException e) {
                problems.add(s.image() + ": " + e.getMessage());
            }
        }
        return LandmarksTable.of("automatic landmarks", found);
    }
}

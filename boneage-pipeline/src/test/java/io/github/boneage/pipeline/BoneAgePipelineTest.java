package io.github.boneage.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.github.boneage.core.BoneAgeEstimate;
import io.github.boneage.core.BoneAgeEstimator;
import io.github.boneage.core.BoneAgeException;
import io.github.boneage.core.EnsembleEstimator;
import io.github.boneage.core.EstimationRequest;
import io.github.boneage.core.HandLandmarks;
import io.github.boneage.core.ImplausibleEstimateException;
import io.github.boneage.core.ModelInfo;
import io.github.boneage.core.ModelProvenance;
import io.github.boneage.core.ReferencePoint;
import io.github.boneage.core.Roi;
import io.github.boneage.core.RoiScheme;
import io.github.boneage.core.Sex;
import io.github.boneage.core.image.GreyImage;
import io.github.boneage.core.image.GreyImage8;
import io.github.boneage.core.landmarks.LandmarkDetection;
import io.github.boneage.core.landmarks.LandmarkDetector;
import io.github.boneage.core.landmarks.QualityVerdict;
import io.github.boneage.pipeline.GateCheck.Check;
import io.github.boneage.pipeline.GateCheck.Outcome;
import io.github.boneage.pipeline.impl.PointPolarityTest;
import io.github.boneage.preprocess.landmarks.ClassicalLandmarkDetector;
import io.github.boneage.synthetic.SyntheticHand;
import io.github.boneage.synthetic.SyntheticHandGenerator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BoneAgePipelineTest {

    private static final SyntheticHandGenerator HANDS = SyntheticHandGenerator.builder().setSeed(20261205L).build();

    private static BoneAgePipeline pipeline(ContentEstimator estimator) {
        return BoneAgePipeline.builder().setEstimator(estimator).build();
    }

    private static PipelineInput input(GreyImage image, String id) {
        return PipelineInput.builder().setImage(image).optSourceId(id).optSex(Sex.FEMALE, "test").build();
    }

    private static List<Orientation> everyWayRound() {
        List<Orientation> all = new ArrayList<>();
        for (int turns = 0; turns < 4; turns++) {
            for (boolean mirror : new boolean[] {false, true}) {
                for (boolean invert : new boolean[] {false, true}) {
                    all.add(new Orientation(turns, mirror, invert));
                }
            }
        }
        return all;
    }

    /**
     * Quarter turns, mirrors and inversion are undone losslessly, so every way round gets the upright estimate exactly
     * when no straightening resamples the image (the bound at 45°): the detector's tilt readings of a hand and of its
     * mirror image differ by a few degrees, and so would their straightening turns.
     */
    @Test
    void everyQuarterTurnMirrorAndInversionGetsTheUprightEstimateExactly() {
        BoneAgePipeline pipeline = BoneAgePipeline.builder().setEstimator(new ContentEstimator(RoiScheme.WHOLE))
                .optStraightenBeyondDegrees(45).build();
        for (long index = 0; index < 3; index++) {
            GreyImage hand = HANDS.generate(index).image();
            PipelineResult upright = pipeline.run(input(hand, "hand-" + index));
            assertThat(upright.isSuccess()).as("%s", upright).isTrue();
            double months = upright.report().orElseThrow().estimate().months();
            for (Orientation o : everyWayRound()) {
                PipelineResult r = pipeline.run(input(o.apply(hand), "hand-" + index + " " + o.describe()));
                assertThat(r.isSuccess()).as("%s", r).isTrue();
                assertThat(r.report().orElseThrow().estimate().months()).as("%s", o.describe()).isEqualTo(months);
                Orientation undone = r.orientation().orElseThrow();
                assertThat(undone.inverted()).isEqualTo(o.inverted());
                // Turned back by quarter turns only: a mirror is left to the mirror-image averaging.
                assertThat(undone.mirrored()).isFalse();
                assertThat((o.quarterTurnsClockwise() + undone.quarterTurnsClockwise()) % 2).as("%s", o.describe())
                        .isZero();
                if (o.quarterTurnsClockwise() != 0) {
                    assertThat(r.gate()).filteredOn(c -> c.check() == Check.ORIENTATION).extracting(GateCheck::outcome)
                            .containsExactly(Outcome.CORRECTED);
                    assertThat(r.report().orElseThrow().warnings()).anyMatch(w -> w.contains("clockwise before estimation"));
                }
            }
        }
    }

    /**
     * A hand lying 25-35 degrees from up is straightened (the default) every way round: its tilt is read on the image and
     * on its mirror image and averaged, so a mirrored copy is turned the opposite way by the same angle and every way
     * round gets nearly the estimate of the hand as generated.
     */
    @Test
    void withStraighteningEveryWayRoundGetsNearlyTheSameEstimate() {
        SyntheticHandGenerator tilted = SyntheticHandGenerator.builder().setSeed(20261207L).optRotationRange(25, 35)
                .build();
        BoneAgePipeline pipeline = pipeline(new ContentEstimator(RoiScheme.WHOLE));
        for (long index = 0; index < 3; index++) {
            GreyImage hand = tilted.generate(index).image();
            double months = pipeline.run(input(hand, "hand-" + index)).report().orElseThrow().estimate().months();
            for (Orientation o : everyWayRound()) {
                PipelineResult r = pipeline.run(input(o.apply(hand), "hand-" + index + " " + o.describe()));
                assertThat(r.isSuccess()).as("%s", r).isTrue();
                assertThat(r.gate()).filteredOn(c -> c.check() == Check.ORIENTATION).singleElement()
                        .satisfies(c -> assertThat(c.detail()).as(o.describe()).contains("straightened: the fingers lay"));
                assertThat(r.report().orElseThrow().estimate().months()).as("%s", o.describe()).isCloseTo(months, within(1.0));
            }
        }
    }

    /**
     * A hand lying 50-60 degrees from up is turned back by the quarter turn that brings its fingers nearest to up (the
     * turned image must read upright on its own, so the turn is never a guess), and then, lying 30-40 degrees from up,
     * straightened by the excess over the bound: the learned detector reads the straightened image within a few degrees
     * of the bound.
     */
    @Test
    void aHandTiltedBeyondFortyFiveDegreesIsTurnedBackAndStraightened() {
        SyntheticHandGenerator diagonal = SyntheticHandGenerator.builder().setSeed(20261206L).optRotationRange(-60, -50)
                .build();
        BoneAgePipeline pipeline = pipeline(new ContentEstimator(RoiScheme.WHOLE));
        for (long index = 0; index < 3; index++) {
            PipelineResult r = pipeline.run(input(diagonal.generate(index).image(), "diagonal-" + index));
            assertThat(r.isSuccess()).as("%s", r).isTrue();
            assertThat(r.orientation().orElseThrow().quarterTurnsClockwise()).as("%s", r).isIn(1, 3);
            GateCheck orientation = r.gate().stream().filter(c -> c.check() == Check.ORIENTATION).findFirst().orElseThrow();
            assertThat(orientation.outcome()).isEqualTo(Outcome.CORRECTED);
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("fingers point (-?\\d+)° from up")
                    .matcher(orientation.detail());
            assertThat(m.find()).as(orientation.detail()).isTrue();
            assertThat(Math.abs(Integer.parseInt(m.group(1)))).as(orientation.detail())
                    .isLessThanOrEqualTo((int) BoneAgePipeline.DEFAULT_STRAIGHTEN_BEYOND_DEGREES + 5);
            assertThat(orientation.detail()).contains("turned 1 quarter turn", "straightened: the fingers lay");
        }
    }

    /**
     * A film inside a bright unexposed frame: the grey-scale statistic, which reads the border, calls it inverted; the bone at the learned detector's points says otherwise, and wins both ways round.
     */
    @Test
    void aHandInABrightFrameIsReadWithThePolarityItsBonesShow() {
        GreyImage hand = HANDS.generate(5L).image();
        GreyImage framed = PointPolarityTest.inBrightFrame(hand, hand.width() / 4, hand.height() / 4);
        BoneAgePipeline pipeline = pipeline(new ContentEstimator(RoiScheme.WHOLE));
        for (boolean invert : new boolean[] {false, true}) {
            GreyImage image = invert ? Orientation.invert(framed) : framed;
            PipelineResult r = pipeline.run(input(image, "framed" + (invert ? " inverted" : "")));
            assertThat(r.isSuccess()).as("%s", r).isTrue();
            assertThat(r.orientation().orElseThrow().inverted()).as("read inverted").isEqualTo(invert);
            assertThat(r.gate()).filteredOn(c -> c.check() == Check.INVERSION).extracting(GateCheck::detail)
                    .singleElement().asString().contains("the bone at the located points is brighter");
        }
    }

    @Test
    void anUprightHandPassesEveryCheckAndItsReportSaysSo() {
        PipelineResult r = pipeline(new ContentEstimator(RoiScheme.WHOLE)).run(input(HANDS.generate(7L).image(), "h"));
        assertThat(r.isSuccess()).as("%s", r).isTrue();
        assertThat(r.gate()).extracting(GateCheck::check).containsExactly(Check.SIZE, Check.INVERSION, Check.HAND,
                Check.ORIENTATION, Check.LANDMARKS, Check.BONE_STRUCTURE);
        assertThat(r.gate()).filteredOn(c -> c.check() == Check.LANDMARKS).extracting(GateCheck::outcome)
                .containsExactly(Outcome.SKIPPED);
        assertThat(r.report().orElseThrow().quality()).contains(QualityVerdict.OK);
        assertThat(r.report().orElseThrow().qualityReason().orElseThrow()).contains("orientation");
        // The default (learned) detector's hand mask comes through, over the image as estimated.
        GreyImage image = HANDS.generate(7L).image();
        var mask = r.detection().orElseThrow().handMask().orElseThrow();
        assertThat(mask.imageWidth()).isEqualTo(image.width());
        assertThat(mask.imageHeight()).isEqualTo(image.height());
        assertThat(mask.areaFraction()).isGreaterThan(0.05);
        assertThat(r.report().orElseThrow().handMask()).contains(mask);
    }

    @Test
    void givenLandmarksReachTheModelAndAreMirroredWithTheImage() {
        ContentEstimator model = new ContentEstimator(RoiScheme.ROI1);
        SyntheticHand hand = HANDS.generate(1L);
        GreyImage image = hand.image();
        PipelineResult r = pipeline(model).run(PipelineInput.builder().setImage(image).optLandmarks(hand.landmarks()).build());
        assertThat(r.isSuccess()).as("%s", r).isTrue();
        assertThat(model.requests).hasSize(2);
        assertThat(model.requests.get(0).landmarks()).contains(hand.landmarks());
        HandLandmarks mirrored = new Orientation(0, true, false).apply(hand.landmarks(), image.width(), image.height());
        HandLandmarks second = model.requests.get(1).landmarks().orElseThrow();
        for (ReferencePoint rp : ReferencePoint.values()) {
            assertThat(second.point(rp).x()).isCloseTo(mirrored.point(rp).x(), within(1e-9));
            assertThat(second.point(rp).y()).isCloseTo(mirrored.point(rp).y(), within(1e-9));
        }
    }

    @Test
    void anRoiModelGetsDetectedPointsAndAWholeImageModelNone() {
        ContentEstimator roi = new ContentEstimator(RoiScheme.ROI1);
        ContentEstimator whole = new ContentEstimator(RoiScheme.WHOLE);
        SyntheticHand hand = HANDS.generate(9L);
        assertThat(pipeline(roi).run(input(hand.image(), "roi")).isSuccess()).isTrue();
        assertThat(pipeline(whole).run(input(hand.image(), "whole")).isSuccess()).isTrue();
        HandLandmarks detected = roi.requests.get(0).landmarks().orElseThrow();
        // The synthetic hand's true points and the detected ones agree to within a fifth of the hand's size: the
        // detector's point model was fitted to the Koitka definitions, about a tenth of a hand from the generator's
        // (docs/landmarks.md), so a wrong-hand or wrong-axis placement shows, a definitional offset does not.
        for (ReferencePoint rp : ReferencePoint.values()) {
            assertThat(detected.point(rp).distanceTo(hand.landmarks().point(rp)))
                    .as("%s", rp).isLessThan(0.2 * hand.landmarks().handSize());
        }
        assertThat(whole.requests.get(0).landmarks()).isEmpty();
    }

    @Test
    void anEnsembleGetsReliablePointsForItsRegionMembersAndFallsBackToItsWholeImageMembersWithoutThem() {
        ContentEstimator whole = new ContentEstimator(RoiScheme.WHOLE);
        ContentEstimator roi = new ContentEstimator(RoiScheme.ROI1, image -> 100);
        SyntheticHand hand = HANDS.generate(9L);
        try (EnsembleEstimator ensemble = EnsembleEstimator.builder().addMember(whole, 1).addMember(roi, 1).build()) {
            PipelineResult gated = BoneAgePipeline.builder().setEstimator(ensemble).build().run(input(hand.image(), "e"));
            assertThat(gated.isSuccess()).as("%s", gated).isTrue();
            assertThat(roi.requests).isNotEmpty().allSatisfy(r -> assertThat(r.landmarks()).isPresent());
            assertThat(gated.gate()).filteredOn(c -> c.check() == Check.LANDMARKS).extracting(GateCheck::outcome)
                    .containsExactly(Outcome.PASSED);
            assertThat(gated.report().orElseThrow().warnings()).noneMatch(w -> w.contains("region members"))
                    .noneMatch(w -> w.contains("not every part"));

            // A detector that finds no reliable points (gate off, so the pipeline asks it directly): no refusal, the
            // whole-image member alone, and the report says so.
            roi.requests.clear();
            LandmarkDetector unsure = (image, id) -> new LandmarkDetection(QualityVerdict.LOW_CONFIDENCE, "faint", Optional.empty(),
                    java.util.Map.of(), 0.1, false);
            PipelineResult fallback = BoneAgePipeline.builder().setEstimator(ensemble).optQualityGate(false)
                    .optLandmarkDetector(unsure).build().run(input(hand.image(), "f"));
            assertThat(fallback.isSuccess()).as("%s", fallback).isTrue();
            assertThat(roi.requests).isEmpty();
            assertThat(fallback.report().orElseThrow().estimate().roiScheme()).isEqualTo(RoiScheme.WHOLE);
            PipelineResult wholeAlone = BoneAgePipeline.builder().setEstimator(new ContentEstimator(RoiScheme.WHOLE))
                    .optQualityGate(false).build().run(input(hand.image(), "w"));
            assertThat(fallback.report().orElseThrow().estimate().months())
                    .isEqualTo(wholeAlone.report().orElseThrow().estimate().months());
            assertThat(fallback.report().orElseThrow().warnings()).anyMatch(w -> w.contains("region members did not run"))
                    .noneMatch(w -> w.contains("not every part"));
        }
    }

    /**
     * A region member reading just below birth on one of the two readings (the image or its mirror image) is left out
     * of that reading by the ensemble, and the pipeline's averaged result still names it.
     */
    @Test
    void aMemberLeftOutOfOneOfTheMirroredReadingsIsNamedInTheResult() {
        ContentEstimator whole = new ContentEstimator(RoiScheme.WHOLE, image -> 100);
        BoneAgeEstimator dipping = new BoneAgeEstimator() {
            private final ModelInfo info = new ModelInfo("dipping", "test", "d1", ModelProvenance.unknown());

            @Override
            public BoneAgeEstimate estimate(EstimationRequest request) {
                // Below birth on whichever of the two readings has the brighter left half: one of them, never both.
                double months = leftBrighter(request.image()) ? -5 : 110;
                if (!ImplausibleEstimateException.isPlausible(months)) {
                    throw new ImplausibleEstimateException(request.sourceId(), months, "dipping");
                }
                return new BoneAgeEstimate(request.sourceId(), months, request.sex(), RoiScheme.ROI1,
                        Roi.whole(request.image().width(), request.image().height()), info);
            }

            @Override
            public Optional<RoiScheme> roiScheme() {
                return Optional.of(RoiScheme.ROI1);
            }

            @Override
            public ModelInfo model() {
                return info;
            }

            @Override
            public void close() {
            }
        };
        SyntheticHand hand = HANDS.generate(9L);
        try (EnsembleEstimator ensemble = EnsembleEstimator.builder().optName("e").addMember(whole, 1).addMember(dipping, 1)
                .build()) {
            PipelineResult r = BoneAgePipeline.builder().setEstimator(ensemble).build().run(input(hand.image(), "d"));
            assertThat(r.isSuccess()).as("%s", r).isTrue();
            BoneAgeEstimate estimate = r.report().orElseThrow().estimate();
            // One reading is the whole member's 100 alone, the other the mean of 100 and 110.
            assertThat(estimate.months()).isCloseTo((100 + 105) / 2.0, within(1e-9));
            assertThat(estimate.model().name()).contains("(without dipping: it read -5.0 months, outside 0-240)")
                    .contains("[mirror image: ");
            assertThat(r.report().orElseThrow().warnings())
                    .anyMatch(w -> w.startsWith("not every part of the model took part") && w.contains("without dipping"));
        }
    }

    private static boolean leftBrighter(GreyImage image) {
        double left = 0;
        double right = 0;
        for (int y = 0; y < image.height(); y++) {
            for (int x = 0; x < image.width(); x++) {
                if (x < image.width() / 2) {
                    left += image.get(x, y);
                } else if (x >= image.width() - image.width() / 2) {
                    right += image.get(x, y);
                }
            }
        }
        return left > right;
    }

    @Test
    void aTinyImageIsRefusedForItsSize() {
        PipelineResult r = pipeline(new ContentEstimator(RoiScheme.WHOLE)).run(input(new GreyImage8(32, 32), "tiny"));
        assertThat(r.isSuccess()).isFalse();
        assertThat(r.gate()).containsExactly(new GateCheck(Check.SIZE, Outcome.REFUSED, r.gate().get(0).detail()));
        assertThat(r.refusal()).contains(QualityVerdict.NO_HAND);
        assertThat(r.error().orElseThrow().getMessage()).contains("tiny", "32x32");
    }

    @Test
    void aFlatSilhouetteWithNoBonesIsRefused() {
        GreyImage hand = HANDS.generate(2L).image();
        GreyImage8 silhouette = new GreyImage8(hand.width(), hand.height());
        Random noise = new Random(5);
        // The hand with its soft tissue: everything clearly above the background, as one flat grey level.
        int[] values = new int[hand.width() * hand.height()];
        for (int y = 0; y < hand.height(); y++) {
            for (int x = 0; x < hand.width(); x++) {
                values[y * hand.width() + x] = hand.get(x, y);
            }
        }
        int[] sorted = values.clone();
        java.util.Arrays.sort(sorted);
        int p5 = sorted[sorted.length / 20];
        double mean = p5 + 0.2 * (sorted[sorted.length * 19 / 20] - p5);
        for (int y = 0; y < hand.height(); y++) {
            for (int x = 0; x < hand.width(); x++) {
                silhouette.set(x, y, (hand.get(x, y) > mean ? 170 : 20) + noise.nextInt(5));
            }
        }
        PipelineResult r = pipeline(new ContentEstimator(RoiScheme.WHOLE)).run(input(silhouette, "silhouette"));
        assertThat(r.isSuccess()).as("%s %s", r, r.gate()).isFalse();
        assertThat(r.refusal()).contains(QualityVerdict.NO_BONE_STRUCTURE);
        System.out.println("flat silhouette: " + r.gate().get(r.gate().size() - 1).detail());
    }

    @Test
    void blankAndNoiseImagesAreRefused() {
        GreyImage8 blank = new GreyImage8(300, 300);
        byte[] bytes = new byte[300 * 300];
        new Random(9).nextBytes(bytes);
        BoneAgePipeline pipeline = pipeline(new ContentEstimator(RoiScheme.WHOLE));
        for (PipelineResult r : pipeline.runBatch(List.of(input(blank, "blank"), input(new GreyImage8(300, 300, bytes), "noise")))) {
            assertThat(r.isSuccess()).as("%s", r).isFalse();
            assertThat(r.refusal()).as("%s", r).isPresent();
        }
    }

    @Test
    void oneBadItemInABatchLeavesTheOthersEstimated(@TempDir Path dir) throws IOException {
        Path missing = dir.resolve("missing.png");
        Path text = Files.writeString(dir.resolve("text.png"), "not an image");
        List<PipelineInput> inputs = List.of(input(HANDS.generate(3L).image(), "good-1"), PipelineInput.ofFile(missing),
                PipelineInput.ofFile(text), PipelineInput.ofFile(dir), input(HANDS.generate(4L).image(), "good-2"));
        List<PipelineResult> results = pipeline(new ContentEstimator(RoiScheme.WHOLE)).runBatch(inputs);
        assertThat(results).extracting(PipelineResult::isSuccess).containsExactly(true, false, false, false, true);
        assertThat(results.get(1).error().orElseThrow().getMessage()).contains("missing.png", "no such file");
        assertThat(results.get(2).error().orElseThrow().getMessage()).contains("text.png");
        assertThat(results.get(3).error().orElseThrow().getMessage()).contains("not a regular file");
    }

    @Test
    void aFifoNamedLikeAnImageIsAnErrorNotAHang(@TempDir Path dir) throws Exception {
        Path fifo = dir.resolve("stuck.png");
        Process p;
        try {
            p = new ProcessBuilder("mkfifo", fifo.toString()).start();
        } catch (IOException e) {
            Assumptions.abort("mkfifo is not available here");
            return;
        }
        Assumptions.assumeTrue(p.waitFor() == 0, "mkfifo failed");
        BoneAgePipeline pipeline = pipeline(new ContentEstimator(RoiScheme.WHOLE));
        PipelineResult r = Assertions.assertTimeoutPreemptively(Duration.ofSeconds(20), () -> pipeline.run(PipelineInput.ofFile(fifo)));
        assertThat(r.error().orElseThrow().getMessage()).contains("stuck.png", "not a regular file");
    }

    @Test
    void stackExhaustionOnOneInputIsThatInputsError() {
        LandmarkDetector classical = ClassicalLandmarkDetector.builder().build();
        LandmarkDetector hostile = new LandmarkDetector() {
            @Override
            public LandmarkDetection detect(GreyImage image, String sourceId) {
                if (sourceId.equals("deep")) {
                    throw new StackOverflowError();
                }
                return classical.detect(image, sourceId);
            }
        };
        BoneAgePipeline pipeline = BoneAgePipeline.builder().setEstimator(new ContentEstimator(RoiScheme.WHOLE))
                .optLandmarkDetector(hostile).build();
        List<PipelineResult> results = pipeline.runBatch(List.of(input(HANDS.generate(5L).image(), "deep"),
                input(HANDS.generate(5L).image(), "fine")));
        assertThat(results.get(0).error().orElseThrow()).isInstanceOf(BoneAgeException.class);
        assertThat(results.get(0).error().orElseThrow().getMessage()).contains("deep", "stack");
        assertThat(results.get(1).isSuccess()).isTrue();
    }

    @Test
    void anImpossibleModelOutputIsAnErrorNamingTheModel() {
        BoneAgePipeline pipeline = pipeline(new ContentEstimator(RoiScheme.WHOLE, image -> 1e300));
        PipelineResult r = pipeline.run(input(HANDS.generate(6L).image(), "h"));
        assertThat(r.isSuccess()).isFalse();
        assertThat(r.error().orElseThrow()).isInstanceOf(ImplausibleEstimateException.class);
        assertThat(r.error().orElseThrow().getMessage()).contains("content-fake", "1.0E300", "[0, 240]");
    }

    @Test
    void withTheGateOffTheImageReachesTheModelAsItCame() {
        ContentEstimator model = new ContentEstimator(RoiScheme.WHOLE);
        GreyImage rotated = new Orientation(1, false, false).apply(HANDS.generate(8L).image());
        PipelineResult r = BoneAgePipeline.builder().setEstimator(model).optQualityGate(false).build().run(input(rotated, "r"));
        assertThat(r.isSuccess()).isTrue();
        assertThat(model.requests.get(0).image()).isSameAs(rotated);
        assertThat(r.gate()).isEmpty();
    }
}

package io.github.boneage.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.boneage.core.BoneAgeEstimator;
import io.github.boneage.core.EstimationOutcome;
import io.github.boneage.core.EstimationRequest;
import io.github.boneage.core.RoiScheme;
import io.github.boneage.core.dataset.DatasetSplit;
import io.github.boneage.core.dataset.RsnaDataset;
import io.github.boneage.core.dataset.Sample;
import io.github.boneage.core.image.GreyImage;
import io.github.boneage.core.landmarks.LandmarkDetection;
import io.github.boneage.core.landmarks.LandmarkDetector;
import io.github.boneage.core.landmarks.QualityVerdict;
import io.github.boneage.core.metrics.MetricsAccumulator;
import io.github.boneage.core.testing.SharedData;
import io.github.boneage.djl.BoneAgeEstimators;
import io.github.boneage.djl.DjlBoneAgeEstimator;
import io.github.boneage.djl.landmarks.LandmarkDetectors;
import io.github.boneage.pipeline.GateCheck.Check;
import io.github.boneage.pipeline.impl.StructureCheck;
import io.github.boneage.preprocess.io.ImageDecoder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The gate and the orientation property on real radiographs the default model never trained on: its held-out rsna-299
 * ids, and those of the rsna-halfres images (real aspect ratio) that are the same radiographs. (Every rsna-halfres
 * image is an rsna-299 image at another resolution, same id; the others were training images of the bone-age models
 * and, most of them, pseudo-labels of the landmark detector.) Figures are logged with a {@code SAFETY} prefix and
 * copied into docs/safety.md.
 */
@Tag("data")
class PipelineRealDataTest {

    /** Model v1, whose held-out ids (and monitoring ids) define the split of every figure here. */
    private static final Path BUNDLE = Paths.get("..", "models", "default").toAbsolutePath().normalize();
    /** The default model, v2, whose pipeline figures docs/safety.md quotes. */
    private static final Path DEFAULT_MODEL = Paths.get("..", "models", "v2").toAbsolutePath().normalize();

    /**
     * Every figure here is the pipeline's with its default detector, the learned one. A run that cannot find it would
     * quietly measure the classical fallback instead: 55 of the 1,000 untouched radiographs refused where the learned
     * detector refuses none (7 December 2026, a single-module build before this module's tests had
     * boneage-model-default on their classpath).
     */
    @BeforeEach
    void measuresTheLearnedDetector() {
        SharedData.require("data/rsna-299");
        assertThat(LandmarkDetectors.defaultIsLearned()).as("the learned landmark detector was not found; set "
                + LandmarkDetectors.BUNDLE_VARIABLE + " to the repository's models/landmarks").isTrue();
    }

    /**
     * The held-out radiographs, and the half-resolution copies of those among them that rsna-halfres holds, as files
     * (rsna-halfres images are rsna-299 images at another resolution: only the held-out ones were never trained on).
     */
    private static List<Path> ordinaryRadiographs() throws IOException {
        Path data = SharedData.require("data/rsna-299");
        RsnaDataset dataset = RsnaDataset.builder().setFolder(data).build();
        List<Path> files = new ArrayList<>();
        java.util.Set<String> heldOut = DatasetSplit.readIds(BUNDLE.resolve("held-out-ids.txt"));
        for (String id : heldOut) {
            files.add(dataset.sample(id).orElseThrow().image());
        }
        java.util.Set<String> untrained = new java.util.HashSet<>(heldOut);
        Path half = SharedData.require("data/rsna-halfres/images");
        try (Stream<Path> s = Files.list(half)) {
            s.filter(p -> p.getFileName().toString().matches(".*\\.(png|jpg)"))
                    .filter(p -> untrained.contains(p.getFileName().toString().replaceFirst("\\.[a-z]+$", "")))
                    .sorted().forEach(files::add);
        }
        return files;
    }

    @Test
    @Tag("slow")
    void theGateAcceptsOrdinaryRadiographsAndRecognisesTheirInvertedCopies() throws IOException {
        List<Path> files = ordinaryRadiographs();
        ImageDecoder decoder = ImageDecoder.create();
        // The gate does not depend on the model's numbers, only on its region (the default model reads the whole image).
        BoneAgePipeline pipeline = BoneAgePipeline.builder().setEstimator(new ContentEstimator(RoiScheme.WHOLE)).build();
        Map<QualityVerdict, Integer> refusedAsIs = new EnumMap<>(QualityVerdict.class);
        InvertedCopies inverted = new InvertedCopies();
        int accepted = 0;
        int correctedAsIs = 0;
        int mirroredAsIs = 0;
        int turnedAsIs = 0;
        List<Double> spreads = new ArrayList<>();
        for (Path file : files) {
            GreyImage image = decoder.decode(file);
            PipelineResult asIs = pipeline.run(PipelineInput.builder().setImage(image).optSourceId(file.toString()).build());
            if (asIs.isSuccess()) {
                accepted++;
                Orientation o = asIs.orientation().orElseThrow();
                correctedAsIs += o.inverted() ? 1 : 0;
                mirroredAsIs += o.mirrored() ? 1 : 0;
                turnedAsIs += o.quarterTurnsClockwise() != 0 ? 1 : 0;
                if (o.movesPixels()) {
                    System.out.println("SAFETY re-oriented " + file + ": " + o.describe());
                }
                asIs.gate().stream().filter(c -> c.check() == Check.BONE_STRUCTURE).forEach(c -> spreads.add(
                        Double.parseDouble(c.detail().replace("grey spread ", ""))));
            } else {
                refusedAsIs.merge(asIs.refusal().orElseThrow(), 1, Integer::sum);
                System.out.println("SAFETY refused " + asIs.error().orElseThrow().getMessage());
            }
            inverted.run(pipeline, image, file.toString());
        }
        int n = files.size();
        double[] s = spreads.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        System.out.printf(Locale.ROOT, "SAFETY ordinary radiographs: %d, accepted %d (%.2f%%), refused %s%n", n, accepted,
                100.0 * accepted / n, refusedAsIs);
        System.out.printf(Locale.ROOT, "SAFETY accepted as-is: read inverted %d, turned %d, mirrored %d%n", correctedAsIs,
                turnedAsIs, mirroredAsIs);
        System.out.printf(Locale.ROOT, "SAFETY inverted copies: recognised %d (%.2f%%), missed %d, refused %s%n",
                inverted.recognised, 100.0 * inverted.recognised / n, inverted.missed, inverted.refused);
        System.out.printf(Locale.ROOT, "SAFETY bone-structure spread on accepted: min %.3f p1 %.3f p5 %.3f median %.3f%n", s[0],
                s[(int) (0.01 * (s.length - 1))], s[(int) (0.05 * (s.length - 1))], s[s.length / 2]);
        // Bounds a little looser than measured (docs/safety.md), so that a regression fails the build.
        assertThat((double) accepted / n).as("accepted ordinary radiographs").isGreaterThan(0.985);
        assertThat(correctedAsIs).as("ordinary radiographs read inverted").isZero();
        assertThat(inverted.missed).as("inverted copies estimated as if upright").isLessThanOrEqualTo(n / 200);
        assertThat(s[0]).as("least bone structure on an accepted radiograph").isGreaterThan(StructureCheck.DEFAULT_MIN_SPREAD);
    }

    /**
     * The gate on a list of rsna-299 ids given with {@code -Dboneage.safety.ids=FILE}, e.g. the 509 images whose
     * classical reading was too unsure to become a pseudo-label (written by {@code PseudoLabelLandmarks}' fourth
     * argument): hard radiographs no landmark model trained on. Skipped without the property; a measurement (figures in
     * docs/safety.md), its only assertion that every listed id exists.
     */
    @Test
    @Tag("slow")
    void theGateOnListedRadiographs() throws IOException {
        String list = System.getProperty("boneage.safety.ids");
        org.junit.jupiter.api.Assumptions.assumeTrue(list != null && !list.isBlank(),
                "-Dboneage.safety.ids=FILE names the rsna-299 ids to measure");
        Path data = SharedData.require("data/rsna-299");
        RsnaDataset dataset = RsnaDataset.builder().setFolder(data).build();
        List<String> ids = DatasetSplit.readIds(Path.of(list)).stream().sorted().toList();
        ImageDecoder decoder = ImageDecoder.create();
        BoneAgePipeline pipeline = BoneAgePipeline.builder().setEstimator(new ContentEstimator(RoiScheme.WHOLE)).build();
        Map<QualityVerdict, Integer> refused = new EnumMap<>(QualityVerdict.class);
        InvertedCopies inverted = new InvertedCopies();
        int accepted = 0;
        int moved = 0;
        int readInverted = 0;
        for (String id : ids) {
            Sample sample = dataset.sample(id).orElseThrow(() -> new AssertionError(list + ": id " + id + " not in rsna-299"));
            GreyImage image = decoder.decode(sample.image());
            PipelineResult r = pipeline.run(PipelineInput.builder().setImage(image).optSourceId(id).build());
            if (r.isSuccess()) {
                accepted++;
                Orientation o = r.orientation().orElseThrow();
                if (o.movesPixels()) {
                    moved++;
                    System.out.println("SAFETY re-oriented " + id + ": " + o.describe());
                }
                if (o.inverted()) {
                    readInverted++;
                    System.out.println("SAFETY read inverted " + id);
                }
            } else {
                refused.merge(r.refusal().orElseThrow(), 1, Integer::sum);
                System.out.println("SAFETY refused " + r.error().orElseThrow().getMessage());
            }
            inverted.run(pipeline, image, id);
        }
        System.out.printf(Locale.ROOT, "SAFETY listed radiographs (%s): %d, accepted %d (%.2f%%, re-oriented %d, read "
                + "inverted %d), refused %s%n", list, ids.size(), accepted, 100.0 * accepted / ids.size(), moved,
                readInverted, refused);
        System.out.printf(Locale.ROOT, "SAFETY their inverted copies: recognised %d, missed %d, refused %s%n",
                inverted.recognised, inverted.missed, inverted.refused);
    }

    /** @return the first held-out ids the property tests read ({@code boneage.safety.propertyImages}, default 60) */
    private static List<String> propertyIds() throws IOException {
        return DatasetSplit.readIds(BUNDLE.resolve("held-out-ids.txt")).stream().sorted()
                .limit(Integer.getInteger("boneage.safety.propertyImages", 60)).toList();
    }

    @Test
    @Tag("slow")
    void turnedMirroredAndInvertedCopiesAreRefusedOrEstimatedLikeTheOriginal() throws IOException {
        Path data = SharedData.require("data/rsna-299");
        RsnaDataset dataset = RsnaDataset.builder().setFolder(data).build();
        List<String> ids = propertyIds();
        ImageDecoder decoder = ImageDecoder.create();
        Map<String, Orientation> variants = new LinkedHashMap<>();
        variants.put("rot90", new Orientation(1, false, false));
        variants.put("rot180", new Orientation(2, false, false));
        variants.put("rot270", new Orientation(3, false, false));
        variants.put("mirror", new Orientation(0, true, false));
        variants.put("inverted", new Orientation(0, false, true));
        variants.put("inverted+rot90+mirror", new Orientation(1, true, true));
        Map<String, List<Double>> withPipeline = new LinkedHashMap<>();
        Map<String, List<Double>> modelAlone = new LinkedHashMap<>();
        Map<String, Integer> refused = new LinkedHashMap<>();
        int originalsRefused = 0;
        try (DjlBoneAgeEstimator model = DjlBoneAgeEstimator.builder().setBundle(BUNDLE).build()) {
            BoneAgePipeline pipeline = BoneAgePipeline.builder().setEstimator(model).build();
            for (String id : ids) {
                Sample sample = dataset.sample(id).orElseThrow();
                GreyImage image = decoder.decode(sample.image());
                PipelineResult original = pipeline.run(PipelineInput.builder().setImage(image).optSourceId(id)
                        .optSex(sample.sex(), "labels").build());
                if (!original.isSuccess()) {
                    originalsRefused++;
                    continue;
                }
                double months = original.report().orElseThrow().estimate().months();
                double plain = model.estimate(EstimationRequest.builder().setImage(image).optSex(sample.sex()).build()).months();
                for (Map.Entry<String, Orientation> v : variants.entrySet()) {
                    GreyImage copy = v.getValue().apply(image);
                    PipelineResult r = pipeline.run(PipelineInput.builder().setImage(copy).optSourceId(id + " " + v.getKey())
                            .optSex(sample.sex(), "labels").build());
                    if (r.isSuccess()) {
                        withPipeline.computeIfAbsent(v.getKey(), k -> new ArrayList<>())
                                .add(Math.abs(r.report().orElseThrow().estimate().months() - months));
                    } else {
                        refused.merge(v.getKey(), 1, Integer::sum);
                    }
                    double alone = model.estimate(EstimationRequest.builder().setImage(copy).optSex(sample.sex()).build()).months();
                    modelAlone.computeIfAbsent(v.getKey(), k -> new ArrayList<>()).add(Math.abs(alone - plain));
                }
            }
        }
        System.out.printf(Locale.ROOT, "SAFETY property on %d held-out radiographs (%d originals refused)%n", ids.size(),
                originalsRefused);
        int beyond = 0;
        for (String v : variants.keySet()) {
            double[] d = withPipeline.getOrDefault(v, List.of()).stream().mapToDouble(Double::doubleValue).sorted().toArray();
            double[] a = modelAlone.get(v).stream().mapToDouble(Double::doubleValue).sorted().toArray();
            long exact = Arrays.stream(d).filter(x -> x == 0).count();
            long over = Arrays.stream(d).filter(x -> x > 3).count();
            beyond += (int) over;
            System.out.printf(Locale.ROOT, "SAFETY %-22s pipeline: estimated %d (identical %d, >3 months %d, max %.2f), refused %d"
                    + " | model alone: median |change| %.1f, max %.1f, >3 months %d%n", v, d.length, exact, over,
                    d.length == 0 ? 0 : d[d.length - 1], refused.getOrDefault(v, 0), a[a.length / 2], a[a.length - 1],
                    Arrays.stream(a).filter(x -> x > 3).count());
        }
        assertThat(beyond).as("copies estimated more than 3 months from their original").isZero();
    }

    /**
     * A hand turned far from upright (35°, alternately each way) is straightened, turned by the excess of its tilt over
     * the bound; its mirror image gets the opposite tilt (read on both and averaged) and so the mirrored straightening,
     * and the same estimate. A hard bound with a full turn once made 2 of these 60 radiographs' mirrored copies disagree
     * by up to 13 months. Also printed: how far the turned copies' estimates lie from the originals'.
     */
    @Test
    @Tag("slow")
    void aHandTurnedFarFromUprightAndItsMirrorImageAreEstimatedAlike() throws IOException {
        Path data = SharedData.require("data/rsna-299");
        RsnaDataset dataset = RsnaDataset.builder().setFolder(data).build();
        List<String> ids = propertyIds();
        ImageDecoder decoder = ImageDecoder.create();
        Orientation mirror = new Orientation(0, true, false);
        List<Double> mirrorChange = new ArrayList<>();
        List<Double> fromOriginal = new ArrayList<>();
        List<Double> asItLiesFromOriginal = new ArrayList<>();
        int straightened = 0;
        int refused = 0;
        try (DjlBoneAgeEstimator model = DjlBoneAgeEstimator.builder().setBundle(BUNDLE).build()) {
            BoneAgePipeline pipeline = BoneAgePipeline.builder().setEstimator(model).build();
            BoneAgePipeline asItLies = BoneAgePipeline.builder().setEstimator(model).optStraightenBeyondDegrees(45).build();
            int index = 0;
            for (String id : ids) {
                Sample sample = dataset.sample(id).orElseThrow();
                GreyImage image = decoder.decode(sample.image());
                GreyImage turned = Straightening.rotate(image, index++ % 2 == 0 ? 35 : -35);
                PipelineResult original = pipeline.run(PipelineInput.builder().setImage(image).optSourceId(id)
                        .optSex(sample.sex(), "labels").build());
                PipelineResult a = pipeline.run(PipelineInput.builder().setImage(turned).optSourceId(id + " turned")
                        .optSex(sample.sex(), "labels").build());
                PipelineResult b = pipeline.run(PipelineInput.builder().setImage(mirror.apply(turned))
                        .optSourceId(id + " turned, mirrored").optSex(sample.sex(), "labels").build());
                if (!a.isSuccess() || !b.isSuccess()) {
                    // The gate's readings of a copy and of its mirror image are not mirror images of each other, so one
                    // far-turned copy may be refused (with its reason) where the other is not: safe, and counted.
                    refused++;
                    continue;
                }
                double months = a.report().orElseThrow().estimate().months();
                mirrorChange.add(Math.abs(b.report().orElseThrow().estimate().months() - months));
                PipelineResult unstraightened = asItLies.run(PipelineInput.builder().setImage(turned)
                        .optSourceId(id + " turned, not straightened").optSex(sample.sex(), "labels").build());
                if (original.isSuccess() && unstraightened.isSuccess()) {
                    double originalMonths = original.report().orElseThrow().estimate().months();
                    fromOriginal.add(Math.abs(months - originalMonths));
                    asItLiesFromOriginal.add(Math.abs(unstraightened.report().orElseThrow().estimate().months()
                            - originalMonths));
                }
                straightened += a.gate().stream().anyMatch(c -> c.check() == Check.ORIENTATION
                        && c.detail().contains("straightened: the fingers lay")) ? 1 : 0;
            }
        }
        double[] d = mirrorChange.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        System.out.printf(Locale.ROOT, "SAFETY turned 35° on %d held-out radiographs: estimated %d (straightened %d), "
                + "refused (either of the pair) %d; mirrored copies: identical %d, >3 months %d, max %.2f; from the originals: mean |change| "
                + "%.2f (not straightened: %.2f)%n", ids.size(), d.length, straightened, refused,
                Arrays.stream(d).filter(x -> x == 0).count(), Arrays.stream(d).filter(x -> x > 3).count(),
                d.length == 0 ? 0 : d[d.length - 1],
                fromOriginal.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN),
                asItLiesFromOriginal.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN));
        assertThat(straightened).as("turned copies straightened").isGreaterThan(d.length / 2);
        assertThat(Arrays.stream(d).filter(x -> x > 3).count()).as("mirrored copies more than 3 months apart").isZero();
    }

    /**
     * The pipeline's figures (gate, then the model on the image and its mirror image, averaged) with the default model,
     * v2, on the held-out ids that played no part in training, epoch selection or the ensemble's choices, beside the
     * model alone on the same images (an ensemble's "model alone" gets the default detector's points where it locates
     * them, as {@code evaluate --landmarks auto} does). {@code -Dboneage.safety.madImages=1000} measures all of them
     * (docs/safety.md); CI takes the first 300. {@code -Dboneage.safety.model=../models/default} measures another model.
     */
    @Test
    @Tag("slow")
    void pipelineFiguresOnUntouchedHeldOutRadiographs() throws IOException {
        Path data = SharedData.require("data/rsna-299");
        RsnaDataset dataset = RsnaDataset.builder().setFolder(data).build();
        Set<String> monitored = new HashSet<>();
        for (String line : Files.readAllLines(BUNDLE.resolve("validation-predictions.csv"))) {
            String id = line.split(",", 2)[0].trim();
            if (!id.isEmpty() && !id.equals("id")) {
                monitored.add(id);
            }
        }
        List<String> ids = DatasetSplit.readIds(BUNDLE.resolve("held-out-ids.txt")).stream()
                .filter(id -> !monitored.contains(id)).sorted()
                .limit(Integer.getInteger("boneage.safety.madImages", 300)).toList();
        MetricsAccumulator pipelined = new MetricsAccumulator();
        MetricsAccumulator alone = new MetricsAccumulator();
        MetricsAccumulator aloneAll = new MetricsAccumulator();
        Map<QualityVerdict, Integer> refused = new EnumMap<>(QualityVerdict.class);
        List<String> modelErrors = new ArrayList<>();
        ImageDecoder decoder = ImageDecoder.create();
        Path modelPath = Paths.get(System.getProperty("boneage.safety.model", DEFAULT_MODEL.toString()));
        try (BoneAgeEstimator model = BoneAgeEstimators.open(modelPath)) {
            BoneAgePipeline pipeline = BoneAgePipeline.builder().setEstimator(model).build();
            LandmarkDetector points = model.usesLandmarksWhenGiven() ? LandmarkDetectors.defaultDetector() : null;
            for (String id : ids) {
                Sample s = dataset.sample(id).orElseThrow();
                GreyImage image = decoder.decode(s.image());
                LandmarkDetection d = points == null ? null : points.detect(image, id);
                // A model may refuse an image itself (an ensemble member's output outside 0-240 months): that image
                // is counted as a model error and left out of every figure, as evaluate leaves it out.
                EstimationOutcome plain = model.estimateBatch(List.of(EstimationRequest.builder().setImage(image)
                        .optSex(s.sex()).optLandmarks(d != null && d.ok() ? d.landmarks().orElseThrow() : null).build()))
                        .get(0);
                if (!plain.isSuccess()) {
                    modelErrors.add(id + ": " + plain.error().orElseThrow().getMessage());
                    continue;
                }
                double months = plain.estimate().orElseThrow().months();
                aloneAll.add(s.boneAgeMonths(), months, s.sex());
                PipelineResult r = pipeline.run(PipelineInput.builder().setImage(image).optSourceId(id)
                        .optSex(s.sex(), "labels").build());
                if (r.isSuccess()) {
                    pipelined.add(s.boneAgeMonths(), r.report().orElseThrow().estimate().months(), s.sex());
                    alone.add(s.boneAgeMonths(), months, s.sex());
                } else {
                    refused.merge(r.refusal().orElseThrow(), 1, Integer::sum);
                }
            }
        }
        System.out.printf(Locale.ROOT, "SAFETY pipeline (%s) on %d untouched held-out radiographs: refused %s; the model "
                + "alone refused %d %s%n", modelPath, ids.size(), refused, modelErrors.size(), modelErrors);
        System.out.println("SAFETY pipeline (accepted): " + pipelined.report().summary());
        System.out.println("SAFETY model alone (same accepted images): " + alone.report().summary());
        System.out.println("SAFETY model alone (all): " + aloneAll.report().summary());
        // Model v2 measured 8.11 / CCC 0.969 on the first 300 (298 accepted) and 7.97 / 0.967 on all 1,000; model v1
        // 9.21 / 0.957 on the first 300: a bound v1 would fail.
        boolean defaultModel = modelPath.equals(DEFAULT_MODEL);
        assertThat(pipelined.report().overall().mad()).isLessThan(defaultModel ? 9.0 : 10.0);
        assertThat(pipelined.report().overall().ccc()).isGreaterThan(defaultModel ? 0.96 : 0.94);
    }

    /** Each radiograph's inverted copy, which must be read back inverted or refused, never estimated as it is. */
    private static final class InvertedCopies {
        final Map<QualityVerdict, Integer> refused = new EnumMap<>(QualityVerdict.class);
        int recognised;
        int missed;

        void run(BoneAgePipeline pipeline, GreyImage image, String id) {
            PipelineResult r = pipeline.run(PipelineInput.builder().setImage(Orientation.invert(image))
                    .optSourceId(id + " inverted").build());
            if (!r.isSuccess()) {
                refused.merge(r.refusal().orElseThrow(), 1, Integer::sum);
            } else if (r.orientation().orElseThrow().inverted()) {
                recognised++;
            } else {
                missed++;
                System.out.println("SAFETY inverted copy read as not inverted: " + id);
            }
        }
    }
}

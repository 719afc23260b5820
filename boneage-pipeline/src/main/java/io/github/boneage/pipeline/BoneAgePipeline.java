package io.github.boneage.pipeline;

import io.github.boneage.clinical.explain.OcclusionHeatmap;
import io.github.boneage.clinical.explain.OcclusionSensitivity;
import io.github.boneage.clinical.report.BoneAgeReport;
import io.github.boneage.clinical.report.Heatmap;
import io.github.boneage.clinical.report.PredictionInterval;
import io.github.boneage.clinical.uncertainty.IntervalEstimate;
import io.github.boneage.clinical.uncertainty.ItemOutcome;
import io.github.boneage.clinical.uncertainty.UncertaintyCalibration;
import io.github.boneage.clinical.uncertainty.UncertaintyEstimator;
import io.github.boneage.core.BoneAgeEstimate;
import io.github.boneage.core.BoneAgeEstimator;
import io.github.boneage.core.BoneAgeException;
import io.github.boneage.core.EnsembleEstimator;
import io.github.boneage.core.EstimationOutcome;
import io.github.boneage.core.EstimationRequest;
import io.github.boneage.core.HandLandmarks;
import io.github.boneage.core.ImplausibleEstimateException;
import io.github.boneage.core.ModelInfo;
import io.github.boneage.core.InputFiles;
import io.github.boneage.core.InputFormatException;
import io.github.boneage.core.Point;
import io.github.boneage.core.QualityGateException;
import io.github.boneage.core.ReferencePoint;
import io.github.boneage.core.Roi;
import io.github.boneage.core.RoiScheme;
import io.github.boneage.core.Sex;
import io.github.boneage.core.image.GreyImage;
import io.github.boneage.core.landmarks.HandMask;
import io.github.boneage.core.landmarks.LandmarkDetection;
import io.github.boneage.core.landmarks.LandmarkDetector;
import io.github.boneage.core.landmarks.QualityVerdict;
import io.github.boneage.dicom.DicomRadiograph;
import io.github.boneage.dicom.DicomReader;
import io.github.boneage.dicom.PixelSpacing;
import io.github.boneage.pipeline.GateCheck.Check;
import io.github.boneage.pipeline.GateCheck.Outcome;
import io.github.boneage.pipeline.impl.InversionCheck;
import io.github.boneage.pipeline.impl.PointPolarity;
import io.github.boneage.pipeline.impl.StructureCheck;
import io.github.boneage.preprocess.io.ImageDecoder;
import io.github.boneage.djl.landmarks.LandmarkDetectors;
import io.github.boneage.preprocess.landmarks.ClassicalLandmarkDetector;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The one estimation pipeline of boneage, the same for library users, the CLI and batch engines:
 * <ol>
 *   <li><b>decode</b> a PNG, JPEG or DICOM file (or take a decoded image); the patient's sex and age come from the
 *       caller, else from the DICOM header;</li>
 *   <li><b>gate</b>: size; grey-scale inversion (corrected, or refused when undecidable); one hand; orientation
 *       (fingers up; a hand the learned detector reads clearly as turned by quarter turns is turned back, losslessly,
 *       and read again, the fingers then within 45 degrees of up as for any hand read as it came; a hand still lying
 *       more than {@value #DEFAULT_STRAIGHTEN_BEYOND_DEGREES} degrees from upright is turned by the excess, so that it
 *       lies at that bound, and read again; a weakly read turned hand, or one whose axis cannot be established, is
 *       refused);
 *       landmarks reliable enough for the model's region of interest (only for ROI models); bone structure in the
 *       carpal and metacarpal region. The landmark detector is by default the learned one (one shared instance per
 *       JVM, {@code LandmarkDetectors.defaultDetector()}); what it does not pass goes to the classical detector's
 *       four-turn vote, so an image is refused only when both refuse it;</li>
 *   <li><b>estimate</b> with the model on the image and on its mirror image, averaged, so a left hand and its mirror
 *       image get the same number; optionally with a calibrated interval (test-time augmentation);</li>
 *   <li>check the estimate is a possible bone age (0–240 months, else {@link ImplausibleEstimateException});</li>
 *   <li>optionally <b>explain</b> it (occlusion heatmap), and <b>report</b> it with the Greulich–Pyle SDS.</li>
 * </ol>
 * Every input gets exactly one {@link PipelineResult}: a report, or the error that stopped it with the gate checks
 * that ran; one bad input never stops the others (stack or memory exhaustion on a hostile file included).
 * Thread-safe when its estimator and detector are (the shipped ones are). It does not own the estimator: close that
 * yourself.
 */
public final class BoneAgePipeline {

    /** Where the fingers point on an image that needs this many clockwise quarter turns to stand upright. */
    private static final String[] POINTING = {"up", "right", "down", "left"};

    /**
     * Images with a shorter side below this are refused: a hand radiograph needs more pixels to show its bones. The
     * decoder's own limit, applied again to images a caller decoded itself.
     */
    public static final int MIN_SIDE = ImageDecoder.DEFAULT_MIN_SIDE;

    /**
     * Mean reference-point peak from which a learned detector's reading stands alone as "one hand"; below it the
     * classical detector must not deny the hand. Set a priori (peaks are trained towards 1 at a point).
     */
    static final double STRONG_LEARNED_PEAK = 0.5;

    /**
     * The least {@link PointPolarity} contrast that settles an image's polarity. Set below half the smallest contrast
     * of a strong learned reading on 1,998 of the learned detector's own training radiographs (0.115; their inverted
     * copies all at -0.115 or below), none of them used to measure the gate.
     */
    static final double POLARITY_MARGIN = 0.05;

    /**
     * The least mean reference-point peak of a learned reading, before and after the turn, for a turned hand to be
     * turned back (the detector's own "clearly upright" exit, {@code LearnedLandmarkDetector}).
     */
    static final double TURN_BACK_PEAK = 0.7;

    /**
     * The default tilt from upright, in degrees, beyond which the learned detector's upright hand is straightened
     * before estimation, turned by the excess only so that it then lies at this tilt. The networks were trained on hands
     * as the archive holds them, turned by at most 10° more; on copies of the selection radiographs turned by 30-40°
     * the estimates moved by several months. Turning by the excess, not by the whole tilt, makes the turn, and so the
     * estimate, change continuously with the measured tilt: a hard bound with a full turn made mirrored copies of one
     * radiograph, read a few degrees apart on either side of it, disagree by up to 13 months (docs/safety.md).
     */
    public static final double DEFAULT_STRAIGHTEN_BEYOND_DEGREES = 20;

    /**
     * How far, in degrees, the straightened hand may read beyond the bound it was turned to before the straightening
     * is distrusted (the detector then reads the turned image unlike the original).
     */
    static final double STRAIGHTEN_TOLERANCE_DEGREES = 10;

    /**
     * The mirror image is read for the tilt only when the hand is read within this many degrees of the straightening
     * bound or beyond it: the detector's readings of a hand and of its mirror image differ by a few degrees, far less
     * than this, so a hand read further inside is not straightened in either copy.
     */
    static final double MIRROR_READING_MARGIN_DEGREES = 10;

    /** Turns larger than this, in degrees, are said in the result's warnings; smaller ones only in the gate's trace. */
    static final double STRAIGHTEN_WARNING_DEGREES = 10;

    private final BoneAgeEstimator estimator;
    private final LandmarkDetector detector;
    private final LandmarkDetector voteDetector;
    private final boolean gate;
    private final double straightenBeyondDegrees;
    private final boolean modelNeedsLandmarks;
    /** The model needs the points, or reads them when reliable ones are found and falls back without them. */
    private final boolean modelUsesLandmarks;
    private final InversionCheck inversion;
    private final StructureCheck structure;
    private final ImageDecoder decoder;
    private final DicomReader dicomReader;
    private final UncertaintyEstimator uncertainty;
    private final OcclusionSensitivity explainer;

    private BoneAgePipeline(Builder b) {
        this.estimator = Objects.requireNonNull(b.estimator, "estimator is required (setEstimator)");
        this.detector = b.detector != null ? b.detector : LandmarkDetectors.defaultDetector();
        // A detector that reads every orientation itself is cross-checked, where it does not pass an image, by the
        // classical detector's vote over the four quarter turns; any other detector votes itself.
        this.voteDetector = detector.readsAnyOrientation() ? ClassicalLandmarkDetector.builder().build() : detector;
        this.gate = b.gate;
        this.straightenBeyondDegrees = b.straightenBeyondDegrees;
        this.modelNeedsLandmarks = estimator.roiScheme().map(RoiScheme::needsLandmarks).orElse(true);
        this.modelUsesLandmarks = modelNeedsLandmarks || estimator.usesLandmarksWhenGiven();
        this.inversion = new InversionCheck(b.inversionMargin);
        this.structure = new StructureCheck(b.minBoneStructure);
        this.decoder = b.decoder != null ? b.decoder : ImageDecoder.create();
        this.dicomReader = b.dicomReader != null ? b.dicomReader : DicomReader.create();
        this.uncertainty = b.uncertainty;
        this.explainer = b.explainer;
    }

    /** @return a new builder */
    public static Builder builder() {
        return new Builder();
    }

    /** @return the model's estimator */
    public BoneAgeEstimator estimator() {
        return estimator;
    }

    /** @return whether the model's region of interest needs the reference points */
    public boolean modelNeedsLandmarks() {
        return modelNeedsLandmarks;
    }

    /** @return whether estimates come with a calibrated interval */
    public boolean givesIntervals() {
        return uncertainty != null;
    }

    /**
     * @param name a file name
     * @return whether the name marks a DICOM file ({@code .dcm}, {@code .dicom}); files are also recognised by their
     *         DICM marker whatever their name
     */
    public static boolean isDicomName(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        return n.endsWith(".dcm") || n.endsWith(".dicom");
    }

    /**
     * Runs one input through the pipeline.
     *
     * @param input the radiograph
     * @return its result: a report, or the error that stopped it
     */
    public PipelineResult run(PipelineInput input) {
        return runBatch(List.of(input)).get(0);
    }

    /**
     * Runs many inputs, estimating the accepted ones together (the model stacks them into batches).
     *
     * @param inputs the radiographs
     * @return one result per input, in input order
     */
    public List<PipelineResult> runBatch(List<PipelineInput> inputs) {
        PipelineResult[] results = new PipelineResult[inputs.size()];
        List<Prepared> ready = new ArrayList<>();
        for (int i = 0; i < inputs.size(); i++) {
            PipelineInput input = inputs.get(i);
            Trace trace = new Trace(input);
            try {
                ready.add(prepare(input, trace, i));
            } catch (BoneAgeException e) {
                results[i] = trace.failed(e);
            } catch (StackOverflowError e) {
                results[i] = trace.failed(new InputFormatException(input.sourceId(), 0, null,
                        "nested too deeply to read (the reader ran out of stack)"));
            } catch (OutOfMemoryError e) {
                results[i] = trace.failed(new BoneAgeException(input.sourceId()
                        + ": ran out of memory while reading it; the image is larger than this JVM can hold"));
            } catch (RuntimeException e) {
                results[i] = trace.failed(new BoneAgeException(input.sourceId() + ": " + describe(e), e));
            }
        }
        // Each accepted image goes to the model as it is and mirrored left to right, and the two are averaged: the
        // estimate is then the same for a left hand and its mirror image (a right hand, or a flipped export), which
        // the landmark detector cannot tell apart reliably enough on real radiographs to mirror them one way.
        List<EstimationRequest> requests = new ArrayList<>(2 * ready.size());
        for (Prepared p : ready) {
            requests.add(p.request());
            requests.add(mirrored(p.request()));
        }
        List<Estimated> estimated = uncertainty == null ? plain(estimator.estimateBatch(requests))
                : withIntervals(uncertainty.estimateBatch(requests));
        for (int k = 0; k < ready.size(); k++) {
            Prepared p = ready.get(k);
            results[p.index] = finish(p, average(estimated.get(2 * k), estimated.get(2 * k + 1)));
        }
        return List.of(results);
    }

    /** What is known about one input while it passes the gate; becomes its result. */
    private static final class Trace {
        final PipelineInput input;
        final List<GateCheck> checks = new ArrayList<>();
        Orientation orientation;
        LandmarkDetection detection;
        GreyImage image;

        Trace(PipelineInput input) {
            this.input = input;
        }

        void add(Check check, Outcome outcome, String detail) {
            checks.add(new GateCheck(check, outcome, detail));
        }

        QualityGateException refuse(Check check, QualityVerdict verdict, String reason, LandmarkDetection found) {
            add(check, Outcome.REFUSED, reason);
            return new QualityGateException(input.sourceId(), verdict, reason, found);
        }

        PipelineResult failed(BoneAgeException e) {
            return new PipelineResult(input.sourceId(), input.file().orElse(null), null, e, checks, orientation, detection,
                    image, null);
        }
    }

    /** A decoded image with what its file said about the patient. */
    private record Decoded(GreyImage image, Sex dicomSex, Double dicomAgeMonths, String dicomAgeSource,
            PixelSpacing spacing, List<String> warnings) {
    }

    /** An input that passed the gate, ready for the model. */
    private record Prepared(int index, Trace trace, EstimationRequest request, Sex sex, String sexSource, Double ageMonths,
            String ageSource, HandLandmarks landmarks, PixelSpacing spacing, List<String> warnings) {
    }

    private Prepared prepare(PipelineInput input, Trace trace, int index) {
        Decoded decoded = decode(input);
        GreyImage image = decoded.image();
        trace.image = image;
        List<String> warnings = new ArrayList<>(decoded.warnings());
        Sex sex = Sex.UNKNOWN;
        String sexSource = null;
        if (input.sex().isPresent()) {
            sex = input.sex().get();
            sexSource = input.sexSource().orElse(null);
        } else if (decoded.dicomSex() != null && decoded.dicomSex() != Sex.UNKNOWN) {
            sex = decoded.dicomSex();
            sexSource = "DICOM PatientSex";
        }
        Double age = input.chronologicalAgeMonths().orElse(decoded.dicomAgeMonths());
        String ageSource = input.chronologicalAgeMonths().isPresent() ? input.ageSource().orElse(null)
                : decoded.dicomAgeSource();
        HandLandmarks given = input.landmarks().orElse(null);
        if (given != null) {
            Optional<String> outside = given.firstPointOutside(image.width(), image.height());
            if (outside.isPresent()) {
                throw new InputFormatException(input.sourceId(), 0, outside.get(), "the given landmark lies outside the "
                        + image.width() + "x" + image.height() + " image");
            }
        }
        Orientation orientation = Orientation.IDENTITY;
        HandLandmarks forModel = given;
        if (gate) {
            Gated g = gateImage(image, given, trace);
            image = g.image;
            orientation = g.orientation;
            forModel = g.landmarks;
            if (orientation.inverted()) {
                warnings.add("the image's grey scale was inverted back before estimation (bone bright), as in the "
                        + "model's training images");
            }
            if (orientation.quarterTurnsClockwise() != 0) {
                warnings.add("the image was turned " + 90 * orientation.quarterTurnsClockwise() + "° clockwise before "
                        + "estimation (fingers up), as the landmark detector read the hand; check the report's image");
            }
            if (Math.abs(g.straightenedBy) > STRAIGHTEN_WARNING_DEGREES) {
                warnings.add(String.format(Locale.ROOT, "the hand lay %.0f° from upright and was straightened (turned "
                        + "%.0f° %s, to %.0f° from upright) before estimation, as the landmark detector read it; check "
                        + "the report's image", Math.abs(g.straightenedBy) + straightenBeyondDegrees,
                        Math.abs(g.straightenedBy), g.straightenedBy > 0 ? "clockwise" : "anticlockwise",
                        straightenBeyondDegrees));
            }
            if (g.notStraightened != null) {
                warnings.add(g.notStraightened);
            }
        } else if (modelUsesLandmarks && given == null) {
            LandmarkDetection d = detector.detect(image, input.sourceId());
            trace.detection = d;
            if (modelNeedsLandmarks) {
                forModel = d.landmarks().orElseThrow(() -> new QualityGateException(input.sourceId(), d));
                trace.add(Check.LANDMARKS, Outcome.PASSED, "gate off: detector's points used as found (" + d.verdict() + ")");
            } else {
                forModel = d.ok() ? d.landmarks().orElse(null) : null;
                trace.add(Check.LANDMARKS, forModel != null ? Outcome.PASSED : Outcome.SKIPPED, forModel != null
                        ? "gate off: detector's points used (" + d.verdict() + ")"
                        : "gate off: no reliable points (" + d.verdict() + "); the model's whole-image part alone estimates");
            }
        }
        if (modelUsesLandmarks && !modelNeedsLandmarks && forModel == null) {
            warnings.add("no reliable reference points, so the model's region members did not run: the estimate is its "
                    + "whole-image members' alone");
        }
        trace.orientation = orientation;
        trace.image = image;
        PixelSpacing spacing = decoded.spacing();
        if (spacing != null && orientation.quarterTurnsClockwise() % 2 == 1) {
            spacing = new PixelSpacing(spacing.columnSpacingMm(), spacing.rowSpacingMm(), spacing.attribute());
        }
        EstimationRequest.Builder request = EstimationRequest.builder().setImage(image).optSourceId(input.sourceId())
                .optSex(sex).optLandmarks(modelUsesLandmarks ? forModel : null);
        if (age != null) {
            request.optChronologicalAgeMonths(age);
        }
        return new Prepared(index, trace, request.build(), sex, sexSource, age, ageSource, forModel, spacing, warnings);
    }

    private Decoded decode(PipelineInput input) {
        if (input.image().isPresent()) {
            return new Decoded(input.image().get(), null, null, null, null, List.of());
        }
        Path file = input.file().orElseThrow();
        // Checked before anything opens it (the DICM-marker probe included): a FIFO named .png would block forever.
        try {
            InputFiles.requireRegularFile(file);
        } catch (NoSuchFileException e) {
            throw new InputFormatException(file.toString(), 0, null, "no such file");
        } catch (IOException e) {
            throw new InputFormatException(file.toString(), 0, null, "cannot read its attributes: " + e.getMessage());
        }
        if (isDicomName(file.getFileName().toString()) || DicomReader.isDicom(file)) {
            DicomRadiograph dicom = dicomReader.read(file);
            return new Decoded(dicom.image(), dicom.patientSex(), dicom.ageAtStudy().map(a -> a.months()).orElse(null),
                    dicom.ageAtStudy().map(a -> "DICOM " + a.derivedFrom()).orElse(null), dicom.pixelSpacing().orElse(null),
                    dicom.warnings());
        }
        return new Decoded(decoder.decode(file), null, null, null, null, List.of());
    }

    /**
     * The image as the model will see it, and the points on it.
     *
     * @param straightenedBy   degrees the hand was turned clockwise after any quarter turns to straighten it, or 0
     * @param notStraightened  why a hand far from upright was not straightened (a warning for the result), or null
     */
    private record Gated(GreyImage image, Orientation orientation, HandLandmarks landmarks, double straightenedBy,
            String notStraightened) {
    }

    /**
     * What one detection says about the hand's orientation on the readable image.
     *
     * @param detection the detection, made on the image turned by some quarter turns
     * @param points    its points mapped back onto the readable image
     * @param turns     clockwise quarter turns that bring the fingers up
     * @param mirror    whether the thumb then lies on the left, so the image must be mirrored
     * @param tilt      how far the fingers still point from straight up after the turns, in degrees (at most 45 either
     *                  way: the turns are those of the nearest quarter-turn axis)
     */
    private record Reading(LandmarkDetection detection, HandLandmarks points, int turns, boolean mirror, double tilt) {

        /** @return what the vote counts: the quarter turns (the thumb side is too unreliable to vote on) */
        int key() {
            return turns;
        }

        static Reading of(LandmarkDetection d, int turnedBy, int width, int height) {
            int tw = turnedBy % 2 == 0 ? width : height;
            int th = turnedBy % 2 == 0 ? height : width;
            HandLandmarks points = new Orientation((4 - turnedBy) % 4, false, false).apply(d.landmarks().orElseThrow(), tw, th);
            double angle = fingerAngle(points);
            int quarter = (int) Math.round(angle / 90.0);
            int turns = Math.floorMod(-quarter, 4);
            HandLandmarks turned = new Orientation(turns, false, false).apply(points, width, height);
            boolean mirror = turned.point(ReferencePoint.THUMB).x() < turned.point(ReferencePoint.LITTLE).x();
            return new Reading(d, points, turns, mirror, angle - 90.0 * quarter);
        }
    }

    /**
     * The hand axis most readings agree on (quarter turns to upright). A reading the detector trusts weighs 1, a
     * low-confidence one 1/2; the winner needs a weight of at least 3/2 and more than twice any other axis's.
     *
     * @param winner     the most trusted reading of the winning orientation
     * @param agreeing   every reading of the winning orientation
     * @param weight     their weight
     * @param otherWeight the weight of the runner-up orientation
     */
    private record Vote(Reading winner, List<Reading> agreeing, double weight, double otherWeight) {

        static Vote of(List<Reading> readings) {
            Map<Integer, Double> weights = new TreeMap<>();
            for (Reading r : readings) {
                weights.merge(r.key(), r.detection().ok() ? 1.0 : 0.5, Double::sum);
            }
            int best = -1;
            double bestWeight = 0;
            double second = 0;
            for (Map.Entry<Integer, Double> e : weights.entrySet()) {
                if (e.getValue() > bestWeight) {
                    second = bestWeight;
                    bestWeight = e.getValue();
                    best = e.getKey();
                } else if (e.getValue() > second) {
                    second = e.getValue();
                }
            }
            if (bestWeight < 1.5 || bestWeight <= 2 * second) {
                return null;
            }
            int key = best;
            List<Reading> agreeing = readings.stream().filter(r -> r.key() == key).toList();
            Reading winner = agreeing.stream().max(Comparator.comparingDouble(r -> r.detection().confidence()))
                    .orElseThrow();
            return new Vote(winner, agreeing, bestWeight, second);
        }

        /**
         * @return each point averaged over the agreeing readings that put the thumb on the winner's side (all on the
         *         same image; readings with the thumb on the other side would swap thumb and little finger)
         */
        HandLandmarks meanPoints() {
            List<Reading> same = agreeing.stream().filter(r -> r.mirror() == winner.mirror()).toList();
            Map<ReferencePoint, Point> points = new EnumMap<>(ReferencePoint.class);
            for (ReferencePoint rp : ReferencePoint.values()) {
                double x = 0;
                double y = 0;
                for (Reading r : same) {
                    x += r.points().point(rp).x();
                    y += r.points().point(rp).y();
                }
                points.put(rp, new Point(x / same.size(), y / same.size()));
            }
            return HandLandmarks.of(points);
        }

        String describe() {
            return String.format(Locale.ROOT, "%d of 4 quarter-turn readings agree on the axis (weight %.1f against %.1f)",
                    agreeing.size(), weight, otherWeight);
        }

        static String describe(List<Reading> readings) {
            if (readings.isEmpty()) {
                return "no usable reading";
            }
            StringBuilder sb = new StringBuilder();
            for (Reading r : readings) {
                sb.append(sb.length() == 0 ? "" : ", ").append("fingers " + POINTING[(4 - r.turns()) % 4])
                        .append(r.detection().ok() ? "" : " (low confidence)");
            }
            return "readings: " + sb;
        }
    }

    private Gated gateImage(GreyImage image, HandLandmarks given, Trace trace) {
        String id = trace.input.sourceId();
        if (Math.min(image.width(), image.height()) < MIN_SIDE) {
            throw trace.refuse(Check.SIZE, QualityVerdict.NO_HAND, String.format(Locale.ROOT,
                    "the image is %dx%d px; a hand radiograph needs at least %d px on its shorter side", image.width(),
                    image.height(), MIN_SIDE), null);
        }
        trace.add(Check.SIZE, Outcome.PASSED, image.width() + "x" + image.height() + " px");

        Polarity polarity = decideInversion(image, id);
        boolean inverted = Boolean.TRUE.equals(polarity.inverted());
        GreyImage readable = inverted ? Orientation.invert(image) : image;
        LandmarkDetection first = detector.detect(readable, id);
        // The bone at the learned detector's points settles the polarity: brighter than around the hand on all 1,997
        // strong readings of 1,998 of its training radiographs (contrast 0.115 and more) and darker on every inverted
        // copy (docs/safety.md). Where it contradicts the decision above, the other polarity is read, and kept only if
        // the bone there is clearly bright; where it is unclear, the decision above stands as before.
        boolean polarityAtPoints = false;
        String polarityDetail = polarity.detail();
        if (readsPolarityAt(first)) {
            double contrast = PointPolarity.contrast(readable, first.landmarks().orElseThrow());
            if (contrast <= -POLARITY_MARGIN) {
                GreyImage other = Orientation.invert(readable);
                LandmarkDetection second = detector.detect(other, id);
                double otherContrast = readsPolarityAt(second)
                        ? PointPolarity.contrast(other, second.landmarks().orElseThrow()) : 0;
                if (otherContrast < POLARITY_MARGIN) {
                    throw trace.refuse(Check.INVERSION, QualityVerdict.INVERSION_UNCERTAIN, String.format(Locale.ROOT,
                            "cannot tell whether the grey scale is inverted: %s, but the bone at the located points is "
                                    + "darker than around the hand (contrast %.2f), and the other reading does not "
                                    + "settle it (%.2f)", polarity.detail(), contrast, otherContrast), first);
                }
                polarityDetail = (polarity.inverted() == null ? polarity.detail() : "overruled: " + polarity.detail())
                        + "; read " + (inverted ? "as it is" : "inverted") + " instead";
                inverted = !inverted;
                readable = other;
                first = second;
                contrast = otherContrast;
            }
            if (contrast >= POLARITY_MARGIN) {
                polarityAtPoints = true;
                polarityDetail += String.format(Locale.ROOT, "; the bone at the located points is brighter than around "
                        + "the hand (contrast %.2f)", contrast);
            }
        }
        if (polarity.inverted() == null && !polarityAtPoints) {
            throw trace.refuse(Check.INVERSION, QualityVerdict.INVERSION_UNCERTAIN, polarity.detail()
                    + (readsPolarityAt(first) ? "; the grey levels at the located points do not settle it either" : ""),
                    polarity.found());
        }
        trace.add(Check.INVERSION, inverted ? Outcome.CORRECTED : Outcome.PASSED, polarityDetail);
        trace.detection = first;
        // The classical detector's reading of the same image, asked at most once: it cross-checks the polarity of what
        // the learned detector passes and votes on what it does not.
        LandmarkDetection crossCheck = voteDetector == detector ? first : voteDetector.detect(readable, id);
        Reading chosen;
        int turns = 0;
        HandLandmarks uprightPoints;
        LandmarkDetection trusted;
        Optional<HandMask> handMask = Optional.empty();
        String how;
        Straightening.Straightened straightening = null;
        String notStraightened = null;
        if (detector.readsAnyOrientation() && first.ok() && (polarityAtPoints || !first.invertedCorrected())) {
            // The learned detector was trained on inverted hands too, so it reads a hand whatever its grey scale: on
            // real radiographs whose grey-scale statistic was confidently wrong it passed the wrongly inverted image.
            // Unless the grey levels at its points settled the polarity, the classical detector, which reads bone as
            // bright and says when it is not, cross-checks it: when it disagrees the polarity is in doubt.
            if (!polarityAtPoints && crossCheck != first && crossCheck.invertedCorrected()) {
                throw trace.refuse(Check.INVERSION, QualityVerdict.INVERSION_UNCERTAIN, "cannot tell whether the grey "
                        + "scale is inverted: it was read " + (inverted ? "inverted back" : "as it is") + ", but the "
                        + "classical detector finds the bones darker than the background there", first);
            }
            // A learned reading with weak peaks is not enough on its own to say there is a hand: on generated chest-like
            // images it found "hands" with mean peaks of 0.36-0.41. Then the classical detector must not deny it.
            double meanPeak = meanPeak(first);
            if (meanPeak < STRONG_LEARNED_PEAK && crossCheck != first && deniesHand(crossCheck)) {
                throw trace.refuse(Check.HAND, crossCheck.verdict(), String.format(Locale.ROOT, "the landmark detector's "
                        + "reading is weak (mean peak %.2f, below %.2f) and the classical detector finds no hand: %s",
                        meanPeak, STRONG_LEARNED_PEAK, crossCheck.reason()), crossCheck);
            }
            // The detector read the image at all four quarter turns itself and trusts what it found: its points say
            // which way the fingers point.
            trace.add(Check.HAND, Outcome.PASSED, "one hand found (" + first.reason() + ")");
            chosen = Reading.of(first, 0, readable.width(), readable.height());
            how = "read at all four quarter turns by the landmark detector";
            if (chosen.turns() != 0) {
                // A hand the learned detector reads clearly as turned by about a quarter turn (or two) is turned back
                // by lossless quarter turns, and kept only if the detector then reads it upright, clearly, on its own:
                // on 2,053 untrained real radiographs it called no upright hand turned (docs/safety.md). Weak readings
                // and an unconfirmed turn are refused, with the reason.
                TurnedBack back = turnedBack(readable, first, chosen, id);
                if (back.reading() == null) {
                    throw trace.refuse(Check.ORIENTATION, QualityVerdict.ORIENTATION_UNCERTAIN, String.format(Locale.ROOT,
                            "the hand appears turned (fingers point %s, %.0f° from that axis; %s) and was not turned "
                                    + "back: %s; turn the image upright, fingers up, and submit it again",
                            POINTING[(4 - chosen.turns()) % 4], chosen.tilt(), how, back.why()), first);
                }
                how = String.format(Locale.ROOT, "turned %d quarter turn%s clockwise: the landmark detector found the "
                        + "fingers pointing %s (%.0f° from that axis) and read the turned image upright", chosen.turns(),
                        chosen.turns() == 1 ? "" : "s", POINTING[(4 - chosen.turns()) % 4], chosen.tilt());
                turns = chosen.turns();
                readable = back.image();
                first = back.reading().detection();
                chosen = back.reading();
            }
            double tilt = straightenBeyondDegrees >= 45
                    || Math.abs(chosen.tilt()) <= straightenBeyondDegrees - MIRROR_READING_MARGIN_DEGREES
                            ? chosen.tilt() : mirrorSymmetricTilt(readable, chosen, id);
            if (Math.abs(tilt) > straightenBeyondDegrees) {
                // The networks read hands within about 10 degrees of how the archive holds them: one lying further
                // from upright is turned by the excess and kept when the detector then reads it near the bound.
                StraightenedReading straight = straightened(readable, chosen, tilt, id);
                if (straight.reading() != null) {
                    straightening = straight.straightened();
                    double by = straightening.degreesClockwise();
                    how += String.format(Locale.ROOT, "; straightened: the fingers lay %.0f° from up, turned %.1f° %s "
                            + "and read again", tilt, Math.abs(by), by > 0 ? "clockwise" : "anticlockwise");
                    readable = straightening.image();
                    first = straight.reading().detection();
                    chosen = straight.reading();
                } else {
                    how += "; not straightened: " + straight.why();
                    if (Math.abs(tilt) - straightenBeyondDegrees > STRAIGHTEN_WARNING_DEGREES) {
                        notStraightened = String.format(Locale.ROOT, "the hand lies %.0f° from upright, beyond the "
                                + "%.0f° from which it is straightened, and was not straightened (%s): its estimate "
                                + "may be off by months; turn the image upright, fingers up, and submit it again",
                                Math.abs(tilt), straightenBeyondDegrees, straight.why());
                    }
                }
            }
            uprightPoints = HandLandmarks.of(first.landmarks().orElseThrow().points());
            trusted = first;
            // Read on the image as it will be estimated (after any turn back), so its mask lies over that image.
            handMask = first.handMask();
        } else {
            String primaryNote = voteDetector == detector ? "" : "the landmark detector did not pass the image ("
                    + first.verdict() + ": " + first.reason() + "); the cross-check detector then ";
            LandmarkDetection upright = crossCheck;
            if (voteDetector != detector) {
                trace.detection = upright;
            }
            if (deniesHand(upright)) {
                throw trace.refuse(Check.HAND, upright.verdict(), primaryNote.isEmpty() ? upright.reason()
                        : primaryNote + "found: " + upright.reason(), upright);
            }
            trace.add(Check.HAND, Outcome.PASSED, primaryNote.isEmpty() ? "one hand found"
                    : "one hand found by the cross-check detector (" + first.verdict() + " from the landmark detector)");

            // The hand's orientation by a vote of the detector's readings at all four quarter turns, mapped back onto
            // this image. A single reading of the classical detector can point the wrong way even when it trusts it
            // (on real radiographs it was seen to put the wrist at the fingers), so one reading never decides alone.
            // The four turned images are the same set for any quarter-turned copy of the image, so the vote, and the
            // estimate, do not depend on how the copy came in.
            List<Reading> readings = new ArrayList<>();
            for (int r = 0; r < 4; r++) {
                LandmarkDetection d = r == 0 ? upright : voteDetector.detect(Orientation.rotate(readable, r), id);
                if (d.landmarks().isPresent() && !d.invertedCorrected()
                        && (d.ok() || d.verdict() == QualityVerdict.LOW_CONFIDENCE)) {
                    readings.add(Reading.of(d, r, readable.width(), readable.height()));
                }
            }
            Vote vote = Vote.of(readings);
            if (vote == null) {
                throw trace.refuse(Check.ORIENTATION, QualityVerdict.ORIENTATION_UNCERTAIN, primaryNote + "the "
                        + "detector's readings at the four quarter turns do not agree on which way the fingers point ("
                        + Vote.describe(readings) + "); refusing rather than estimating a possibly turned hand", upright);
            }
            chosen = vote.winner();
            how = vote.describe();
            if (chosen.turns() != 0) {
                // Turning it back was tried and measured: on real radiographs the detector's readings agreed on a wrong
                // turn for about 2% of upright hands (docs/safety.md), so a turned hand is refused, never turned by guess.
                throw trace.refuse(Check.ORIENTATION, QualityVerdict.ORIENTATION_UNCERTAIN, String.format(Locale.ROOT,
                        "the hand appears turned (fingers point %s; %s); turn the image upright, fingers up, and submit "
                                + "it again", POINTING[(4 - chosen.turns()) % 4], how), upright);
            }
            uprightPoints = vote.meanPoints();
            trusted = chosen.detection();
        }
        LandmarkDetection detection = new LandmarkDetection(trusted.verdict(), trusted.reason(), Optional.of(uprightPoints),
                trusted.pointConfidence(), trusted.confidence(), inverted, handMask);
        Orientation orientation = new Orientation(turns, false, inverted);
        trace.detection = detection;
        trace.orientation = orientation;
        trace.image = readable;
        trace.add(Check.ORIENTATION, turns == 0 && straightening == null ? Outcome.PASSED : Outcome.CORRECTED, String.format(Locale.ROOT,
                "upright, fingers point %d° from up; %s", Math.round(chosen.tilt()), how));

        HandLandmarks forModel = null;
        if (!modelUsesLandmarks) {
            trace.add(Check.LANDMARKS, Outcome.SKIPPED, "the model reads the whole image");
        } else if (given != null) {
            forModel = new Orientation(turns, false, false).apply(given, image.width(), image.height());
            if (straightening != null) {
                forModel = straightening.apply(forModel);
            }
            trace.add(Check.LANDMARKS, Outcome.PASSED, "given by the caller" + (turns == 0 && straightening == null ? ""
                    : ", turned with the image"));
        } else if (trusted.ok()) {
            forModel = uprightPoints;
            trace.add(Check.LANDMARKS, Outcome.PASSED, String.format(Locale.ROOT, "located with confidence %.2f%s",
                    trusted.confidence(), modelNeedsLandmarks ? "" : "; the model's region members read them"));
        } else if (modelNeedsLandmarks) {
            throw trace.refuse(Check.LANDMARKS, QualityVerdict.LOW_CONFIDENCE, "the model reads a region placed from "
                    + "the reference points, and they were not located reliably: " + trusted.reason(), detection);
        } else {
            // Region members run only on points the detector trusts; otherwise the whole-image members estimate alone.
            trace.add(Check.LANDMARKS, Outcome.SKIPPED, "not located reliably (" + trusted.reason()
                    + "); the model's whole-image members estimate alone");
        }

        StructureCheck.Finding bones = structure.check(readable, uprightPoints);
        if (!bones.hasStructure()) {
            throw trace.refuse(Check.BONE_STRUCTURE, QualityVerdict.NO_BONE_STRUCTURE, String.format(Locale.ROOT,
                    "the carpal and metacarpal region is nearly uniform (grey spread %.3f, at least %.3f expected): "
                            + "no bone structure to read", bones.spread(), structure.minSpread()), detection);
        }
        trace.add(Check.BONE_STRUCTURE, Outcome.PASSED, String.format(Locale.ROOT, "grey spread %.3f", bones.spread()));
        return new Gated(readable, orientation, forModel, straightening == null ? 0 : straightening.degreesClockwise(),
                notStraightened);
    }

    /**
     * A turned hand turned back: the image after the quarter turns, and the detector's upright reading of it; or why
     * it was not.
     *
     * @param image   the turned image, or null
     * @param reading the detector's reading of it, or null when the hand was not turned back
     * @param why     why it was not turned back, or null
     */
    private record TurnedBack(GreyImage image, Reading reading, String why) {
        static TurnedBack not(String why) {
            return new TurnedBack(null, null, why);
        }
    }

    /**
     * A turned hand is turned back whatever its tilt from the nearest quarter-turn axis: a reading's tilt is at most 45
     * degrees by construction ({@link Reading#of}), the bound a hand read as it came is held to, so a hand tilted by 50
     * degrees is read after a quarter turn as one tilted by 40 is read as it came. (Until 6 December 2026 only tilts up
     * to 30 degrees were turned back; the hands tilted 30 to 45 degrees from a turned axis were most of the gate's
     * refusals of untrained radiographs, docs/safety.md.) The turned image must still read upright on its own, which
     * settles a hand near 45 degrees.
     *
     * @return the image turned by the quarter turns its first reading asks for, with the detector's reading of it, when
     *         that first reading is clear (mean reference-point peak at least {@link #TURN_BACK_PEAK}) and the turned
     *         image reads as clearly upright; otherwise why not
     */
    private TurnedBack turnedBack(GreyImage readable, LandmarkDetection first, Reading chosen, String id) {
        if (meanPeak(first) < TURN_BACK_PEAK) {
            return TurnedBack.not(String.format(Locale.ROOT, "the reading is not clear enough (mean peak %.2f, below %.2f)",
                    meanPeak(first), TURN_BACK_PEAK));
        }
        GreyImage turned = Orientation.rotate(readable, chosen.turns());
        LandmarkDetection again = detector.detect(turned, id);
        if (!again.ok() || meanPeak(again) < TURN_BACK_PEAK) {
            return TurnedBack.not(again.ok() ? String.format(Locale.ROOT, "the turned image reads weakly (mean peak "
                    + "%.2f)", meanPeak(again)) : "the turned image is not passed (" + again.verdict() + ")");
        }
        Reading back = Reading.of(again, 0, turned.width(), turned.height());
        if (back.turns() != 0) {
            return TurnedBack.not(String.format(Locale.ROOT, "the turned image does not read upright (it would need %d "
                    + "more quarter turn%s, %.0f° from that axis)", back.turns(), back.turns() == 1 ? "" : "s", back.tilt()));
        }
        return new TurnedBack(turned, back, null);
    }

    /**
     * The hand's tilt read on the image and on its mirror image, averaged (the mirror's sign turned), so that a
     * mirrored copy of a radiograph gets exactly the opposite tilt, and so the mirrored straightening: the detector's
     * own readings of an image and of its mirror image differ by a few degrees, and the estimates of copies turned a few
     * degrees apart by up to 5 months. Where the mirror image is not read upright, the image's own reading stands.
     *
     * @param readable the image as it will be read (upright by quarter turns)
     * @param chosen   the detector's reading of it
     * @param id       the input's name, for the detector's messages
     * @return the tilt in degrees, signed as {@link Reading#tilt()}
     */
    private double mirrorSymmetricTilt(GreyImage readable, Reading chosen, String id) {
        LandmarkDetection mirrored = detector.detect(new Orientation(0, true, false).apply(readable), id);
        if (!mirrored.ok()) {
            return chosen.tilt();
        }
        Reading reading = Reading.of(mirrored, 0, readable.width(), readable.height());
        return reading.turns() != 0 ? chosen.tilt() : (chosen.tilt() - reading.tilt()) / 2;
    }

    /**
     * A hand straightened: the image turned by the excess of the hand's measured tilt over the bound, with the
     * detector's reading of it; or why it was not.
     *
     * @param straightened the straightened image, or null
     * @param reading      the detector's reading of it, or null when the hand was not straightened
     * @param why          why it was not straightened, or null
     */
    private record StraightenedReading(Straightening.Straightened straightened, Reading reading, String why) {
    }

    /**
     * @return the image turned so that the reading's fingers point {@link #straightenBeyondDegrees} from up, with the
     *         detector's reading of it, when that reading passes, upright, within
     *         {@value #STRAIGHTEN_TOLERANCE_DEGREES} degrees beyond the bound; otherwise why not
     */
    private StraightenedReading straightened(GreyImage readable, Reading chosen, double tilt, String id) {
        double excess = Math.signum(tilt) * (Math.abs(tilt) - straightenBeyondDegrees);
        Straightening.Straightened straight = Straightening.straighten(readable, -excess, chosen.points());
        GreyImage turned = straight.image();
        LandmarkDetection again = detector.detect(turned, id);
        if (!again.ok()) {
            return new StraightenedReading(null, null, "the straightened image is not passed (" + again.verdict() + ")");
        }
        Reading reading = Reading.of(again, 0, turned.width(), turned.height());
        if (reading.turns() != 0 || Math.abs(reading.tilt()) > straightenBeyondDegrees + STRAIGHTEN_TOLERANCE_DEGREES) {
            return new StraightenedReading(null, null, String.format(Locale.ROOT, "the straightened image does not "
                    + "read near %.0f° from upright: fingers %s, %.0f° from that axis", straightenBeyondDegrees, POINTING[(4 - reading.turns()) % 4],
                    reading.tilt()));
        }
        return new StraightenedReading(straight, reading, null);
    }

    /** @return whether a detection says there is not one hand in the image */
    private static boolean deniesHand(LandmarkDetection d) {
        return d.verdict() == QualityVerdict.NO_HAND || d.verdict() == QualityVerdict.MULTIPLE_HANDS
                || d.verdict() == QualityVerdict.NOT_A_HAND;
    }

    /**
     * The grey-scale polarity as decided before the hand is read: a global statistic decides, and where it is unsure
     * the classical detector is asked which reading shows a hand it trusts.
     *
     * @param inverted whether the image is inverted; null when neither could tell
     * @param detail   how it was decided, or why it could not be
     * @param found    the classical reading of the image as it is, when it was asked
     */
    private record Polarity(Boolean inverted, String detail, LandmarkDetection found) {
    }

    private Polarity decideInversion(GreyImage image, String id) {
        InversionCheck.Finding f = inversion.check(image);
        if (f.certain()) {
            return new Polarity(f.inverted(), String.format(Locale.ROOT, f.inverted()
                    ? "inverted grey scale (score %.2f), read inverted" : "bright bone on dark background (score %.2f)",
                    f.score()), null);
        }
        LandmarkDetection asIs = voteDetector.detect(image, id);
        LandmarkDetection flipped = voteDetector.detect(Orientation.invert(image), id);
        boolean asIsOk = asIs.ok() && !asIs.invertedCorrected();
        boolean flippedOk = flipped.ok() && !flipped.invertedCorrected();
        if (asIsOk == flippedOk) {
            return new Polarity(null, String.format(Locale.ROOT, "cannot tell whether the grey scale is inverted (score "
                    + "%.2f, and the hand reads %s either way)", f.score(), asIsOk ? "well" : "poorly"), asIs);
        }
        return new Polarity(flippedOk, String.format(Locale.ROOT, "grey-scale statistic unsure (score %.2f); the hand "
                + "reads only %s", f.score(), flippedOk ? "inverted, so it was read inverted" : "as it is"), null);
    }

    /**
     * @return whether a detection of the primary (learned) detector is strong enough for the grey levels at its
     *         points to say the image's polarity: it passed the image with a mean reference-point peak of at least
     *         {@link #STRONG_LEARNED_PEAK}, and the detector reads hands of either polarity (so its points do not
     *         presuppose one)
     */
    private boolean readsPolarityAt(LandmarkDetection d) {
        return detector != voteDetector && detector.readsAnyOrientation() && d.ok() && d.landmarks().isPresent()
                && meanPeak(d) >= STRONG_LEARNED_PEAK;
    }

    private static double meanPeak(LandmarkDetection d) {
        return d.pointConfidence().values().stream().mapToDouble(Double::doubleValue).average().orElse(0);
    }

    /** @return the direction the fingers point, in degrees clockwise from up, in (-180, 180] */
    static double fingerAngle(HandLandmarks landmarks) {
        Point fingers = landmarks.fingerCentre();
        Point wrist = landmarks.wristCentre();
        return Math.toDegrees(Math.atan2(fingers.x() - wrist.x(), -(fingers.y() - wrist.y())));
    }

    /** One model outcome: the estimate, its interval and the unaugmented estimate, or the error. */
    private record Estimated(BoneAgeEstimate estimate, PredictionInterval interval, BoneAgeEstimate unaugmented,
            BoneAgeException error) {
    }

    private static List<Estimated> plain(List<EstimationOutcome> outcomes) {
        List<Estimated> out = new ArrayList<>(outcomes.size());
        for (EstimationOutcome o : outcomes) {
            out.add(o.isSuccess() ? new Estimated(o.estimate().orElseThrow(), null, o.estimate().orElseThrow(), null)
                    : new Estimated(null, null, null, o.error().orElseThrow()));
        }
        return out;
    }

    private List<Estimated> withIntervals(List<ItemOutcome<IntervalEstimate>> outcomes) {
        UncertaintyCalibration c = uncertainty.calibration();
        String method = String.format(Locale.ROOT, "test-time augmentation (%d passes, %s), split-conformal %s calibration on %d images",
                c.augmentation().passesPerImage(), c.augmentation().aggregation().name().toLowerCase(Locale.ROOT),
                c.method().name().toLowerCase(Locale.ROOT), c.n());
        List<Estimated> out = new ArrayList<>(outcomes.size());
        for (ItemOutcome<IntervalEstimate> o : outcomes) {
            if (o.isSuccess()) {
                IntervalEstimate e = o.orElseThrow();
                out.add(new Estimated(e.estimate(), new PredictionInterval(e.lowerMonths(), e.upperMonths(), e.coverage(), method),
                        e.tta().identity(), null));
            } else {
                out.add(new Estimated(null, null, null, o.error().orElseThrow()));
            }
        }
        return out;
    }

    /** @return the request with its image (and any landmarks) mirrored left to right */
    private static EstimationRequest mirrored(EstimationRequest request) {
        GreyImage image = request.image();
        Orientation mirror = new Orientation(0, true, false);
        EstimationRequest.Builder b = EstimationRequest.builder().setImage(mirror.apply(image))
                .optSourceId(request.sourceId()).optSex(request.sex())
                .optLandmarks(request.landmarks().map(lm -> mirror.apply(lm, image.width(), image.height())).orElse(null));
        request.chronologicalAgeMonths().ifPresent(b::optChronologicalAgeMonths);
        return b.build();
    }

    /** @return the mean of the readings of an image and its mirror image: estimate and interval bounds; any error wins */
    private static Estimated average(Estimated asIs, Estimated mirror) {
        if (asIs.error() != null) {
            return asIs;
        }
        if (mirror.error() != null) {
            return mirror;
        }
        BoneAgeEstimate e = asIs.estimate();
        ModelInfo model = e.model();
        String mirrorModel = mirror.estimate().model().name();
        if (!mirrorModel.equals(model.name())) {
            // The two readings used different parts of the model (an ensemble member left out of one): say both.
            model = new ModelInfo(model.name() + " [mirror image: " + mirrorModel + "]", model.architecture(),
                    model.digest(), model.provenance(), model.heldOutMetrics());
        }
        BoneAgeEstimate mean = new BoneAgeEstimate(e.sourceId(), (e.months() + mirror.estimate().months()) / 2, e.sexUsed(),
                e.roiScheme(), e.roi(), model, e.landmarks(), e.detection());
        PredictionInterval interval = asIs.interval() == null ? null : new PredictionInterval(
                (asIs.interval().lowerMonths() + mirror.interval().lowerMonths()) / 2,
                (asIs.interval().upperMonths() + mirror.interval().upperMonths()) / 2, asIs.interval().coverage(),
                asIs.interval().method() + ", averaged with the mirror image's");
        return new Estimated(mean, interval, asIs.unaugmented(), null);
    }

    private PipelineResult finish(Prepared p, Estimated o) {
        Trace trace = p.trace();
        if (o.error() != null) {
            return trace.failed(o.error());
        }
        BoneAgeEstimate estimate = o.estimate();
        // The DJL estimator checks its own outputs; this check covers every other BoneAgeEstimator a caller brings.
        if (!ImplausibleEstimateException.isPlausible(estimate.months())) {
            return trace.failed(new ImplausibleEstimateException(p.request().sourceId(), estimate.months(),
                    estimate.model().name()));
        }
        List<String> warnings = new ArrayList<>(p.warnings());
        String answered = estimate.model().name();
        String own = estimator.model().name();
        // Without reference points the region members' absence is warned of above; anything else that changed the
        // model's name (an ensemble member left out for reading out of range) is said here, not only in the name.
        if (!answered.equals(own) && !answered.equals(own + EnsembleEstimator.FALLBACK_SUFFIX)) {
            warnings.add("not every part of the model took part in this estimate: " + answered);
        }
        OcclusionHeatmap map = null;
        Heatmap heatmap = null;
        if (explainer != null) {
            try {
                map = explainer.explain(p.request(), o.unaugmented());
                heatmap = reportHeatmap(map);
            } catch (BoneAgeException e) {
                warnings.add("no heatmap: " + e.getMessage());
            }
        }
        BoneAgeReport.Builder b = BoneAgeReport.builder().setEstimate(estimate).optSourceId(p.request().sourceId())
                .optImage(trace.image).optPatientSex(p.sex(), p.sexSource()).optInterval(o.interval()).optHeatmap(heatmap)
                .optLandmarks(p.landmarks() != null ? p.landmarks()
                        : trace.detection == null ? null : trace.detection.landmarks().orElse(null))
                .optHandMask(trace.detection == null ? null : trace.detection.handMask().orElse(null));
        if (gate) {
            b.optQuality(QualityVerdict.OK, summary(trace.checks));
        }
        if (p.ageMonths() != null) {
            b.optChronologicalAgeMonths(p.ageMonths(), p.ageSource());
        }
        if (p.spacing() != null) {
            b.optPixelSpacing(p.spacing().rowSpacingMm(), p.spacing().columnSpacingMm(), "DICOM " + p.spacing().attribute());
        }
        warnings.forEach(b::addWarning);
        return new PipelineResult(p.request().sourceId(), trace.input.file().orElse(null), b.build(), null, trace.checks,
                trace.orientation, trace.detection, trace.image, map);
    }

    /** @return the gate's checks in one line, for the report */
    private static String summary(List<GateCheck> checks) {
        StringBuilder sb = new StringBuilder();
        for (GateCheck c : checks) {
            if (c.outcome() == Outcome.SKIPPED) {
                continue;
            }
            sb.append(sb.length() == 0 ? "" : "; ").append(c.check().name().toLowerCase(Locale.ROOT).replace('_', ' '))
                    .append(": ").append(c.detail());
        }
        return sb.toString();
    }

    /** @return the heatmap in the report's form: months of change per cell over the covered region */
    private static Heatmap reportHeatmap(OcclusionHeatmap map) {
        float[] values = new float[map.columns() * map.rows()];
        for (int r = 0; r < map.rows(); r++) {
            for (int c = 0; c < map.columns(); c++) {
                values[r * map.columns() + c] = (float) map.changeMonths(c, r);
            }
        }
        // The grid's cells are whole squares, so it may reach past the ROI's edge: it covers columns x cell size.
        Roi covered = new Roi(map.roi().x(), map.roi().y(), map.columns() * map.cellSize(), map.rows() * map.cellSize());
        return new Heatmap(map.columns(), map.rows(), values, covered, String.format(Locale.ROOT,
                "occlusion sensitivity, %d px patches, mean |change| in months per %d px cell", map.patchSize(), map.cellSize()));
    }

    private static String describe(RuntimeException e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getClass().getSimpleName() + ": " + e.getMessage();
    }

    /** Builder: {@code setX} for required settings, {@code optX} for optional ones. */
    public static final class Builder {
        private BoneAgeEstimator estimator;
        private LandmarkDetector detector;
        private boolean gate = true;
        private double straightenBeyondDegrees = DEFAULT_STRAIGHTEN_BEYOND_DEGREES;
        private double inversionMargin = InversionCheck.DEFAULT_MARGIN;
        private double minBoneStructure = StructureCheck.DEFAULT_MIN_SPREAD;
        private ImageDecoder decoder;
        private DicomReader dicomReader;
        private UncertaintyEstimator uncertainty;
        private OcclusionSensitivity explainer;

        private Builder() {
        }

        /**
         * @param estimator the model (required); the pipeline uses it but does not close it
         * @return this builder
         */
        public Builder setEstimator(BoneAgeEstimator estimator) {
            this.estimator = Objects.requireNonNull(estimator, "estimator");
            return this;
        }

        /**
         * @param detector the landmark detector behind the hand, orientation and landmark checks (default:
         *                 {@code LandmarkDetectors.defaultDetector()}, the learned detector where its bundle and engine
         *                 are present). A detector that {@linkplain LandmarkDetector#readsAnyOrientation() reads every
         *                 orientation} is cross-checked by the classical detector's four-turn vote on the images it
         *                 does not pass
         * @return this builder
         */
        public Builder optLandmarkDetector(LandmarkDetector detector) {
            this.detector = Objects.requireNonNull(detector, "detector");
            return this;
        }

        /**
         * @param gate {@code false} turns every check and every correction off: the image goes to the model as it came
         *             (points from the detector only where the model needs them). For experiments on curated data
         *             only; default {@code true}
         * @return this builder
         */
        public Builder optQualityGate(boolean gate) {
            this.gate = gate;
            return this;
        }

        /**
         * @param degrees the tilt from upright, in degrees, beyond which a hand the learned landmark detector reads is
         *                straightened (turned by the excess, resampled, so that it lies at this tilt) before
         *                estimation; 45 or more never straightens (default
         *                {@value BoneAgePipeline#DEFAULT_STRAIGHTEN_BEYOND_DEGREES})
         * @return this builder
         */
        public Builder optStraightenBeyondDegrees(double degrees) {
            if (!(degrees >= 0) || !Double.isFinite(degrees)) {
                throw new IllegalArgumentException("straightening bound must be finite and >= 0 degrees, got " + degrees);
            }
            this.straightenBeyondDegrees = degrees;
            return this;
        }

        /**
         * @param margin the inversion statistic's scores within {@code ±margin} of zero are settled by the detector
         *               instead (default {@value InversionCheck#DEFAULT_MARGIN})
         * @return this builder
         */
        public Builder optInversionMargin(double margin) {
            if (!(margin >= 0) || !Double.isFinite(margin)) {
                throw new IllegalArgumentException("inversion margin must be finite and >= 0, got " + margin);
            }
            this.inversionMargin = margin;
            return this;
        }

        /**
         * @param spread the least grey spread of the carpal/metacarpal region, in [0, 1] of the image's stretched range
         *               (default {@value StructureCheck#DEFAULT_MIN_SPREAD})
         * @return this builder
         */
        public Builder optMinBoneStructure(double spread) {
            if (!(spread >= 0 && spread <= 1)) {
                throw new IllegalArgumentException("minimum bone structure spread must lie in [0, 1], got " + spread);
            }
            this.minBoneStructure = spread;
            return this;
        }

        /**
         * @param decoder the PNG/JPEG decoder (default: {@link ImageDecoder#create()})
         * @return this builder
         */
        public Builder optImageDecoder(ImageDecoder decoder) {
            this.decoder = Objects.requireNonNull(decoder, "decoder");
            return this;
        }

        /**
         * @param reader the DICOM reader (default: {@link DicomReader#create()})
         * @return this builder
         */
        public Builder optDicomReader(DicomReader reader) {
            this.dicomReader = Objects.requireNonNull(reader, "reader");
            return this;
        }

        /**
         * @param uncertainty gives each estimate a calibrated interval (by test-time augmentation); must wrap the same
         *                    estimator
         * @return this builder
         */
        public Builder optUncertainty(UncertaintyEstimator uncertainty) {
            this.uncertainty = Objects.requireNonNull(uncertainty, "uncertainty");
            return this;
        }

        /**
         * @param explainer adds an occlusion heatmap to each estimate (its cost per image is bounded by the explainer)
         * @return this builder
         */
        public Builder optExplainer(OcclusionSensitivity explainer) {
            this.explainer = Objects.requireNonNull(explainer, "explainer");
            return this;
        }

        /** @return the pipeline */
        public BoneAgePipeline build() {
            return new BoneAgePipeline(this);
        }
    }
}

package io.github.boneage.preprocess.landmarks;

import io.github.boneage.core.Finger;
import io.github.boneage.core.HandLandmarks;
import io.github.boneage.core.Point;
import io.github.boneage.core.ReferencePoint;
import io.github.boneage.core.image.GreyImage;
import io.github.boneage.core.landmarks.LandmarkDetection;
import io.github.boneage.core.landmarks.LandmarkDetector;
import io.github.boneage.core.landmarks.QualityVerdict;
import io.github.boneage.preprocess.landmarks.impl.Features;
import io.github.boneage.preprocess.landmarks.impl.HandAnalyzer;
import io.github.boneage.preprocess.landmarks.impl.HandShape;
import io.github.boneage.preprocess.landmarks.impl.PointModel;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A pure-Java landmark detector by classical image analysis, with no network. On a copy of the image resampled to
 * {@value #DEFAULT_WORKING_SIDE} px on its longer side it
 * <ol>
 *   <li>ignores a thin border band (film edges, frame lines), detects an inverted grey scale (bright background) and
 *       reads such an image inverted;</li>
 *   <li>thresholds the hand with its soft tissue (between the background level and Otsu's threshold), opens the mask
 *       and labels its connected objects: none large enough gives {@link QualityVerdict#NO_HAND}, two comparable
 *       ones {@link QualityVerdict#MULTIPLE_HANDS}, one covering nearly the whole image or one too convex to have
 *       fingers {@link QualityVerdict#NOT_A_HAND};</li>
 *   <li>finds the palm (the largest inscribed disc) and casts rays from its centre: fingertips are the prominent
 *       peaks of the reach profile away from the forearm, finger valleys the minima between them, the thumb the end
 *       finger with the wider gap to its neighbour;</li>
 *   <li>places the seven reference points with a linear model in the hand frame (palm centre, palm radius, axis from
 *       the palm to the fingers) fitted on annotated real radiographs; when five fingertips are not all visible, a
 *       second model reads the mask outline only, with a lower confidence and without fingertips.</li>
 * </ol>
 * Thread-safe: instances hold only immutable settings.
 */
public final class ClassicalLandmarkDetector implements LandmarkDetector {

    /** Default longer side of the reduced image. */
    public static final int DEFAULT_WORKING_SIDE = 256;
    /** Default confidence below which a detection is reported as {@link QualityVerdict#LOW_CONFIDENCE}. */
    public static final double DEFAULT_MIN_CONFIDENCE = 0.5;
    /** Confidence of points placed from five fingertips and four valleys. */
    static final double TIPS_CONFIDENCE = 0.9;
    /** Confidence of points placed from fingertips that only showed as shallow notches (fingers together). */
    static final double FAINT_TIPS_CONFIDENCE = 0.7;
    /**
     * Confidence of points placed from the mask outline alone: below the default minimum, because on the tune images
     * such placements were often off by a finger's width or more.
     */
    static final double OUTLINE_CONFIDENCE = 0.4;
    /** Confidence of points whose finger points are not in thumb-to-little order across the hand. */
    static final double DISORDERED_CONFIDENCE = 0.3;

    private static final Logger LOG = LoggerFactory.getLogger(ClassicalLandmarkDetector.class);

    private final HandAnalyzer analyzer;
    private final PointModel model;
    private final double minConfidence;

    private ClassicalLandmarkDetector(Builder b) {
        this.analyzer = new HandAnalyzer(b.workingSide);
        this.model = b.model == null ? PointModel.shipped() : b.model;
        this.minConfidence = b.minConfidence;
    }

    /** @return a builder; every setting has a default */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * {@inheritDoc}
     *
     * <p>Never throws on a decodable image: an image the analysis cannot handle (too small, too elongated) is
     * {@link QualityVerdict#NO_HAND} or {@link QualityVerdict#NOT_A_HAND}, and should the analysis itself fail on some
     * unforeseen pixel pattern, that failure is reported as {@link QualityVerdict#NOT_A_HAND} with the error in the
     * reason, so that one image never stops a batch.
     */
    @Override
    public LandmarkDetection detect(GreyImage image, String sourceId) {
        Objects.requireNonNull(image, "image");
        try {
            return detectOrThrow(image);
        } catch (RuntimeException | StackOverflowError e) {
            // A bug in the analysis, not a property of the image the gate could name better: it refuses the image,
            // says why, and lets the batch go on. The fuzz and corpus tests look for such failures.
            LOG.warn("{}: landmark analysis failed; image refused as NOT_A_HAND", sourceId, e);
            return new LandmarkDetection(QualityVerdict.NOT_A_HAND, "the landmark analysis failed on this image ("
                    + e + "); refused rather than estimated", Optional.empty(), Map.of(), 0, false);
        }
    }

    private LandmarkDetection detectOrThrow(GreyImage image) {
        HandAnalyzer.Analysis analysis = analyzer.analyse(image);
        if (analysis.rejection != null) {
            return new LandmarkDetection(analysis.rejection, analysis.reason, Optional.empty(), Map.of(), 0,
                    analysis.inverted);
        }
        HandShape shape = analysis.shape;
        boolean tips = shape.hasFiveTips();
        double[] uv = tips ? model.predict(PointModel.Kind.TIPS, Features.full(shape))
                : model.predict(PointModel.Kind.OUTLINE, Features.outline(shape));
        Map<ReferencePoint, Point> points = new EnumMap<>(ReferencePoint.class);
        for (ReferencePoint rp : ReferencePoint.values()) {
            double[] p = shape.toImage(uv[2 * rp.ordinal()], uv[2 * rp.ordinal() + 1]);
            points.put(rp, new Point(p[0] * analysis.scaleX, p[1] * analysis.scaleY));
        }
        Map<Finger, Point> fingertips = new EnumMap<>(Finger.class);
        if (tips) {
            for (Finger finger : Finger.values()) {
                double[] p = shape.tip(finger.ordinal());
                fingertips.put(finger, new Point(p[0] * analysis.scaleX, p[1] * analysis.scaleY));
            }
        }
        HandLandmarks landmarks = HandLandmarks.of(points, fingertips);
        double confidence = !tips ? OUTLINE_CONFIDENCE : shape.faintTips() ? FAINT_TIPS_CONFIDENCE : TIPS_CONFIDENCE;
        boolean ordered = true;
        for (int k = 0; k + 1 < 5; k++) {
            ordered &= uv[2 * k] < uv[2 * k + 2];
        }
        if (!ordered) {
            confidence = Math.min(confidence, DISORDERED_CONFIDENCE);
        }
        Optional<String> outside = landmarks.firstPointOutside(image.width(), image.height());
        String how = tips ? (shape.faintTips() ? "from 5 faint fingertips and 4 shallow finger valleys (fingers together)"
                : "from 5 fingertips and 4 finger valleys") : "from the hand outline only (fingertips not all separable)";
        QualityVerdict verdict = QualityVerdict.OK;
        String reason = "hand found, points placed " + how;
        if (outside.isPresent()) {
            confidence = Math.min(confidence, 0.2);
            verdict = QualityVerdict.LOW_CONFIDENCE;
            reason = "points placed " + how + ", but " + outside.get() + " falls outside the image";
        } else if (!ordered) {
            verdict = QualityVerdict.LOW_CONFIDENCE;
            reason = "points placed " + how + ", but the finger points are not in thumb-to-little order";
        } else if (confidence < minConfidence) {
            verdict = QualityVerdict.LOW_CONFIDENCE;
            reason = String.format(Locale.ROOT, "points placed %s with confidence %.2f, below the required %.2f", how,
                    confidence, minConfidence);
        }
        // Per point: the overall confidence times how often the fitted model placed that point within 10% of hand
        // size on the annotated tune images (the thumb and the wrist points are the hardest).
        Map<ReferencePoint, Double> perPoint = new EnumMap<>(ReferencePoint.class);
        double[] reliability = model.reliability();
        for (ReferencePoint rp : ReferencePoint.values()) {
            perPoint.put(rp, confidence * reliability[rp.ordinal()]);
        }
        return new LandmarkDetection(verdict, reason, Optional.of(landmarks), perPoint, confidence, analysis.inverted);
    }

    /** Settings of a {@link ClassicalLandmarkDetector}. */
    public static final class Builder {
        private int workingSide = DEFAULT_WORKING_SIDE;
        private double minConfidence = DEFAULT_MIN_CONFIDENCE;
        private PointModel model;

        private Builder() {
        }

        /**
         * @param pixels longer side of the reduced image the analysis runs on (64..2048); the shipped point model was
         *               fitted at the default
         * @return this builder
         */
        public Builder optWorkingSide(int pixels) {
            if (pixels < 64 || pixels > 2048) {
                throw new IllegalArgumentException("working side must lie in 64..2048 px, got " + pixels);
            }
            this.workingSide = pixels;
            return this;
        }

        /**
         * @param confidence detections below it are reported as {@link QualityVerdict#LOW_CONFIDENCE}, in [0, 1]
         * @return this builder
         */
        public Builder optMinConfidence(double confidence) {
            if (!(confidence >= 0 && confidence <= 1)) {
                throw new IllegalArgumentException("minimum confidence must lie in [0, 1], got " + confidence);
            }
            this.minConfidence = confidence;
            return this;
        }

        /**
         * @param model point-placement coefficients to use instead of the shipped ones (for refitting them)
         * @return this builder
         */
        public Builder optPointModel(PointModel model) {
            this.model = Objects.requireNonNull(model, "model");
            return this;
        }

        /** @return the detector */
        public ClassicalLandmarkDetector build() {
            return new ClassicalLandmarkDetector(this);
        }
    }
}

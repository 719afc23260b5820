package io.github.boneage.djl.landmarks;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.translate.NoBatchifyTranslator;
import ai.djl.translate.TranslateException;
import ai.djl.translate.TranslatorContext;
import io.github.boneage.core.HandLandmarks;
import io.github.boneage.core.Point;
import io.github.boneage.core.ReferencePoint;
import io.github.boneage.core.image.GreyImage;
import io.github.boneage.core.landmarks.HandMask;
import io.github.boneage.core.landmarks.LandmarkDetection;
import io.github.boneage.core.landmarks.LandmarkDetector;
import io.github.boneage.core.landmarks.QualityVerdict;
import io.github.boneage.djl.ModelBundleException;
import io.github.boneage.djl.OfflineMode;
import io.github.boneage.djl.landmarks.impl.Affine;
import io.github.boneage.djl.landmarks.impl.Heatmaps;
import io.github.boneage.djl.landmarks.impl.NetInput;
import io.github.boneage.djl.landmarks.impl.PointOrder;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * The learned hand-landmark detector: a small heatmap CNN ({@link LandmarkNetBlock}, trained by
 * {@code io.github.boneage.djl.train.landmarks.LandmarkTrainer}) run on DJL's PyTorch engine, offline. From a raw
 * radiograph of any size, bit depth, rotation, side (left or right hand) and polarity it returns the seven reference
 * points and five fingertips in the input image's pixel coordinates, a confidence per point (the heatmap's peak value),
 * and a verdict:
 * <ul>
 *   <li>{@link QualityVerdict#NO_HAND}: the image is uniform, or the mean peak of the seven reference heatmaps is below
 *       {@link Builder#optNoHandThreshold(double)} (default 0.15);</li>
 *   <li>{@link QualityVerdict#MULTIPLE_HANDS}: the middle-finger heatmap has a second strong peak (at least 0.5 and
 *       60% of the first) more than 0.6 hand sizes away;</li>
 *   <li>{@link QualityVerdict#NOT_A_HAND}: the points found do not form a hand (thumb and index not on the other
 *       side of the wrist-to-middle-finger axis than ring and little, or a hand size under 5% of the image) while the peaks are weak
 *       (mean below 0.3); with strong peaks the same finding gives {@code LOW_CONFIDENCE};</li>
 *   <li>{@link QualityVerdict#LOW_CONFIDENCE}: some reference point's peak is below
 *       {@link Builder#optMinPointConfidence(double)} (default 0.2), or a point lies outside the image;</li>
 *   <li>{@link QualityVerdict#OK} otherwise.</li>
 * </ul>
 * The network runs on the four quarter turns of the image at once (one batch) and the orientation with the strongest
 * peaks is kept ({@link Builder#optQuarterTurns(boolean)}). The verdict rests on that first reading; a passed hand is
 * then read a second time, turned upright and scaled to a standard size, and those points are reported
 * ({@link Builder#optRefine(boolean)}).
 *
 * <p>A bundle with a hand-mask head ({@link LandmarkNetSpec#maskHead()}) also gives every detection that carries
 * points a {@link HandMask}: where the hand is, over the input image ({@link LandmarkDetection#handMask()}).
 *
 * <p>With {@link Builder#optClassicalFallback(LandmarkDetector)}, an image this detector does not pass is given to the
 * fallback, whose detection is returned when it passes (its reason then names both).
 *
 * <p>Thread-safe: each call borrows one of a fixed pool of predictors. {@link #close()} releases the native model.
 */
public final class LearnedLandmarkDetector implements LandmarkDetector, AutoCloseable {

    private final LandmarkBundle bundle;
    private final Model model;
    private final BlockingQueue<Predictor<float[], float[]>> pool;
    private final List<Predictor<float[], float[]>> predictors = new ArrayList<>();
    private final LandmarkDetector fallback;
    private final double noHandThreshold;
    private final double minPointConfidence;
    private final boolean quarterTurns;
    private final boolean uprightFirst;
    private final boolean mirrorAverage;
    private final boolean refine;
    private volatile boolean closed;

    /** Side of a hand-mask cell in network-input pixels. */
    static final int MASK_CELL_INPUT_PIXELS = 2;

    /** Mean reference-point peak at which the upright view alone decides (see {@link Builder#optUprightFirst}). */
    static final double UPRIGHT_EXIT_PEAK = 0.7;

    /** Hand size (wrist centre to middle-finger point) in input pixels of the refining view. */
    static final double REFINE_HAND_SIZE = 52;

    /** Where the refining view centres, from the wrist centre (0) to the middle-finger point (1) and beyond. */
    static final double REFINE_CENTRE = 0.8;

    /** Peak at which a refined point replaces the first reading's. */
    static final double REFINE_MIN_PEAK = 0.3;

    /** Largest magnification of the refining view (a smaller first-reading hand is left as read). */
    static final double REFINE_MAX_ZOOM = 4;

    private LearnedLandmarkDetector(Builder b) {
        OfflineMode.enforce();
        this.bundle = b.bundle != null ? b.bundle : LandmarkBundle.load(b.folder);
        this.fallback = b.fallback;
        this.noHandThreshold = b.noHandThreshold;
        this.minPointConfidence = b.minPointConfidence;
        this.quarterTurns = b.quarterTurns;
        this.uprightFirst = b.uprightFirst;
        this.mirrorAverage = b.mirrorAverage;
        this.refine = b.refine;
        Model m = Model.newInstance(LandmarkBundle.MODEL_NAME, Device.cpu(), bundle.engine());
        try {
            if (bundle.engine().equals(LandmarkBundle.ONNX_ENGINE)) {
                // An ONNX export: the engine gets the checked bytes themselves, not a path it would search.
                byte[] bytes = java.nio.file.Files.readAllBytes(bundle.folder().resolve(bundle.weights()));
                String actual = io.github.boneage.djl.impl.BundleFiles.sha256(bytes);
                if (!actual.equals(bundle.sha256())) {
                    throw new ModelBundleException(bundle.folder().toString(), "weights file " + bundle.weights()
                            + " changed after it was checked: SHA-256 is now " + actual);
                }
                m.load(new java.io.ByteArrayInputStream(bytes));
            } else {
                m.setBlock(new LandmarkNetBlock(bundle.spec()));
                m.load(bundle.folder(), LandmarkBundle.MODEL_NAME);
            }
        } catch (IOException | MalformedModelException | RuntimeException e) {
            m.close();
            throw new ModelBundleException(bundle.folder().toString(), "cannot load " + bundle.weights() + ": " + e.getMessage(), e);
        }
        this.model = m;
        this.pool = new ArrayBlockingQueue<>(b.poolSize);
        for (int i = 0; i < b.poolSize; i++) {
            Predictor<float[], float[]> p = model.newPredictor(new HeatmapTranslator(bundle.spec()));
            predictors.add(p);
            pool.add(p);
        }
    }

    /** @return a builder */
    public static Builder builder() {
        return new Builder();
    }

    /** @return the bundle this detector runs */
    public LandmarkBundle bundle() {
        return bundle;
    }

    @Override
    public LandmarkDetection detect(GreyImage image, String sourceId) {
        Objects.requireNonNull(image, "image");
        LandmarkDetection own = detectLearned(image, sourceId);
        if (own.ok() || fallback == null) {
            return own;
        }
        LandmarkDetection other = fallback.detect(image, sourceId);
        if (!other.ok()) {
            return own;
        }
        return new LandmarkDetection(other.verdict(), "learned detector: " + own.verdict() + " (" + own.reason()
                + "); classical fallback: " + other.reason(), other.landmarks(), other.pointConfidence(), other.confidence(),
                other.invertedCorrected());
    }

    /**
     * @return {@code true} when the detector tries the four quarter turns of every image (the default): its points
     *         then say which way the hand points
     */
    @Override
    public boolean readsAnyOrientation() {
        return quarterTurns;
    }

    /**
     * Runs the network without the fallback.
     *
     * @param image    the radiograph
     * @param sourceId names it in reasons
     * @return the learned detector's own detection
     */
    public LandmarkDetection detectLearned(GreyImage image, String sourceId) {
        if (closed) {
            throw new IllegalStateException("LearnedLandmarkDetector is closed");
        }
        LandmarkNetSpec spec = bundle.spec();
        int s = spec.inputSize();
        if (image.width() < 16 || image.height() < 16) {
            return rejected(QualityVerdict.NO_HAND, sourceId + ": image " + image.width() + "x" + image.height()
                    + " is too small to show a hand (at least 16x16 pixels)");
        }
        NetInput in = NetInput.of(image, s);
        Affine letterbox = in.letterbox(s);
        int turns = quarterTurns ? 4 : 1;
        int h = spec.heatmapSize();
        int cells = h * h;
        float[] batch = new float[turns * s * s];
        Affine[] views = new Affine[turns];
        for (int t = 0; t < turns; t++) {
            // The network was trained mostly on near-upright hands; trying the four quarter turns of the input and
            // keeping the one with the strongest peaks covers every orientation.
            views[t] = letterbox.then(Affine.translation(-s / 2.0, -s / 2.0)).then(Affine.rotation(t * Math.PI / 2))
                    .then(Affine.translation(s / 2.0, s / 2.0));
        }
        float[] upright = in.render(views[0], s);
        if (range(upright) < 1e-3) {
            return rejected(QualityVerdict.NO_HAND, sourceId + ": the image is uniform (no contrast), no hand in it");
        }
        System.arraycopy(NetInput.standardize(upright), 0, batch, 0, s * s);
        float[] all;
        int best = 0;
        if (turns == 4 && uprightFirst) {
            // Most radiographs are upright: the upright view alone, when it reads a hand with strong peaks and the
            // fingers up, is what the four views would have chosen; only other images pay for the three turned views
            // (rendered only then).
            float[] uprightMaps = predict(java.util.Arrays.copyOf(batch, s * s), sourceId);
            if (referenceScore(uprightMaps, 0, spec, cells, h) >= UPRIGHT_EXIT_PEAK * PointOrder.REFERENCE
                    && fingersUp(uprightMaps, cells, h)) {
                all = uprightMaps;
                turns = 1;
            } else {
                renderTurned(in, views, batch, s);
                float[] turned = predict(java.util.Arrays.copyOfRange(batch, s * s, 4 * s * s), sourceId);
                all = new float[uprightMaps.length + turned.length];
                System.arraycopy(uprightMaps, 0, all, 0, uprightMaps.length);
                System.arraycopy(turned, 0, all, uprightMaps.length, turned.length);
            }
        } else {
            renderTurned(in, views, batch, s);
            all = predict(batch, sourceId);
        }
        double bestScore = Double.NEGATIVE_INFINITY;
        for (int t = 0; t < turns; t++) {
            double score = referenceScore(all, t, spec, cells, h);
            if (score > bestScore) {
                bestScore = score;
                best = t;
            }
        }
        float[] maps = java.util.Arrays.copyOfRange(all, best * spec.outputs() * cells, (best + 1) * spec.outputs() * cells);
        requireFinite(maps, sourceId);
        Affine view = views[best];
        Affine back = view.inverse();
        double f = in.factor();
        double[] xs = new double[PointOrder.COUNT];
        double[] ys = new double[PointOrder.COUNT];
        double[] conf = new double[PointOrder.COUNT];
        Heatmaps.Peak[] peaks = new Heatmaps.Peak[PointOrder.COUNT];
        for (int k = 0; k < PointOrder.COUNT; k++) {
            Heatmaps.Peak p = Heatmaps.peak(maps, k * cells, h);
            peaks[k] = p;
            xs[k] = back.x(p.x(), p.y()) * f;
            ys[k] = back.y(p.x(), p.y()) * f;
            conf[k] = Math.max(0, Math.min(1, p.value()));
        }
        float[] mirroredMaps = null;
        Affine mirroredView = null;
        if (mirrorAverage) {
            // The chosen view read once more, mirrored: the network was trained on mirrored hands with their labels,
            // so each heatmap still names the same anatomical point; mapped back, the two readings are averaged.
            mirroredView = mirrored(view, s);
            mirroredMaps = read(in, mirroredView, s, sourceId);
            Affine mirroredBack = mirroredView.inverse();
            for (int k = 0; k < PointOrder.COUNT; k++) {
                Heatmaps.Peak p = Heatmaps.peak(mirroredMaps, k * cells, h);
                xs[k] = (xs[k] + mirroredBack.x(p.x(), p.y()) * f) / 2;
                ys[k] = (ys[k] + mirroredBack.y(p.x(), p.y()) * f) / 2;
                conf[k] = (conf[k] + Math.max(0, Math.min(1, p.value()))) / 2;
            }
        }
        Map<ReferencePoint, Double> pointConfidence = new EnumMap<>(ReferencePoint.class);
        double mean = 0;
        ReferencePoint weakest = ReferencePoint.THUMB;
        for (ReferencePoint rp : ReferencePoint.values()) {
            pointConfidence.put(rp, conf[rp.ordinal()]);
            mean += conf[rp.ordinal()] / ReferencePoint.values().length;
            if (conf[rp.ordinal()] < conf[weakest.ordinal()]) {
                weakest = rp;
            }
        }
        String peaksText = String.format(Locale.ROOT, "mean peak %.2f, weakest %s %.2f", mean, weakest.columnPrefix(),
                conf[weakest.ordinal()]);
        if (mean < noHandThreshold) {
            return new LandmarkDetection(QualityVerdict.NO_HAND, sourceId + ": no hand found (" + peaksText + ", below "
                    + noHandThreshold + ")", Optional.empty(), Map.of(), mean, false);
        }
        Optional<HandMask> handMask = Optional.empty();
        if (spec.maskHead()) {
            HandMask m = handMask(maps, PointOrder.COUNT * cells, h, view, f, image.width(), image.height());
            handMask = Optional.of(mirroredMaps == null ? m
                    : m.averagedWith(handMask(mirroredMaps, PointOrder.COUNT * cells, h, mirroredView, f, image.width(),
                            image.height())));
        }
        HandLandmarks seven = PointOrder.landmarks(xs, ys);
        HandLandmarks points = HandLandmarks.of(seven.points());
        boolean inverted = inverted(in, xs, ys, f);
        // Fingertips are reported only when all five are confidently inside the image (a finger cut off by the film
        // edge has no tip to report); the reason says so when they are left out.
        String tipsNote = "";
        Optional<String> tipOutside = seven.firstPointOutside(image.width(), image.height());
        double minTip = 1;
        for (int k = PointOrder.REFERENCE; k < PointOrder.COUNT; k++) {
            minTip = Math.min(minTip, conf[k]);
        }
        Optional<String> refOutside = points.firstPointOutside(image.width(), image.height());
        HandLandmarks reported = points;
        if (tipOutside.isPresent() && refOutside.isEmpty()) {
            tipsNote = "; fingertips left out (" + tipOutside.get().replaceAll("_[xy]$", "") + " outside the image)";
        } else if (minTip < 0.1) {
            tipsNote = String.format(Locale.ROOT, "; fingertips left out (weakest tip peak %.2f)", minTip);
        } else {
            reported = seven;
        }
        double handSize = points.handSize();
        Optional<String> shapeProblem = shapeProblem(points, handSize, Math.max(image.width(), image.height()));
        if (shapeProblem.isPresent()) {
            QualityVerdict v = mean < 0.3 ? QualityVerdict.NOT_A_HAND : QualityVerdict.LOW_CONFIDENCE;
            return new LandmarkDetection(v, sourceId + ": " + shapeProblem.get() + " (" + peaksText + ")",
                    v == QualityVerdict.LOW_CONFIDENCE ? Optional.of(reported) : Optional.empty(),
                    v == QualityVerdict.LOW_CONFIDENCE ? pointConfidence : Map.of(), Math.min(mean, conf[weakest.ordinal()]),
                    inverted, v == QualityVerdict.LOW_CONFIDENCE ? handMask : Optional.empty());
        }
        int middle = ReferencePoint.MIDDLE.ordinal();
        double handCells = handSize / f * view.lengthScale() / LandmarkNetSpec.STRIDE;
        float second = Heatmaps.secondPeak(maps, middle * cells, h, peaks[middle].x(), peaks[middle].y(), 0.6 * handCells);
        if (second >= 0.5 && second >= 0.6 * peaks[middle].value()) {
            return new LandmarkDetection(QualityVerdict.MULTIPLE_HANDS, String.format(Locale.ROOT,
                    "%s: a second hand was found (second middle-finger peak %.2f against %.2f)", sourceId, second,
                    peaks[middle].value()), Optional.empty(), Map.of(), Math.min(mean, conf[weakest.ordinal()]), inverted);
        }
        double confidence = conf[weakest.ordinal()];
        if (refOutside.isPresent()) {
            return new LandmarkDetection(QualityVerdict.LOW_CONFIDENCE, sourceId + ": point " + refOutside.get()
                    + " lies outside the image (" + peaksText + ")", Optional.of(reported), pointConfidence,
                    Math.min(confidence, 0.5), inverted, handMask);
        }
        if (refine) {
            reported = refined(in, xs, ys, f, s, cells, h, reported, image, sourceId);
        }
        if (confidence < minPointConfidence) {
            return new LandmarkDetection(QualityVerdict.LOW_CONFIDENCE, sourceId + ": " + weakest.columnPrefix()
                    + " point not located reliably (" + peaksText + ", below " + minPointConfidence + ")" + tipsNote,
                    Optional.of(reported), pointConfidence, confidence, inverted, handMask);
        }
        return new LandmarkDetection(QualityVerdict.OK, "learned detector: 7 points (" + peaksText + ")"
                + (inverted ? ", inverted image" : "") + tipsNote, Optional.of(reported), pointConfidence, confidence, inverted,
                handMask);
    }

    /**
     * The mask head's channel mapped back onto the image: a grid of about one cell per
     * {@value #MASK_CELL_INPUT_PIXELS} network-input pixels (half a heatmap cell: the bilinear reading then puts the
     * hand's edge between heatmap cells), each cell's centre carried through the view's map into the heatmap and
     * read bilinearly there (clamped to [0, 1]: the head is trained towards 0 and 1 by squared error, so it may
     * overshoot a little). Image areas the view does not show (outside the letterbox) read 0.
     */
    private static HandMask handMask(float[] maps, int offset, int h, Affine view, double f, int width, int height) {
        double cellPx = MASK_CELL_INPUT_PIXELS * f / view.lengthScale();
        int gw = Math.max(1, Math.min(width, (int) Math.round(width / cellPx)));
        int gh = Math.max(1, Math.min(height, (int) Math.round(height / cellPx)));
        float[] p = new float[gw * gh];
        for (int j = 0; j < gh; j++) {
            for (int i = 0; i < gw; i++) {
                double rx = (i + 0.5) * width / gw / f;
                double ry = (j + 0.5) * height / gh / f;
                double u = view.x(rx, ry) / LandmarkNetSpec.STRIDE - 0.5;
                double v = view.y(rx, ry) / LandmarkNetSpec.STRIDE - 0.5;
                p[j * gw + i] = (float) Math.max(0, Math.min(1, Heatmaps.bilinear(maps, offset, h, u, v)));
            }
        }
        return new HandMask(width, height, gw, gh, p);
    }

    /**
     * The second reading: the hand as the first reading placed it, turned upright (wrist-to-middle-finger axis up),
     * centred and scaled to {@link #REFINE_HAND_SIZE} input pixels, is read again. A small or tilted hand then gets
     * more input pixels and the orientation the network saw most in training. Each point the second reading locates
     * (peak at least {@link #REFINE_MIN_PEAK}) within half a hand size of the first reading's replaces it, mapped back.
     * The refined points are kept only when they pass the checks the first reading's passed (fanned out around the
     * wrist, inside the image; refined fingertips only where the first reading reported fingertips and all five
     * refined ones lie inside the image, else the first reading's), so
     * the verdict, the confidences, the polarity reading and the hand mask remain the first reading's. With mirror
     * averaging the refining view is read mirrored too and the two averaged.
     *
     * @param first the first reading's points as they would be reported
     * @return the refined points, or {@code first}
     */
    private HandLandmarks refined(NetInput in, double[] xs, double[] ys, double f, int s, int cells, int h,
            HandLandmarks first, GreyImage image, String sourceId) {
        // In the reduced image's pixels, where the view is rendered.
        double wx = first.wristCentre().x() / f;
        double wy = first.wristCentre().y() / f;
        double mx = first.point(ReferencePoint.MIDDLE).x() / f;
        double my = first.point(ReferencePoint.MIDDLE).y() / f;
        double handSize = first.handSize() / f;
        if (!(handSize * REFINE_MAX_ZOOM >= REFINE_HAND_SIZE)) {
            return first;
        }
        double axis = Math.atan2(my - wy, mx - wx);
        double cx = wx + REFINE_CENTRE * (mx - wx);
        double cy = wy + REFINE_CENTRE * (my - wy);
        Affine view = Affine.translation(-cx, -cy).then(Affine.rotation(-Math.PI / 2 - axis))
                .then(Affine.scale(REFINE_HAND_SIZE / handSize)).then(Affine.translation(s / 2.0, s / 2.0));
        float[] maps = read(in, view, s, sourceId);
        Affine back = view.inverse();
        float[] mirroredMaps = null;
        Affine mirroredBack = null;
        if (mirrorAverage) {
            Affine mirroredView = mirrored(view, s);
            mirroredMaps = read(in, mirroredView, s, sourceId);
            mirroredBack = mirroredView.inverse();
        }
        double reach = first.handSize() / 2;
        double[] rx = xs.clone();
        double[] ry = ys.clone();
        for (int k = 0; k < PointOrder.COUNT; k++) {
            Heatmaps.Peak p = Heatmaps.peak(maps, k * cells, h);
            double x = back.x(p.x(), p.y()) * f;
            double y = back.y(p.x(), p.y()) * f;
            if (mirroredMaps != null) {
                Heatmaps.Peak q = Heatmaps.peak(mirroredMaps, k * cells, h);
                x = (x + mirroredBack.x(q.x(), q.y()) * f) / 2;
                y = (y + mirroredBack.y(q.x(), q.y()) * f) / 2;
            }
            if (p.value() >= REFINE_MIN_PEAK && Math.hypot(x - xs[k], y - ys[k]) <= reach) {
                rx[k] = x;
                ry[k] = y;
            }
        }
        HandLandmarks seven = PointOrder.landmarks(rx, ry);
        HandLandmarks points = HandLandmarks.of(seven.points());
        if (points.firstPointOutside(image.width(), image.height()).isPresent()
                || shapeProblem(points, points.handSize(), Math.max(image.width(), image.height())).isPresent()) {
            return first;
        }
        boolean withTips = !first.fingertips().isEmpty();
        if (withTips && seven.firstPointOutside(image.width(), image.height()).isEmpty()) {
            return seven;
        }
        return withTips ? HandLandmarks.of(seven.points(), first.fingertips()) : points;
    }

    /** @return {@code view} followed by a mirror image across the vertical centre line of the network input */
    private static Affine mirrored(Affine view, int s) {
        return view.then(Affine.translation(-s / 2.0, 0)).then(Affine.mirrorX()).then(Affine.translation(s / 2.0, 0));
    }

    /** @return the heatmaps of the reduced image rendered through {@code view} into the {@code s}-pixel input, checked finite */
    private float[] read(NetInput in, Affine view, int s, String sourceId) {
        float[] maps = predict(NetInput.standardize(in.render(view, s)), sourceId);
        requireFinite(maps, sourceId);
        return maps;
    }

    /**
     * Broken weights (a diverged training run) must not turn into points or a mask. Nor may a faulty kernel's output:
     * libtorch's oneDNN AVX-512 convolutions wrote channels of NaN on one of our machines (OneDnnIsa), and the
     * detection is refused rather than read again.
     */
    private void requireFinite(float[] maps, String sourceId) {
        for (float v : maps) {
            if (!Float.isFinite(v)) {
                throw new ModelBundleException(bundle.folder().toString(), "the landmark network's output on " + sourceId
                        + " is not finite (" + v + "): its weights " + bundle.weights() + " are broken, or the engine's"
                        + " kernels misbehaved (docs/engines.md#onednn-pytorch-on-cpu)");
            }
        }
    }

    private static LandmarkDetection rejected(QualityVerdict verdict, String reason) {
        return new LandmarkDetection(verdict, reason, Optional.empty(), Map.of(), 0, false);
    }

    private static double range(float[] v) {
        float lo = Float.POSITIVE_INFINITY;
        float hi = Float.NEGATIVE_INFINITY;
        for (float x : v) {
            lo = Math.min(lo, x);
            hi = Math.max(hi, x);
        }
        return hi - lo;
    }

    /**
     * The finger points of a hand fan out around the wrist in thumb-to-little order; a hand also has a size.
     *
     * @return what is wrong, or empty
     */
    private static Optional<String> shapeProblem(HandLandmarks lm, double handSize, int longerSide) {
        if (handSize < 0.05 * longerSide) {
            return Optional.of(String.format(Locale.ROOT, "hand size %.0f px is under 5%% of the image", handSize));
        }
        Point w = lm.wristCentre();
        Point m = lm.point(ReferencePoint.MIDDLE);
        double axis = Math.atan2(m.y() - w.y(), m.x() - w.x());
        double[] a = new double[5];
        int k = 0;
        for (ReferencePoint rp : ReferencePoint.values()) {
            if (rp.isFinger()) {
                Point p = lm.point(rp);
                double d = Math.atan2(p.y() - w.y(), p.x() - w.x()) - axis;
                a[k++] = Math.atan2(Math.sin(d), Math.cos(d));
            }
        }
        // Thumb and index lie on one side of the wrist-to-middle-finger axis, ring and little on the other. (A
        // strict angular order is too strict: ring and little, and index and middle, often lie within a few degrees.)
        boolean thumbSide = a[0] < 0 && a[1] < 0 && a[3] > 0 && a[4] > 0;
        boolean otherSide = a[0] > 0 && a[1] > 0 && a[3] < 0 && a[4] < 0;
        if (!thumbSide && !otherSide) {
            return Optional.of("finger points are not fanned out thumb-and-index against ring-and-little around the "
                    + "wrist-to-middle-finger axis");
        }
        return Optional.empty();
    }

    /**
     * Bone brighter than its surroundings is the usual polarity; bone at the seven points darker than the image's median
     * grey means an inverted image. The median, not the image border: films framed by a bright unexposed border (or a
     * white collimation edge) made upright radiographs read as inverted when the border stood for the background.
     */
    private static boolean inverted(NetInput in, double[] xs, double[] ys, double f) {
        float[] p = in.pixels();
        double sum = 0;
        int n = 0;
        for (int k = 0; k < PointOrder.REFERENCE; k++) {
            int cx = (int) Math.floor(xs[k] / f);
            int cy = (int) Math.floor(ys[k] / f);
            for (int dy = -1; dy <= 1; dy++) {
                for (int dx = -1; dx <= 1; dx++) {
                    int x = cx + dx;
                    int y = cy + dy;
                    if (x >= 0 && y >= 0 && x < in.width() && y < in.height()) {
                        sum += p[y * in.width() + x];
                        n++;
                    }
                }
            }
        }
        if (n == 0) {
            return false;
        }
        return sum / n < in.median();
    }

    /** Renders and standardizes views 1 and up into their slots of {@code batch} (view 0 is already there). */
    private static void renderTurned(NetInput in, Affine[] views, float[] batch, int s) {
        for (int t = 1; t < views.length; t++) {
            System.arraycopy(NetInput.standardize(in.render(views[t], s)), 0, batch, t * s * s, s * s);
        }
    }

    /** @return the sum of the seven reference points' peak values in view {@code t} of {@code maps} */
    private static double referenceScore(float[] maps, int t, LandmarkNetSpec spec, int cells, int h) {
        double score = 0;
        for (int k = 0; k < PointOrder.REFERENCE; k++) {
            score += Heatmaps.peak(maps, (t * spec.outputs() + k) * cells, h).value();
        }
        return score;
    }

    /**
     * @return whether, in view 0 of {@code maps}, the five phalanx points' centre lies above the radius and ulna
     *         points' centre within 45 degrees of straight up (heatmap rows grow downwards)
     */
    private static boolean fingersUp(float[] maps, int cells, int h) {
        double fx = 0;
        double fy = 0;
        double wx = 0;
        double wy = 0;
        for (int k = 0; k < PointOrder.REFERENCE; k++) {
            Heatmaps.Peak p = Heatmaps.peak(maps, k * cells, h);
            if (k < PointOrder.REFERENCE - 2) {
                fx += p.x() / (PointOrder.REFERENCE - 2);
                fy += p.y() / (PointOrder.REFERENCE - 2);
            } else {
                wx += p.x() / 2;
                wy += p.y() / 2;
            }
        }
        double up = wy - fy;
        return up > 0 && Math.abs(fx - wx) <= up;
    }

    private float[] predict(float[] input, String sourceId) {
        Predictor<float[], float[]> p;
        try {
            p = pool.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for a predictor for " + sourceId, e);
        }
        try {
            return p.predict(input);
        } catch (TranslateException e) {
            throw new ModelBundleException(bundle.folder().toString(), "inference failed on " + sourceId + ": " + e.getMessage(), e);
        } finally {
            pool.add(p);
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        predictors.forEach(Predictor::close);
        model.close();
    }

    /** Feeds one standardized input and returns the heatmaps as a flat array. */
    private static final class HeatmapTranslator implements NoBatchifyTranslator<float[], float[]> {
        private final LandmarkNetSpec spec;

        HeatmapTranslator(LandmarkNetSpec spec) {
            this.spec = spec;
        }

        @Override
        public NDList processInput(TranslatorContext ctx, float[] input) {
            int s = spec.inputSize();
            return new NDList(ctx.getNDManager().create(FloatBuffer.wrap(input), new Shape(input.length / (s * s), 1, s, s)));
        }

        @Override
        public float[] processOutput(TranslatorContext ctx, NDList list) {
            NDArray out = list.singletonOrThrow();
            return out.toFloatArray();
        }
    }

    /** Builder of {@link LearnedLandmarkDetector}. */
    public static final class Builder {
        private Path folder;
        private LandmarkBundle bundle;
        private LandmarkDetector fallback;
        private double noHandThreshold = 0.15;
        private double minPointConfidence = 0.2;
        private int poolSize = Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors()));
        private boolean quarterTurns = true;
        private boolean uprightFirst = true;
        private boolean mirrorAverage = false;
        private boolean refine = true;

        private Builder() {
        }

        /**
         * @param value the bundle folder (with {@value LandmarkBundle#MANIFEST}); required unless a loaded bundle is set
         * @return this builder
         */
        public Builder setBundle(Path value) {
            this.folder = Objects.requireNonNull(value, "bundle folder");
            this.bundle = null;
            return this;
        }

        /**
         * @param value an already loaded bundle
         * @return this builder
         */
        public Builder setBundle(LandmarkBundle value) {
            this.bundle = Objects.requireNonNull(value, "bundle");
            this.folder = null;
            return this;
        }

        /**
         * @param value a detector asked when this one does not pass an image (e.g. the classical detector)
         * @return this builder
         */
        public Builder optClassicalFallback(LandmarkDetector value) {
            this.fallback = Objects.requireNonNull(value, "fallback");
            return this;
        }

        /**
         * @param value mean reference-point peak below which the image is {@code NO_HAND} (default 0.15), in [0, 1]
         * @return this builder
         */
        public Builder optNoHandThreshold(double value) {
            if (!(value >= 0 && value <= 1)) {
                throw new IllegalArgumentException("no-hand threshold must lie in [0, 1], got " + value);
            }
            this.noHandThreshold = value;
            return this;
        }

        /**
         * @param value peak below which a reference point makes the detection {@code LOW_CONFIDENCE} (default 0.2)
         * @return this builder
         */
        public Builder optMinPointConfidence(double value) {
            if (!(value >= 0 && value <= 1)) {
                throw new IllegalArgumentException("minimum point confidence must lie in [0, 1], got " + value);
            }
            this.minPointConfidence = value;
            return this;
        }

        /**
         * @param value whether to run the network on the four quarter turns of the image and keep the orientation with
         *              the strongest peaks (default {@code true}; {@code false} runs it once, about 4x faster, for
         *              images known to be upright within +-30 degrees)
         * @return this builder
         */
        public Builder optQuarterTurns(boolean value) {
            this.quarterTurns = value;
            return this;
        }

        /**
         * @param value with quarter turns, whether to run the upright view alone first and the three turned views only
         *              when it does not read a hand with strong peaks (mean reference peak at least
         *              {@value LearnedLandmarkDetector#UPRIGHT_EXIT_PEAK}) and the fingers up (default {@code true}:
         *              4.8 against 9.7 ms per detection, measured on 2,100 real radiographs and turned copies)
         * @return this builder
         */
        public Builder optUprightFirst(boolean value) {
            this.uprightFirst = value;
            return this;
        }

        /**
         * @param value whether to read the chosen view a second time mirrored and average the two readings' points,
         *              confidences and hand masks, and likewise the refining view's points (default {@code false};
         *              one more forward pass per reading)
         * @return this builder
         */
        public Builder optMirrorAverage(boolean value) {
            this.mirrorAverage = value;
            return this;
        }

        /**
         * @param value whether to read the hand a second time, turned upright, centred and scaled to a standard size,
         *              and take the points from that reading (default {@code true}; one more forward pass per image
         *              with points; on the 64 held-out annotated radiographs all seven points within 15% of hand size
         *              on 63 against 62, docs/landmarks.md)
         * @return this builder
         */
        public Builder optRefine(boolean value) {
            this.refine = value;
            return this;
        }

        /**
         * @param value predictors in the pool, i.e. images detected concurrently (default min(4, cores))
         * @return this builder
         */
        public Builder optPoolSize(int value) {
            if (value < 1) {
                throw new IllegalArgumentException("pool size must be at least 1, got " + value);
            }
            this.poolSize = value;
            return this;
        }

        /**
         * @return the detector, with its model loaded
         * @throws ModelBundleException when the bundle is missing, malformed or its weights do not load
         */
        public LearnedLandmarkDetector build() {
            if (folder == null && bundle == null) {
                throw new IllegalStateException("setBundle is required");
            }
            return new LearnedLandmarkDetector(this);
        }
    }
}

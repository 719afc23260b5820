package io.github.boneage.synthetic;

import io.github.boneage.core.Finger;
import io.github.boneage.core.HandLandmarks;
import io.github.boneage.core.Point;
import io.github.boneage.core.ReferencePoint;
import io.github.boneage.core.Roi;
import io.github.boneage.core.Sex;
import io.github.boneage.core.image.GreyImage;
import io.github.boneage.synthetic.impl.Distractors;
import io.github.boneage.synthetic.impl.Film;
import io.github.boneage.synthetic.impl.HandModel;
import io.github.boneage.synthetic.impl.Maturity;
import io.github.boneage.synthetic.impl.Placement;
import io.github.boneage.synthetic.impl.Shape;
import io.github.boneage.synthetic.impl.SplitMix64;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Generates synthetic hand radiographs (left hand, PA view, fingers up before rotation) with exact landmarks and an
 * age that drives visible morphology: hand and bone size, appearance and growth of the carpal ossification centres,
 * appearance, widening and fusion of the epiphyses, with girls maturing earlier than boys. The images have no clinical
 * meaning; they exist so that tests and demos have realistic, licence-free inputs.
 *
 * <p>{@link #generate(long)} is a pure function of the settings, the seed and the index: the same three always give
 * bit-identical images and identical ground truth, whatever the call order or thread. Each aspect of a sample (age and
 * sex, pose, anatomy, finger pose, appearance, distractors, noise) draws from its own random stream, so changing e.g.
 * the noise range does not move the hand. A generator is immutable and thread-safe.
 *
 * <pre>{@code
 * SyntheticHandGenerator generator = SyntheticHandGenerator.builder()
 *         .setSeed(42)
 *         .optImageSize(256, 256)
 *         .optRotationRange(-180, 180)
 *         .build();
 * SyntheticHand hand = generator.generate(7L);
 * }</pre>
 */
public final class SyntheticHandGenerator {

    /** Oldest age the generator draws, months (19 years: every growth plate fused). */
    public static final int MAX_AGE_MONTHS = 228;

    /** Fraction of the image kept free around the hand at the largest scale. */
    private static final double FIT_MARGIN = 0.03;
    /** Largest anode heel effect: brightness change across the image. */
    private static final double MAX_HEEL_SLOPE = 0.06;

    private static final int STREAM_SUBJECT = 1;
    private static final int STREAM_POSE = 2;
    private static final int STREAM_ANATOMY = 3;
    private static final int STREAM_FINGERS = 4;
    private static final int STREAM_APPEARANCE = 5;
    private static final int STREAM_DISTRACTORS = 6;
    private static final int STREAM_NOISE = 7;

    private final long seed;
    private final int width;
    private final int height;
    private final int minAge;
    private final int maxAge;
    private final Sex sex;
    private final double[] spread;
    private final double[] curl;
    private final double[] rotation;
    private final double[] scale;
    private final double translation;
    private final double flipProbability;
    private final double inversionProbability;
    private final double[] background;
    private final double[] contrast;
    private final double[] gamma;
    private final double[] noise;
    private final double[] blur;
    private final double markerProbability;
    private final double frameProbability;
    private final int bitDepth;
    private final AgeSignalRegion signalRegion;
    private final double fixedAge;

    private SyntheticHandGenerator(Builder b) {
        this.seed = b.seed;
        this.width = b.width;
        this.height = b.height;
        this.minAge = b.minAge;
        this.maxAge = b.maxAge;
        this.sex = b.sex;
        this.spread = b.spread.clone();
        this.curl = b.curl.clone();
        this.rotation = b.rotation.clone();
        this.scale = b.scale.clone();
        this.translation = b.translation;
        this.flipProbability = b.flipProbability;
        this.inversionProbability = b.inversionProbability;
        this.background = b.background.clone();
        this.contrast = b.contrast.clone();
        this.gamma = b.gamma.clone();
        this.noise = b.noise.clone();
        this.blur = b.blur.clone();
        this.markerProbability = b.markerProbability;
        this.frameProbability = b.frameProbability;
        this.bitDepth = b.bitDepth;
        this.signalRegion = b.signalRegion;
        this.fixedAge = b.fixedAge;
    }

    /** @return a builder with the defaults listed on its methods; {@link Builder#setSeed(long)} is required */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Generates samples {@code 0 .. count-1}. Note the overload: {@code generate(3)} is this list, {@code generate(3L)}
     * a single hand.
     *
     * @param count how many
     * @return the hands in index order
     * @throws IllegalArgumentException if count is negative
     */
    public List<SyntheticHand> generate(int count) {
        return generate(0, count);
    }

    /**
     * @param firstIndex index of the first sample
     * @param count      how many consecutive samples
     * @return the hands in index order
     * @throws IllegalArgumentException if count is negative
     */
    public List<SyntheticHand> generate(long firstIndex, int count) {
        if (count < 0) {
            throw new IllegalArgumentException("sample count must be >= 0, got " + count);
        }
        List<SyntheticHand> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            out.add(generate(firstIndex + i));
        }
        return out;
    }

    /**
     * Generates the sample with the given index.
     *
     * @param index any value; each gives a different hand
     * @return the hand, a pure function of this generator's settings and {@code index}
     */
    public SyntheticHand generate(long index) {
        SplitMix64 subject = SplitMix64.stream(seed, index, STREAM_SUBJECT);
        int age = subject.uniformInt(minAge, maxAge);
        boolean drawnMale = subject.bernoulli(0.5);
        Sex handSex = sex != Sex.UNKNOWN ? sex : drawnMale ? Sex.MALE : Sex.FEMALE;

        SplitMix64 poseRandom = SplitMix64.stream(seed, index, STREAM_POSE);
        double fingerSpread = poseRandom.uniform(spread[0], spread[1]);
        double fingerCurl = poseRandom.uniform(curl[0], curl[1]);
        double rotationDegrees = poseRandom.uniform(rotation[0], rotation[1]);
        double relativeScale = poseRandom.uniform(scale[0], scale[1]);
        double shiftX = poseRandom.symmetric(translation);
        double shiftY = poseRandom.symmetric(translation);
        boolean flipped = poseRandom.bernoulli(flipProbability);

        HandModel model = new HandModel(handSex, HandModel.Ages.of(age, signalRegion, fixedAge), fingerSpread,
                fingerCurl, SplitMix64.stream(seed, index, STREAM_ANATOMY),
                SplitMix64.stream(seed, index, STREAM_FINGERS));

        // Fit the hand's box (after rotation) into the image, then shrink young hands partly: radiographers
        // collimate closer on small hands, so on the image a hand's size grows like the square root of its true size.
        Placement unit = new Placement(0, 0, 1, rotationDegrees, flipped);
        double[] box = Shape.emptyBounds();
        for (double[] p : model.keepInPoints()) {
            grow(box, unit.x(p[0], p[1]), unit.y(p[0], p[1]));
        }
        double boxWidth = box[2] - box[0];
        double boxHeight = box[3] - box[1];
        double fit = Math.min(width * (1 - 2 * FIT_MARGIN) / boxWidth, height * (1 - 2 * FIT_MARGIN) / boxHeight);
        double pixelsPerMm = fit * relativeScale * Math.sqrt(model.handLengthMm() / Maturity.adultHandLengthMm());
        double offsetX = shiftX * 0.5 * (width - boxWidth * pixelsPerMm);
        double offsetY = shiftY * 0.5 * (height - boxHeight * pixelsPerMm);
        double originX = 0.5 * width + offsetX - pixelsPerMm * 0.5 * (box[0] + box[2]);
        double originY = 0.5 * height + offsetY - pixelsPerMm * 0.5 * (box[1] + box[3]);
        Placement placement = new Placement(originX, originY, pixelsPerMm, rotationDegrees, flipped);
        double halfBoxWidth = 0.5 * boxWidth * pixelsPerMm;
        double halfBoxHeight = 0.5 * boxHeight * pixelsPerMm;
        double[] handBox = {0.5 * width + offsetX - halfBoxWidth, 0.5 * height + offsetY - halfBoxHeight,
            0.5 * width + offsetX + halfBoxWidth, 0.5 * height + offsetY + halfBoxHeight};

        Film film = new Film(width, height);
        for (Shape s : model.softTissue()) {
            film.addSoftTissue(s.transformed(placement));
        }
        for (List<Shape> bone : model.bones()) {
            List<Shape> parts = new ArrayList<>(bone.size());
            for (Shape s : bone) {
                parts.add(s.transformed(placement));
            }
            film.addBone(parts);
        }
        // Exposure is adapted to the hand's thickness, so small hands are not faint.
        float[] attenuation = film.attenuation(
                StrictMath.pow(Maturity.adultHandLengthMm() / model.handLengthMm(), 0.8));

        SplitMix64 look = SplitMix64.stream(seed, index, STREAM_APPEARANCE);
        boolean inverted = look.bernoulli(inversionProbability);
        double bg = look.uniform(background[0], background[1]);
        double span = look.uniform(contrast[0], contrast[1]);
        double exponent = look.uniform(gamma[0], gamma[1]);
        double noiseSigma = look.uniform(noise[0], noise[1]);
        double blurSigma = look.uniform(blur[0], blur[1]);
        double heelSlope = look.uniform(0, MAX_HEEL_SLOPE);
        double heelAngle = look.uniform(0, 2 * Math.PI);

        SplitMix64 extras = SplitMix64.stream(seed, index, STREAM_DISTRACTORS);
        boolean frame = extras.bernoulli(frameProbability);
        // The exposed field keeps 20-90% of the free space on each side of the hand.
        double[] field = {extras.uniform(0.2, 0.9) * handBox[0], extras.uniform(0.2, 0.9) * handBox[1],
            width - extras.uniform(0.2, 0.9) * (width - handBox[2]),
            height - extras.uniform(0.2, 0.9) * (height - handBox[3])};
        double frameStrength = extras.uniform(2, 5);
        boolean marker = extras.bernoulli(markerProbability);
        double cell = Math.min(width, height) * extras.uniform(0.008, 0.013);
        int firstCorner = extras.uniformInt(0, 3);
        double markerAngle = extras.symmetric(StrictMath.toRadians(12));
        if (frame) {
            Distractors.collimation(attenuation, width, height, field, frameStrength);
        }
        if (marker) {
            double[] area = frame ? field : new double[] {0, 0, width, height};
            double[] centre = markerCentre(area, handBox, cell, firstCorner);
            Distractors.marker(attenuation, width, height, flipped ? 'R' : 'L', centre[0], centre[1], cell,
                    markerAngle, 0.35, 2.5);
        }

        GreyImage image = film.develop(bg, span, exponent, heelSlope, heelAngle, blurSigma, noiseSigma,
                SplitMix64.stream(seed, index, STREAM_NOISE), inverted, bitDepth);

        Map<AgeSignalRegion, Roi> regions = new EnumMap<>(AgeSignalRegion.class);
        for (AgeSignalRegion region : AgeSignalRegion.values()) {
            double[] r = Shape.emptyBounds();
            for (double[] p : model.footprint(region)) {
                grow(r, placement.x(p[0], p[1]), placement.y(p[0], p[1]));
            }
            regions.put(region, Roi.enclosing(r[0], r[1], r[2], r[3], width, height));
        }
        SyntheticPose pose = new SyntheticPose(rotationDegrees, relativeScale, pixelsPerMm, offsetX, offsetY, flipped,
                fingerSpread, fingerCurl);
        SyntheticAppearance appearance = new SyntheticAppearance(inverted, bg, span, exponent, noiseSigma, blurSigma,
                marker, frame, bitDepth);
        return new SyntheticHand(index, image, landmarks(model, placement), age, handSex, pose, appearance,
                model.handLengthMm(), model.ossifiedCarpals(), model.epiphyses(), regions);
    }

    private static HandLandmarks landmarks(HandModel model, Placement placement) {
        double[][] points = model.referencePoints();
        double[][] tips = model.fingertips();
        Map<ReferencePoint, Point> reference = new EnumMap<>(ReferencePoint.class);
        for (ReferencePoint rp : ReferencePoint.values()) {
            double[] p = points[rp.ordinal()];
            reference.put(rp, new Point(placement.x(p[0], p[1]), placement.y(p[0], p[1])));
        }
        Map<Finger, Point> fingertips = new EnumMap<>(Finger.class);
        for (Finger f : Finger.values()) {
            double[] p = tips[f.ordinal()];
            fingertips.put(f, new Point(placement.x(p[0], p[1]), placement.y(p[0], p[1])));
        }
        return HandLandmarks.of(reference, fingertips);
    }

    /** The first corner of {@code area}, from {@code firstCorner} on, where the marker clears the hand's box. */
    private static double[] markerCentre(double[] area, double[] handBox, double cell, int firstCorner) {
        double reach = 0.5 * cell * Math.hypot(Distractors.markerColumns(), Distractors.markerRows()) + 2;
        double[] chosen = null;
        for (int k = 0; k < 4; k++) {
            int corner = (firstCorner + k) % 4;
            double cx = corner % 2 == 0 ? area[0] + reach : area[2] - reach;
            double cy = corner < 2 ? area[1] + reach : area[3] - reach;
            boolean clear = cx + reach < handBox[0] || cx - reach > handBox[2] || cy + reach < handBox[1]
                    || cy - reach > handBox[3];
            if (clear) {
                return new double[] {cx, cy};
            }
            if (chosen == null) {
                chosen = new double[] {cx, cy};
            }
        }
        return chosen;
    }

    private static void grow(double[] box, double x, double y) {
        box[0] = Math.min(box[0], x);
        box[1] = Math.min(box[1], y);
        box[2] = Math.max(box[2], x);
        box[3] = Math.max(box[3], y);
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "SyntheticHandGenerator[seed=%d, %dx%d, %d bit, age %d..%d, %s, region %s]",
                seed, width, height, bitDepth, minAge, maxAge, sex.label(), signalRegion);
    }

    /**
     * Settings of a {@link SyntheticHandGenerator}. Ranges are inclusive {@code [min, max]}; a value is drawn uniformly
     * per sample, so {@code min == max} fixes it. Every setter rejects a bad argument with an
     * {@link IllegalArgumentException} that names the setting and the value.
     */
    public static final class Builder {

        private Long seed;
        private int width = 512;
        private int height = 640;
        private int minAge = 0;
        private int maxAge = MAX_AGE_MONTHS;
        private Sex sex = Sex.UNKNOWN;
        private double[] spread = {0.2, 0.9};
        private double[] curl = {0, 0.3};
        private double[] rotation = {-10, 10};
        private double[] scale = {0.8, 1};
        private double translation = 0.8;
        private double flipProbability;
        private double inversionProbability;
        private double[] background = {0.02, 0.15};
        private double[] contrast = {0.7, 0.95};
        private double[] gamma = {0.8, 1.3};
        private double[] noise = {0.005, 0.02};
        private double[] blur = {0.4, 1.0};
        private double markerProbability;
        private double frameProbability;
        private int bitDepth = 8;
        private AgeSignalRegion signalRegion = AgeSignalRegion.WHOLE_HAND;
        private double fixedAge = 120;

        private Builder() {
        }

        /**
         * Required. Together with the index it determines every sample.
         *
         * @param seed any value
         * @return this builder
         */
        public Builder setSeed(long seed) {
            this.seed = seed;
            return this;
        }

        /**
         * @param width  image width in pixels, 32..8192 (default 512)
         * @param height image height in pixels, 32..8192 (default 640)
         * @return this builder
         */
        public Builder optImageSize(int width, int height) {
            if (width < 32 || height < 32 || width > 8192 || height > 8192) {
                throw new IllegalArgumentException(
                        "image size must be 32..8192 pixels on each side, got " + width + "x" + height);
            }
            this.width = width;
            this.height = height;
            return this;
        }

        /**
         * @param minMonths youngest age, months (default 0)
         * @param maxMonths oldest age, months, at most {@value SyntheticHandGenerator#MAX_AGE_MONTHS} (default)
         * @return this builder
         */
        public Builder optAgeRange(int minMonths, int maxMonths) {
            if (minMonths < 0 || maxMonths > MAX_AGE_MONTHS || minMonths > maxMonths) {
                throw new IllegalArgumentException("age range must satisfy 0 <= min <= max <= " + MAX_AGE_MONTHS
                        + " months, got [" + minMonths + ", " + maxMonths + "]");
            }
            this.minAge = minMonths;
            this.maxAge = maxMonths;
            return this;
        }

        /**
         * @param sex {@link Sex#MALE} or {@link Sex#FEMALE} for every sample, or {@link Sex#UNKNOWN} (default) for a
         *            sex drawn per sample with equal probability
         * @return this builder
         */
        public Builder optSex(Sex sex) {
            if (sex == null) {
                throw new IllegalArgumentException(
                        "sex must not be null (use Sex.UNKNOWN for a random sex per sample)");
            }
            this.sex = sex;
            return this;
        }

        /**
         * @param min least finger abduction, 0 (together) .. 1 (spread wide)
         * @param max most finger abduction (default range 0.2..0.9)
         * @return this builder
         */
        public Builder optFingerSpread(double min, double max) {
            this.spread = range("finger spread", min, max, 0, 1);
            return this;
        }

        /**
         * @param min least finger flexion, 0 (flat) .. 1 (curled: phalanges foreshortened up to about 90 degrees)
         * @param max most finger flexion (default range 0..0.3)
         * @return this builder
         */
        public Builder optFingerCurl(double min, double max) {
            this.curl = range("finger curl", min, max, 0, 1);
            return this;
        }

        /**
         * @param minDegrees least rotation as displayed, clockwise, -180..180; (-180, 180) allows any angle
         * @param maxDegrees most rotation (default range -10..10)
         * @return this builder
         */
        public Builder optRotationRange(double minDegrees, double maxDegrees) {
            this.rotation = range("rotation (degrees)", minDegrees, maxDegrees, -180, 180);
            return this;
        }

        /**
         * Scale relative to the largest size at which the hand (all fingertips, the palm and the distal forearm)
         * still fits in the image at its rotation; a young hand is drawn smaller than that by the square root of its
         * size over an adult's.
         *
         * @param min smallest relative scale, in (0, 1]
         * @param max largest relative scale, in (0, 1] (default range 0.8..1)
         * @return this builder
         */
        public Builder optScaleRange(double min, double max) {
            this.scale = range("scale", min, max, 0, 1);
            if (min <= 0) {
                throw new IllegalArgumentException("scale must be greater than 0, got [" + min + ", " + max + "]");
            }
            return this;
        }

        /**
         * @param fraction how much of the free space around the hand a random shift may use, 0 (centred) .. 1
         *                 (default 0.8)
         * @return this builder
         */
        public Builder optTranslation(double fraction) {
            this.translation = probability("translation fraction", fraction);
            return this;
        }

        /**
         * @param probability chance that a sample shows a right hand (the left hand mirrored, thumb on the image's
         *                    left), 0..1 (default 0: always a left hand, as in RSNA images)
         * @return this builder
         */
        public Builder optFlipProbability(double probability) {
            this.flipProbability = probability("flip probability", probability);
            return this;
        }

        /**
         * @param probability chance that a sample is shown inverted (bone dark, background bright), 0..1 (default 0)
         * @return this builder
         */
        public Builder optInversionProbability(double probability) {
            this.inversionProbability = probability("inversion probability", probability);
            return this;
        }

        /**
         * @param min least background grey level, fraction of full scale, 0..0.5
         * @param max most background grey level (default range 0.02..0.15)
         * @return this builder
         */
        public Builder optBackgroundRange(double min, double max) {
            this.background = range("background", min, max, 0, 0.5);
            return this;
        }

        /**
         * Grey-level span from background to fully attenuating matter; with a bright background and high contrast
         * the brightest bone saturates, as on an over-windowed display.
         *
         * @param min least contrast, in (0, 1]
         * @param max most contrast (default range 0.7..0.95)
         * @return this builder
         */
        public Builder optContrastRange(double min, double max) {
            this.contrast = range("contrast", min, max, 0, 1);
            if (min <= 0) {
                throw new IllegalArgumentException("contrast must be greater than 0, got [" + min + ", " + max + "]");
            }
            return this;
        }

        /**
         * @param min least display gamma, 0.2..5
         * @param max most display gamma (default range 0.8..1.3)
         * @return this builder
         */
        public Builder optGammaRange(double min, double max) {
            this.gamma = range("gamma", min, max, 0.2, 5);
            return this;
        }

        /**
         * @param min least noise standard deviation, fraction of full scale, 0..0.5
         * @param max most noise (default range 0.005..0.02)
         * @return this builder
         */
        public Builder optNoiseRange(double min, double max) {
            this.noise = range("noise", min, max, 0, 0.5);
            return this;
        }

        /**
         * @param minSigma least Gaussian blur, pixels, 0..10 (below 0.3 no blur is applied)
         * @param maxSigma most blur (default range 0.4..1)
         * @return this builder
         */
        public Builder optBlurRange(double minSigma, double maxSigma) {
            this.blur = range("blur sigma (pixels)", minSigma, maxSigma, 0, 10);
            return this;
        }

        /**
         * @param probability chance of a burned-in lead side marker ('L', or 'R' on a flipped hand) in a corner
         *                    clear of the hand where one exists, 0..1 (default 0)
         * @return this builder
         */
        public Builder optMarkerProbability(double probability) {
            this.markerProbability = probability("marker probability", probability);
            return this;
        }

        /**
         * @param probability chance of a bright collimation frame around the exposed field (which always contains
         *                    the hand), 0..1 (default 0)
         * @return this builder
         */
        public Builder optFrameProbability(double probability) {
            this.frameProbability = probability("frame probability", probability);
            return this;
        }

        /**
         * @param bits 8 (default) for {@code GreyImage8} output, 9..16 for a {@code GreyImage16} of that bit depth
         *             (12 for a typical radiograph)
         * @return this builder
         */
        public Builder optBitDepth(int bits) {
            if (bits < 8 || bits > 16) {
                throw new IllegalArgumentException("bit depth must be 8..16, got " + bits);
            }
            this.bitDepth = bits;
            return this;
        }

        /**
         * Confines the age signal to one region, everything else drawn at 120 months. See
         * {@link #optAgeSignalRegion(AgeSignalRegion, double)}.
         *
         * @param region where the age signal lives (default {@link AgeSignalRegion#WHOLE_HAND})
         * @return this builder
         */
        public Builder optAgeSignalRegion(AgeSignalRegion region) {
            return optAgeSignalRegion(region, 120);
        }

        /**
         * Confines the age signal to one region: only that region's maturation follows each sample's age; hand size,
         * bone lengths and all other regions are drawn at {@code fixedAgeMonths}. Labels stay the drawn age, so a
         * model can only learn the age from that region.
         *
         * @param region         where the age signal lives
         * @param fixedAgeMonths the age of everything else, 0..{@value SyntheticHandGenerator#MAX_AGE_MONTHS}
         * @return this builder
         */
        public Builder optAgeSignalRegion(AgeSignalRegion region, double fixedAgeMonths) {
            if (region == null) {
                throw new IllegalArgumentException("age signal region must not be null");
            }
            if (!(fixedAgeMonths >= 0 && fixedAgeMonths <= MAX_AGE_MONTHS)) {
                throw new IllegalArgumentException("fixed age must be 0.." + MAX_AGE_MONTHS + " months, got "
                        + fixedAgeMonths);
            }
            this.signalRegion = region;
            this.fixedAge = fixedAgeMonths;
            return this;
        }

        /**
         * @return the generator
         * @throws IllegalStateException if no seed was set
         */
        public SyntheticHandGenerator build() {
            if (seed == null) {
                throw new IllegalStateException("no seed set: call setSeed(long) so that samples are reproducible");
            }
            return new SyntheticHandGenerator(this);
        }

        private static double[] range(String name, double min, double max, double lowest, double highest) {
            if (!(min >= lowest && max <= highest && min <= max)) {
                throw new IllegalArgumentException(String.format(Locale.ROOT,
                        "%s range must satisfy %s <= min <= max <= %s, got [%s, %s]", name, plain(lowest),
                        plain(highest), plain(min), plain(max)));
            }
            return new double[] {min, max};
        }

        private static double probability(String name, double p) {
            if (!(p >= 0 && p <= 1)) {
                throw new IllegalArgumentException(name + " must be 0..1, got " + plain(p));
            }
            return p;
        }

        private static String plain(double v) {
            return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
        }
    }
}

package io.github.boneage.clinical.uncertainty;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A test-time augmentation policy: the augmented copies each image is estimated on (the first is always the
 * unchanged image) and how their predictions are combined. A calibration is only valid for the policy it was fitted
 * with, so {@link UncertaintyCalibration} stores it.
 *
 * @param augmentations the copies, {@link Augmentation#IDENTITY} first; each costs one forward pass
 * @param aggregation   how the predictions become the point estimate
 */
public record TestTimeAugmentation(@JsonProperty("augmentations") List<Augmentation> augmentations,
                                   @JsonProperty("aggregation") Aggregation aggregation) {

    /** Rotations of the default policy, in degrees: inside the ±10° the default model was trained with. */
    public static final double DEFAULT_ROTATION_DEGREES = 5;
    /** Shift of the default policy, as a fraction of the image size: inside the training augmentation's 5%. */
    public static final double DEFAULT_SHIFT_FRACTION = 0.04;

    /**
     * @param augmentations the copies, {@link Augmentation#IDENTITY} first; each costs one forward pass
     * @param aggregation how the predictions become the point estimate
     * @throws IllegalArgumentException if the list is empty or does not start with the identity
     */
    @JsonCreator
    public TestTimeAugmentation {
        augmentations = List.copyOf(Objects.requireNonNull(augmentations, "augmentations"));
        Objects.requireNonNull(aggregation, "aggregation");
        if (augmentations.isEmpty() || !augmentations.get(0).isIdentity()) {
            throw new IllegalArgumentException("a test-time augmentation policy must start with the identity, got "
                    + augmentations);
        }
    }

    /**
     * The default policy: the image, rotations of ±{@value #DEFAULT_ROTATION_DEGREES}° and shifts of
     * {@value #DEFAULT_SHIFT_FRACTION} of the image size left, right, up and down (7 forward passes), median. No
     * mirror: the models are trained without flips, so a mirrored hand is outside what they have seen.
     *
     * @return the default policy
     */
    public static TestTimeAugmentation defaults() {
        return builder().build();
    }

    /** @return a builder starting from the default policy's settings */
    public static Builder builder() {
        return new Builder();
    }

    /** @return the number of forward passes per image */
    public int passesPerImage() {
        return augmentations.size();
    }

    /** Builds a policy from a few numbers: the identity, rotations, axis-aligned shifts, and optionally mirrors of all. */
    public static final class Builder {
        private double[] rotations = {-DEFAULT_ROTATION_DEGREES, DEFAULT_ROTATION_DEGREES};
        private double shift = DEFAULT_SHIFT_FRACTION;
        private boolean mirror;
        private Aggregation aggregation = Aggregation.MEDIAN;

        private Builder() {
        }

        /**
         * @param degrees the rotation angles in degrees, non-zero, one copy each
         * @return this builder, with the rotations (degrees, non-zero) each giving one copy; none for no rotations
         */
        public Builder optRotations(double... degrees) {
            for (double d : degrees) {
                if (d == 0 || !Double.isFinite(d)) {
                    throw new IllegalArgumentException("TTA rotations must be finite and non-zero (the identity is always"
                            + " included), got " + d);
                }
            }
            this.rotations = degrees.clone();
            return this;
        }

        /**
         * @param fraction the shift as a fraction of the image size (0 for no shifted copies)
         * @return this builder, with the shift (fraction of the image size, 0 for none) of the four shifted copies
         */
        public Builder optShiftFraction(double fraction) {
            if (!(fraction >= 0 && fraction < 0.5)) {
                throw new IllegalArgumentException("TTA shift must be in [0, 0.5) of the image size, got " + fraction);
            }
            this.shift = fraction;
            return this;
        }

        /**
         * @param mirror whether to add a mirrored copy of every augmentation
         * @return this builder, with a mirrored copy of every augmentation added (doubles the cost) when true
         */
        public Builder optMirror(boolean mirror) {
            this.mirror = mirror;
            return this;
        }

        /**
         * @param aggregation how the copies' predictions are combined into the point estimate
         * @return this builder, with how predictions are combined
         */
        public Builder optAggregation(Aggregation aggregation) {
            this.aggregation = Objects.requireNonNull(aggregation);
            return this;
        }

        /** @return the policy */
        public TestTimeAugmentation build() {
            List<Augmentation> list = new ArrayList<>();
            list.add(Augmentation.IDENTITY);
            for (double r : rotations) {
                list.add(new Augmentation(r, 0, 0, false));
            }
            if (shift > 0) {
                list.add(new Augmentation(0, -shift, 0, false));
                list.add(new Augmentation(0, shift, 0, false));
                list.add(new Augmentation(0, 0, -shift, false));
                list.add(new Augmentation(0, 0, shift, false));
            }
            if (mirror) {
                int n = list.size();
                for (int i = 0; i < n; i++) {
                    Augmentation a = list.get(i);
                    list.add(new Augmentation(a.rotationDegrees(), a.shiftXFraction(), a.shiftYFraction(), true));
                }
            }
            return new TestTimeAugmentation(list, aggregation);
        }
    }
}

package io.github.boneage.synthetic.impl;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.boneage.core.ReferencePoint;
import io.github.boneage.core.Sex;
import io.github.boneage.synthetic.AgeSignalRegion;
import io.github.boneage.synthetic.Carpal;
import io.github.boneage.synthetic.EpiphysisGroup;
import io.github.boneage.synthetic.EpiphysisState;
import java.util.List;
import org.junit.jupiter.api.Test;

class HandModelTest {

    private static HandModel model(Sex sex, double age, double spread, double curl, long seed) {
        return new HandModel(sex, HandModel.Ages.of(age, AgeSignalRegion.WHOLE_HAND, 0), spread, curl,
                new SplitMix64(seed), new SplitMix64(~seed));
    }

    /** Every reference point lies inside a bone's outline (not in a joint or growth-plate gap), at every age and pose. */
    @Test
    void referencePointsLieOnBoneAtEveryAgeAndPose() {
        int size = 400;
        for (Sex sex : new Sex[] {Sex.FEMALE, Sex.MALE}) {
            for (int age = 0; age <= 228; age += 12) {
                for (double curl : new double[] {0, 1}) {
                    HandModel hand = model(sex, age, curl, curl, age * 31L + (long) (curl * 7));
                    Placement placement = new Placement(200, 200, 1.6, 17 * age % 360 - 180, age % 24 == 0);
                    float[] bone = new float[size * size];
                    for (List<Shape> parts : hand.bones()) {
                        for (Shape s : parts) {
                            s.transformed(placement).render(bone, null, size, size);
                        }
                    }
                    double[][] points = hand.referencePoints();
                    for (ReferencePoint rp : ReferencePoint.values()) {
                        double[] p = points[rp.ordinal()];
                        int x = (int) Math.floor(placement.x(p[0], p[1]));
                        int y = (int) Math.floor(placement.y(p[0], p[1]));
                        // A path length of 1.5 mm or more: well inside the bone, not at its rim.
                        assertThat(bone[y * size + x]).as("%s %s at %d months, curl %s", sex, rp, age, curl)
                                .isGreaterThan(1.5f);
                    }
                }
            }
        }
    }

    @Test
    void sameRandomStreamsGiveTheSameAnatomyAtEveryAge() {
        HandModel young = model(Sex.MALE, 30, 0.5, 0, 99);
        HandModel old = model(Sex.MALE, 200, 0.5, 0, 99);
        double scale = old.handLengthMm() / young.handLengthMm();
        // Without curl, the thumb tip sits where growth alone puts it: individual variation did not change.
        double[] a = young.fingertips()[0];
        double[] b = old.fingertips()[0];
        assertThat(Math.hypot(b[0] - a[0] * scale, b[1] - a[1] * scale)).isLessThan(0.05 * old.handLengthMm());
    }

    @Test
    void maturationTimelinesAreMonotonicAndGirlsAreAhead() {
        for (Sex sex : new Sex[] {Sex.FEMALE, Sex.MALE}) {
            double previousLength = 0;
            double[] previousCarpal = new double[Carpal.values().length];
            for (int age = 0; age <= 228; age++) {
                double length = Maturity.handLengthMm(age, sex);
                assertThat(length).isGreaterThanOrEqualTo(previousLength);
                previousLength = length;
                for (Carpal c : Carpal.values()) {
                    double size = Maturity.carpalSize(c, age, sex);
                    assertThat(size).isBetween(previousCarpal[c.ordinal()], 1.0);
                    previousCarpal[c.ordinal()] = size;
                }
                for (EpiphysisGroup g : EpiphysisGroup.values()) {
                    EpiphysisState now = Maturity.epiphysis(g, age, sex);
                    EpiphysisState next = Maturity.epiphysis(g, age + 1, sex);
                    assertThat(next.widthRatio()).isGreaterThanOrEqualTo(now.widthRatio());
                    assertThat(next.fusion()).isGreaterThanOrEqualTo(now.fusion());
                }
            }
        }
        assertThat(Maturity.carpalSize(Carpal.PISIFORM, 120, Sex.FEMALE)).isPositive();
        assertThat(Maturity.carpalSize(Carpal.PISIFORM, 120, Sex.MALE)).isZero();
        assertThat(Maturity.handLengthMm(228, Sex.FEMALE)).isLessThan(Maturity.handLengthMm(228, Sex.MALE));
    }

    @Test
    void randomStreamsAreIndependentAndNoiseIsStandardized() {
        assertThat(SplitMix64.stream(1, 2, 3).nextLong()).isNotEqualTo(SplitMix64.stream(1, 2, 4).nextLong());
        assertThat(SplitMix64.stream(1, 2, 3).nextLong()).isNotEqualTo(SplitMix64.stream(1, 3, 3).nextLong());
        assertThat(SplitMix64.stream(1, 2, 3).nextLong()).isEqualTo(SplitMix64.stream(1, 2, 3).nextLong());
        SplitMix64 r = new SplitMix64(5);
        int n = 200_000;
        double sum = 0;
        double squares = 0;
        for (int i = 0; i < n; i++) {
            double v = r.nextNoise();
            sum += v;
            squares += v * v;
        }
        assertThat(sum / n).isBetween(-0.01, 0.01);
        assertThat(squares / n).isBetween(0.98, 1.02);
        for (int i = 0; i < 1000; i++) {
            assertThat(r.uniformInt(3, 5)).isBetween(3, 5);
        }
    }
}

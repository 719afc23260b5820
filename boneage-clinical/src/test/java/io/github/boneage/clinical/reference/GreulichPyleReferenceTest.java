package io.github.boneage.clinical.reference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.github.boneage.core.Sex;
import java.util.List;
import org.junit.jupiter.api.Test;

/** SDS against hand-computed values at and between table ages, both sexes, and outside the table. */
class GreulichPyleReferenceTest {

    private final GreulichPyleReference gp = GreulichPyleReference.get();

    /** The published table (Greulich & Pyle 1959, Brush Foundation SDs), typed in independently of the resource. */
    @Test
    void embeddedTableMatchesThePublishedValues() {
        double[] ages = {3, 6, 9, 12, 18, 24, 30, 36, 42, 48, 54, 60, 72, 84, 96, 108, 120, 132, 144, 156, 168, 180, 192, 204};
        double[] boys = {0.69, 1.13, 1.43, 1.97, 3.52, 3.92, 4.52, 5.08, 5.40, 6.66, 8.36, 8.79, 9.17, 8.91, 9.10, 9.00, 9.79,
            10.09, 10.38, 10.44, 10.72, 11.32, 12.86, 13.05};
        double[] girls = {0.72, 1.16, 1.36, 1.77, 3.49, 4.64, 5.37, 5.97, 7.48, 8.98, 10.73, 11.65, 10.23, 9.64, 10.23, 10.74,
            11.73, 11.94, 10.24, 10.67, 11.30, 9.23, 7.31};
        check(gp.points(Sex.MALE), ages, boys);
        check(gp.points(Sex.FEMALE), ages, girls);
    }

    private static void check(List<GreulichPyleReference.Point> points, double[] ages, double[] sds) {
        assertThat(points).hasSize(sds.length);
        for (int i = 0; i < sds.length; i++) {
            assertThat(points.get(i).ageMonths()).isEqualTo(ages[i]);
            assertThat(points.get(i).sdMonths()).isEqualTo(sds[i]);
        }
    }

    @Test
    void sdsAtTableAges() {
        // boy, 10 years (120 months), SD 9.79: bone age 140 -> (140 - 120) / 9.79 = 2.04290...
        StandardDeviationScore boy = gp.score(Sex.MALE, 140, 120);
        assertThat(boy.sdMonths()).isEqualTo(9.79);
        assertThat(boy.sds()).isCloseTo(2.0429009193, within(1e-9));
        assertThat(boy.verdict()).isEqualTo(MaturityVerdict.ADVANCED);
        // girl, 5 years (60 months), SD 11.65: bone age 36 -> -24 / 11.65 = -2.06008...
        StandardDeviationScore girl = gp.score(Sex.FEMALE, 36, 60);
        assertThat(girl.sds()).isCloseTo(-2.0600858369, within(1e-9));
        assertThat(girl.verdict()).isEqualTo(MaturityVerdict.DELAYED);
        // first and last table ages are inside
        assertThat(gp.sdMonths(Sex.MALE, 3)).isEqualTo(0.69);
        assertThat(gp.sdMonths(Sex.MALE, 204)).isEqualTo(13.05);
        assertThat(gp.sdMonths(Sex.FEMALE, 192)).isEqualTo(7.31);
    }

    @Test
    void sdsBetweenTableAgesInterpolatesTheSd() {
        // boy, 126 months: halfway between 120 (9.79) and 132 (10.09) -> SD 9.94; bone age 110 -> -16 / 9.94
        StandardDeviationScore boy = gp.score(Sex.MALE, 110, 126);
        assertThat(boy.sdMonths()).isCloseTo(9.94, within(1e-12));
        assertThat(boy.sds()).isCloseTo(-1.6096579477, within(1e-9));
        assertThat(boy.verdict()).isEqualTo(MaturityVerdict.WITHIN_NORMAL_LIMITS);
        // girl, 63 months: a quarter of the way from 60 (11.65) to 72 (10.23) -> 11.65 - 0.355 = 11.295;
        // bone age 90 -> 27 / 11.295 = 2.39043...
        StandardDeviationScore girl = gp.score(Sex.FEMALE, 90, 63);
        assertThat(girl.sdMonths()).isCloseTo(11.295, within(1e-12));
        assertThat(girl.sds()).isCloseTo(2.3904382470, within(1e-9));
        assertThat(girl.verdict()).isEqualTo(MaturityVerdict.ADVANCED);
    }

    @Test
    void verdictLimitsAreInclusiveOfTwo() {
        assertThat(MaturityVerdict.of(-2)).isEqualTo(MaturityVerdict.WITHIN_NORMAL_LIMITS);
        assertThat(MaturityVerdict.of(2)).isEqualTo(MaturityVerdict.WITHIN_NORMAL_LIMITS);
        assertThat(MaturityVerdict.of(-2.0001)).isEqualTo(MaturityVerdict.DELAYED);
        assertThat(MaturityVerdict.of(2.0001)).isEqualTo(MaturityVerdict.ADVANCED);
    }

    @Test
    void agesOutsideTheTableAndUnknownSexAreRefusedNotExtrapolated() {
        assertThatThrownBy(() -> gp.score(Sex.MALE, 10, 2))
                .isInstanceOfSatisfying(ReferenceNotApplicableException.class,
                        e -> assertThat(e.reason()).isEqualTo(ReferenceNotApplicableException.Reason.AGE_BELOW_TABLE))
                .hasMessageContaining("2.0 months").hasMessageContaining("3 to 204");
        assertThatThrownBy(() -> gp.score(Sex.MALE, 200, 204.5))
                .isInstanceOfSatisfying(ReferenceNotApplicableException.class,
                        e -> assertThat(e.reason()).isEqualTo(ReferenceNotApplicableException.Reason.AGE_ABOVE_TABLE));
        // 200 months is inside the boys' table but past the girls' (192)
        assertThat(gp.score(Sex.MALE, 200, 200).sds()).isZero();
        assertThatThrownBy(() -> gp.score(Sex.FEMALE, 200, 200))
                .isInstanceOf(ReferenceNotApplicableException.class).hasMessageContaining("female").hasMessageContaining("3 to 192");
        assertThatThrownBy(() -> gp.score(Sex.UNKNOWN, 100, 100))
                .isInstanceOfSatisfying(ReferenceNotApplicableException.class,
                        e -> assertThat(e.reason()).isEqualTo(ReferenceNotApplicableException.Reason.SEX_UNKNOWN));
    }
}

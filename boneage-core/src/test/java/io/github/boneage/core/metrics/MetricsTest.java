package io.github.boneage.core.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.github.boneage.core.Sex;
import org.junit.jupiter.api.Test;

/**
 * Expected values were computed independently with exact rational arithmetic in Python ({@code fractions.Fraction},
 * population moments, a square root only at the end), not with this code:
 * <pre>
 * truth = [12, 24, 36, 48, 60, 100, 150, 200]; pred = [15, 20, 40, 47, 75, 88, 150, 190]; sexes M,F,M,F,...
 * </pre>
 */
class MetricsTest {

    private static final double[] TRUTH = {12, 24, 36, 48, 60, 100, 150, 200};
    private static final double[] PRED = {15, 20, 40, 47, 75, 88, 150, 190};
    private static final double EPS = 1e-12;

    private static MetricsReport example() {
        MetricsAccumulator acc = new MetricsAccumulator();
        for (int i = 0; i < TRUTH.length; i++) {
            acc.add(TRUTH[i], PRED[i], i % 2 == 0 ? Sex.MALE : Sex.FEMALE);
        }
        return acc.report();
    }

    @Test
    void overallMetricsMatchAnIndependentCalculation() {
        AgeMetrics m = example().overall();
        assertThat(m.n()).isEqualTo(8);
        assertThat(m.mad()).isCloseTo(49.0 / 8, within(EPS));            // errors 3,-4,4,-1,15,-12,0,-10
        assertThat(m.rmse()).isCloseTo(7.99218368157289, within(EPS));    // sqrt(511/8)
        assertThat(m.maxAbsError()).isEqualTo(15.0);
        assertThat(m.meanError()).isCloseTo(-0.625, within(EPS));
        assertThat(m.pearson()).isCloseTo(0.9928239646525778, within(EPS));
        assertThat(m.ccc()).isCloseTo(0.9912478269433336, within(EPS));
        assertThat(m.within6()).isEqualTo(5.0 / 8);
        assertThat(m.within12()).isEqualTo(7.0 / 8);
    }

    @Test
    void perSexMetricsMatchAnIndependentCalculation() {
        MetricsReport r = example();
        AgeMetrics male = r.forSex(Sex.MALE).orElseThrow();
        assertThat(male.n()).isEqualTo(4);
        assertThat(male.mad()).isCloseTo(5.5, within(EPS));
        assertThat(male.rmse()).isCloseTo(7.905694150420948, within(EPS));
        assertThat(male.maxAbsError()).isEqualTo(15.0);
        assertThat(male.meanError()).isCloseTo(5.5, within(EPS));
        assertThat(male.pearson()).isCloseTo(0.9942610286432546, within(EPS));
        assertThat(male.ccc()).isCloseTo(0.988301357042583, within(EPS));
        assertThat(male.within6()).isEqualTo(0.75);
        assertThat(male.within12()).isEqualTo(0.75);
        AgeMetrics female = r.forSex(Sex.FEMALE).orElseThrow();
        assertThat(female.mad()).isCloseTo(6.75, within(EPS));
        assertThat(female.rmse()).isCloseTo(8.077747210701755, within(EPS));
        assertThat(female.maxAbsError()).isEqualTo(12.0);
        assertThat(female.meanError()).isCloseTo(-6.75, within(EPS));
        assertThat(female.pearson()).isCloseTo(0.9987774764009999, within(EPS));
        assertThat(female.ccc()).isCloseTo(0.9925774251343742, within(EPS));
        assertThat(female.within6()).isEqualTo(0.5);
        assertThat(female.within12()).as("an error of exactly 12 counts as within 12").isEqualTo(1.0);
        assertThat(r.forSex(Sex.UNKNOWN)).isEmpty();
        assertThat(r.bySex()).containsOnlyKeys(Sex.MALE, Sex.FEMALE);
    }

    @Test
    void constantEstimatesHaveNoPearsonButACccOfZero() {
        // x = 10, 20, 30, 40; y = 25 everywhere: s_yy = 0, s_xy = 0, so r is undefined and CCC = 0 / s_xx = 0
        AgeMetrics m = AgeMetrics.of(new double[] {10, 20, 30, 40}, new double[] {25, 25, 25, 25});
        assertThat(m.pearson()).isNaN();
        assertThat(m.ccc()).isEqualTo(0.0);
        assertThat(m.mad()).isEqualTo(10.0);
        assertThat(m.rmse()).isCloseTo(11.180339887498949, within(EPS));
        assertThat(m.within6()).isEqualTo(0.5);
    }

    @Test
    void identicalConstantAgesLeaveTheCccUndefined() {
        AgeMetrics m = AgeMetrics.of(new double[] {50, 50}, new double[] {50, 50});
        assertThat(m.mad()).isZero();
        assertThat(m.pearson()).isNaN();
        assertThat(m.ccc()).isNaN();
    }

    @Test
    void aSinglePairHasErrorsButNoCorrelation() {
        AgeMetrics m = AgeMetrics.of(new double[] {100}, new double[] {90});
        assertThat(m.n()).isEqualTo(1);
        assertThat(m.mad()).isEqualTo(10.0);
        assertThat(m.pearson()).isNaN();
        assertThat(m.ccc()).as("0 / (0 + 0 + 100)").isEqualTo(0.0);
    }

    @Test
    void perfectEstimatesHaveUnitCorrelationAndConcordance() {
        double[] x = {1, 50, 100, 228};
        AgeMetrics m = AgeMetrics.of(x, x.clone());
        assertThat(m.pearson()).isCloseTo(1.0, within(EPS));
        assertThat(m.ccc()).isCloseTo(1.0, within(EPS));
        assertThat(m.rmse()).isZero();
        // a constant offset keeps r = 1 but lowers the CCC: s_xx = s_yy = s_xy = 114299/16 = 7143.6875, shift 12
        AgeMetrics shifted = AgeMetrics.of(x, new double[] {13, 62, 112, 240});
        assertThat(shifted.pearson()).isCloseTo(1.0, within(EPS));
        assertThat(shifted.ccc()).isCloseTo(2 * 7143.6875 / (2 * 7143.6875 + 144), within(EPS));
    }

    @Test
    void decimalInputsAtExactlySixMonthsCountAsWithinSix() {
        // 18.3 - 12.3 is 6.000000000000002 in binary floating point
        AgeMetrics m = AgeMetrics.of(new double[] {12.3, 50.5, 100.25}, new double[] {18.3, 38.5, 113.25});
        assertThat(m.within6()).isEqualTo(1.0 / 3);
        assertThat(m.within12()).isEqualTo(2.0 / 3);
        assertThat(m.mad()).isCloseTo(31.0 / 3, within(EPS));
        assertThat(m.pearson()).isCloseTo(0.9702342749065128, within(EPS));
        assertThat(m.ccc()).isCloseTo(0.9608299559926239, within(EPS));
    }

    @Test
    void emptyInputIsAClearError() {
        assertThatThrownBy(() -> new MetricsAccumulator().report()).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("no (reference, estimate) pairs");
        assertThatThrownBy(() -> AgeMetrics.of(new double[0], new double[0])).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> AgeMetrics.of(new double[2], new double[3])).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void nonFiniteAgesAreRefused() {
        MetricsAccumulator acc = new MetricsAccumulator();
        assertThatThrownBy(() -> acc.add(Double.NaN, 1, Sex.MALE)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> acc.add(1, Double.POSITIVE_INFINITY, Sex.MALE)).isInstanceOf(IllegalArgumentException.class);
        assertThat(acc.size()).isZero();
    }

    @Test
    void accumulatorGrowsBeyondItsInitialCapacity() {
        MetricsAccumulator acc = new MetricsAccumulator();
        for (int i = 0; i < 1000; i++) {
            acc.add(i % 228, i % 228 + (i % 2 == 0 ? 3 : -3), Sex.UNKNOWN);
        }
        MetricsReport r = acc.report();
        assertThat(r.overall().n()).isEqualTo(1000);
        assertThat(r.overall().mad()).isCloseTo(3.0, within(EPS));
        assertThat(r.overall().meanError()).isCloseTo(0.0, within(EPS));
        assertThat(r.bySex()).containsOnlyKeys(Sex.UNKNOWN);
    }

    @Test
    void reportFlattensToAMapAndASummary() {
        MetricsReport r = example();
        assertThat(r.toMap())
                .containsEntry("n", 8.0)
                .containsEntry("mad", 6.125)
                .containsEntry("male.mad", 5.5)
                .containsEntry("female.within12", 1.0)
                .containsKey("ccc")
                .containsKey("female.pearson")
                .hasSize(27);
        assertThat(r.overall().summary()).startsWith("n=8 MAD=6.13 RMSE=7.99 max=15.00 bias=-0.63 r=0.993 CCC=0.991");
        assertThat(r.summary().lines()).hasSize(3);
        assertThat(r.summary().lines().skip(1).findFirst().orElseThrow()).startsWith("male    n=4 MAD=5.50");
    }

    @Test
    void reportsEachAgeBandWithItsBias() {
        // Young children estimated too old, adolescents too young: the overall bias hides both.
        MetricsAccumulator acc = new MetricsAccumulator();
        acc.add(12, 20, Sex.MALE).add(30, 36, Sex.FEMALE).add(36, 40, Sex.MALE).add(100, 100, Sex.FEMALE)
                .add(190, 180, Sex.MALE).add(210, 198, Sex.FEMALE);
        MetricsReport r = acc.report();
        assertThat(r.byAgeBand()).extracting(b -> b.band().label()).containsExactly("0-3 y", "3-6 y", "6-9 y", "15+ y");
        BandMetrics infants = r.byAgeBand().get(0);
        assertThat(infants.metrics().n()).isEqualTo(2);
        assertThat(infants.metrics().meanError()).isCloseTo(7.0, within(EPS));
        assertThat(r.byAgeBand().get(1).metrics().n()).isEqualTo(1); // 36 months opens the 3-6 y band
        assertThat(r.byAgeBand().get(3).metrics().meanError()).isCloseTo(-11.0, within(EPS));
        assertThat(r.overall().meanError()).isCloseTo(-4.0 / 6, within(EPS));
        assertThat(r.bandSummary().lines()).hasSize(4);
        assertThat(r.bandSummary().lines().findFirst().orElseThrow()).startsWith("0-3 y   n=2 MAD=7.00");
    }

    @Test
    void customBandsAndTheirChecks() {
        MetricsReport r = new MetricsAccumulator(java.util.List.of(new AgeBand(0, 6), new AgeBand(6, 18)))
                .add(3, 5, Sex.MALE).add(7, 7, Sex.MALE).add(40, 41, Sex.MALE).report();
        assertThat(r.byAgeBand()).extracting(b -> b.band().label()).containsExactly("0-6 m", "6-18 m");
        assertThat(r.overall().n()).isEqualTo(3);
        assertThat(new MetricsAccumulator(java.util.List.of()).add(1, 2, Sex.MALE).report().byAgeBand()).isEmpty();
        assertThatThrownBy(() -> new AgeBand(24, 12)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("[24.0, 12.0)");
        assertThatThrownBy(() -> new AgeBand(-1, 12)).isInstanceOf(IllegalArgumentException.class);
        assertThat(new AgeBand(0, 36).contains(36)).isFalse();
    }
}

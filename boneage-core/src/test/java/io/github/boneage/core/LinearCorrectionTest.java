package io.github.boneage.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The per-sex straight-line correction: its range, and the least-absolute-deviations fit. */
class LinearCorrectionTest {

    /** Estimates pulled towards the mean (as a regression network's are), reference = 6 + 0.96 x estimate + noise. */
    private static double[][] pulledTowardsTheMean(int n, long seed, int grossErrors) {
        SplittableRandom random = new SplittableRandom(seed);
        double[] estimates = new double[n];
        double[] references = new double[n];
        for (int i = 0; i < n; i++) {
            estimates[i] = 20 + 200 * random.nextDouble();
            // Laplace noise, 5 months on average, as the ensembles' errors are heavy-tailed.
            double u = random.nextDouble() - 0.5;
            double noise = -5 * Math.signum(u) * Math.log(1 - 2 * Math.abs(u));
            references[i] = 6 + 0.96 * estimates[i] + noise;
        }
        for (int i = 0; i < grossErrors; i++) {
            references[i] += 80;
        }
        return new double[][] {estimates, references};
    }

    @Test
    void theFitRecoversTheLineAndFewGrossErrorsDoNotPullIt() {
        double[][] clean = pulledTowardsTheMean(2000, 3, 0);
        LinearCorrection fitted = LinearCorrection.fitLeastAbsolute(clean[0], clean[1]);
        assertThat(fitted.slope()).isCloseTo(0.96, within(0.01));
        assertThat(fitted.intercept()).isCloseTo(6, within(1.2));
        // 3% of the references 80 months off move a least-squares line by about 2.4 months; this one barely moves.
        double[][] dirty = pulledTowardsTheMean(2000, 3, 60);
        LinearCorrection robust = LinearCorrection.fitLeastAbsolute(dirty[0], dirty[1]);
        assertThat(robust.apply(120)).isCloseTo(fitted.apply(120), within(0.6));
    }

    @Test
    void theFitIsNoWorseThanNoCorrectionOnItsOwnImages() {
        for (long seed = 1; seed <= 5; seed++) {
            double[][] d = pulledTowardsTheMean(60, seed, 2);
            LinearCorrection fitted = LinearCorrection.fitLeastAbsolute(d[0], d[1]);
            assertThat(fitted.meanAbsoluteError(d[0], d[1]))
                    .isLessThanOrEqualTo(new LinearCorrection(0, 1).meanAbsoluteError(d[0], d[1]) + 1e-12);
        }
    }

    @Test
    void correctEstimatesGetTheIdentity() {
        double[] estimates = new double[41];
        for (int i = 0; i < estimates.length; i++) {
            estimates[i] = 5 * i + 10;
        }
        LinearCorrection fitted = LinearCorrection.fitLeastAbsolute(estimates, estimates.clone());
        assertThat(fitted.slope()).isEqualTo(1.0);
        assertThat(fitted.intercept()).isCloseTo(0, within(1e-9));
        assertThat(fitted).hasToString("+0.00 months + 1.0000 x estimate");
    }

    @Test
    void aFitAtTheEdgeOfTheRangeIsRefused() {
        double[] estimates = new double[30];
        double[] references = new double[30];
        for (int i = 0; i < estimates.length; i++) {
            estimates[i] = 60 + 4 * i;
            references[i] = 0.5 * estimates[i];
        }
        assertThatThrownBy(() -> LinearCorrection.fitLeastAbsolute(estimates, references))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("edge of the accepted range");
    }

    @Test
    void badInputsNameWhatIsWrong() {
        assertThatThrownBy(() -> LinearCorrection.fitLeastAbsolute(new double[25], new double[24]))
                .hasMessageContaining("differ in length: 25 and 24");
        assertThatThrownBy(() -> LinearCorrection.fitLeastAbsolute(new double[5], new double[5]))
                .hasMessageContaining("at least 20 labelled images, got 5");
        double[] withNaN = new double[25];
        withNaN[7] = Double.NaN;
        assertThatThrownBy(() -> LinearCorrection.fitLeastAbsolute(withNaN, new double[25]))
                .hasMessageContaining("image 7");
        assertThatThrownBy(() -> new LinearCorrection(0, 1.5)).hasMessageContaining("slope must be in [0.8, 1.25], got 1.5");
        assertThatThrownBy(() -> new LinearCorrection(0, Double.NaN)).hasMessageContaining("slope");
        assertThatThrownBy(() -> new LinearCorrection(-50, 1)).hasMessageContaining("intercept");
        assertThatThrownBy(() -> new LinearCorrection(Double.POSITIVE_INFINITY, 1)).hasMessageContaining("intercept");
    }
}

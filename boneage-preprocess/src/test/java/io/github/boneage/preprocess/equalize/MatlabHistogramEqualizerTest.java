package io.github.boneage.preprocess.equalize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.boneage.core.Equalizer;
import io.github.boneage.core.image.GreyImage;
import io.github.boneage.core.image.GreyImage16;
import io.github.boneage.core.image.GreyImage8;
import io.github.boneage.core.testing.EqualizerContractTest;
import io.github.boneage.preprocess.testing.SyntheticImages;
import io.github.boneage.preprocess.testing.SyntheticImages.Kind;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class MatlabHistogramEqualizerTest extends EqualizerContractTest {

    private static final MatlabHistogramEqualizer SHARED = new MatlabHistogramEqualizer();

    @Override
    protected Equalizer equalizer() {
        return SHARED;
    }

    /**
     * The algorithm as MATLAB writes it: the whole m-by-L error matrix, overshooting entries replaced by N, then the
     * first minimum of each column. Deliberately naive and independent of the binary search in the implementation.
     */
    private static int[] referenceTable(int[] nn, int m, int maxValue) {
        int n = nn.length;
        long numel = Arrays.stream(nn).asLongStream().sum();
        double[] hgram = new double[m];
        Arrays.fill(hgram, (double) numel / m);
        double sum = 0;
        for (double h : hgram) {
            sum += h;
        }
        double[] cumd = new double[m];
        double acc = 0;
        for (int j = 0; j < m; j++) {
            acc += hgram[j] * (numel / sum);
            cumd[j] = acc;
        }
        double[] cum = new double[n];
        double c = 0;
        for (int k = 0; k < n; k++) {
            c += nn[k];
            cum[k] = c;
        }
        double[] tol = new double[n];
        for (int k = 0; k < n; k++) {
            double left = k < n - 1 ? nn[k] : 0;
            double right = k > 0 ? nn[k] : 0;
            tol[k] = Math.min(left, right) / 2;
        }
        double[][] err = new double[m][n];
        for (int j = 0; j < m; j++) {
            for (int k = 0; k < n; k++) {
                err[j][k] = (cumd[j] - cum[k]) + tol[k];
                if (err[j][k] < -numel * Math.sqrt(Math.ulp(1.0))) {
                    err[j][k] = numel;
                }
            }
        }
        int[] lut = new int[n];
        for (int k = 0; k < n; k++) {
            int best = 0;
            for (int j = 1; j < m; j++) {
                if (err[j][k] < err[best][k]) {
                    best = j;
                }
            }
            lut[k] = (int) Math.round((double) best / (m - 1) * maxValue);
        }
        return lut;
    }

    @Test
    void matchesTheFullMatrixAlgorithm() {
        SplittableRandom random = new SplittableRandom(21);
        int[] levelChoices = {2, 3, 7, 16, 64, 100, 255, 256, 300};
        for (Kind kind : Kind.values()) {
            for (int levels : levelChoices) {
                int w = 1 + random.nextInt(150);
                int h = 1 + random.nextInt(150);
                GreyImage8 img = SyntheticImages.image8(kind, w, h, random.nextLong());
                int[] hist = Histograms.of(img);
                assertThat(new MatlabHistogramEqualizer(levels).lookupTable(hist, 8))
                        .as("%s %dx%d n=%d", kind, w, h, levels)
                        .containsExactly(referenceTable(hist, levels, 255));
            }
        }
    }

    @Test
    void matchesTheFullMatrixAlgorithmAt10Bits() {
        SplittableRandom random = new SplittableRandom(22);
        for (Kind kind : Kind.values()) {
            GreyImage16 img = SyntheticImages.image16(kind, 90, 70, 10, random.nextLong());
            int[] hist = Histograms.of(img);
            assertThat(SHARED.lookupTable(hist, 10)).as("%s", kind).containsExactly(referenceTable(hist, 64, 1023));
        }
    }

    @Test
    void matchesTheFullMatrixAlgorithmOnLargeImages() {
        // Above about 1e6 pixels the overshoot tolerance N * 2^-26 exceeds 1/64, so some exactly negative errors count
        // as not overshooting; a histogram with counts near the boundaries exercises that.
        int[] hist = new int[256];
        SplittableRandom random = new SplittableRandom(23);
        for (int k = 0; k < 256; k++) {
            hist[k] = random.nextInt(30_000);
        }
        assertThat(SHARED.lookupTable(hist, 8)).containsExactly(referenceTable(hist, 64, 255));
        int[] flat = new int[256];
        Arrays.fill(flat, 20_000);
        assertThat(SHARED.lookupTable(flat, 8)).containsExactly(referenceTable(flat, 64, 255));
    }

    @Test
    void handWorkedFourLevels() {
        // N = 4, n = 4: cumd = 1, 2, 3, 4. Level 0: cum 1, tol 0 (first bin) -> err 0,1,2,3 -> j=0 -> 0.
        // Level 100: cum 3, tol 1 -> err -1,0,1,2 -> j=1 -> 85. Level 200: cum 4, tol 0.5 -> -2.5,-1.5,-0.5,0.5 -> j=3
        // -> 255. Levels 101..199 (empty): cum 3, tol 0 -> j=2 -> 170.
        GreyImage8 img = new GreyImage8(2, 2, new byte[] {0, 100, 100, (byte) 200});
        GreyImage8 out = new GreyImage8(2, 2);
        new MatlabHistogramEqualizer(4).apply(img, out);
        assertThat(out.data()).containsExactly(0, 85, 85, (byte) 255);
        int[] lut = new MatlabHistogramEqualizer(4).lookupTable(Histograms.of(img), 8);
        assertThat(lut[150]).isEqualTo(170);
        assertThat(lut[50]).isZero();
        assertThat(lut[255]).isEqualTo(255);
    }

    @Test
    void handWorkedDefaultLevels() {
        // N = 8 (four 50s, four 200s), n = 64: cumd(j) = j/8 for j = 1..64. Level 50: cum 4, tol 2 -> first j with
        // j/8 >= 2 is 16 -> round(15/63*255) = 61. Level 200: cum 8, tol 2 -> j/8 >= 6 -> j = 48 -> round(47/63*255) = 190.
        GreyImage8 img = new GreyImage8(4, 2, new byte[] {50, 50, (byte) 200, (byte) 200, 50, 50, (byte) 200, (byte) 200});
        GreyImage8 out = (GreyImage8) SHARED.apply((GreyImage) img);
        assertThat(out.data()).containsExactly(61, 61, (byte) 190, (byte) 190, 61, 61, (byte) 190, (byte) 190);
    }

    @Test
    void constantImagesFollowMatlab() {
        // Mid grey -> the middle output level: cum N, tol N/2 -> j = 32 of 64 -> round(31/63*255) = 125.
        // Black -> white: the first bin has no slack, so only the last target level reaches N.
        for (int[] valueAndExpected : new int[][] {{128, 125}, {0, 255}, {255, 255}}) {
            GreyImage8 flat = new GreyImage8(10, 10);
            Arrays.fill(flat.data(), (byte) valueAndExpected[0]);
            assertThat(SHARED.apply((GreyImage) flat).get(5, 5)).isEqualTo(valueAndExpected[1]);
        }
    }

    @Test
    void outputHasAtMostNLevelsAndIsMonotone() {
        GreyImage8 img = SyntheticImages.image8(Kind.BLOBS, 200, 160, 5);
        int[] lut = SHARED.lookupTable(Histograms.of(img), 8);
        assertThat(Arrays.stream(lut).distinct().count()).isLessThanOrEqualTo(64);
        for (int k = 1; k < 256; k++) {
            assertThat(lut[k]).isGreaterThanOrEqualTo(lut[k - 1]);
        }
    }

    @Test
    void sixteenBitMapsToItsRange() {
        GreyImage16 img = SyntheticImages.image16(Kind.GRADIENT, 64, 64, 12, 8);
        GreyImage16 out = (GreyImage16) new MatlabHistogramEqualizer(4096).apply((GreyImage) img);
        int max = 0;
        for (short s : out.data()) {
            max = Math.max(max, s & 0xFFFF);
        }
        assertThat(max).isEqualTo(4095);
    }

    @Test
    void rejectsBadLevelCounts() {
        assertThatThrownBy(() -> new MatlabHistogramEqualizer(1)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("bins");
        assertThatThrownBy(() -> new MatlabHistogramEqualizer(65537)).isInstanceOf(IllegalArgumentException.class);
    }
}

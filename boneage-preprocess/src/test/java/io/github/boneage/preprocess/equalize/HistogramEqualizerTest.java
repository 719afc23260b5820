package io.github.boneage.preprocess.equalize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.boneage.core.Equalizer;
import io.github.boneage.core.Roi;
import io.github.boneage.core.image.GreyImage;
import io.github.boneage.core.image.GreyImage16;
import io.github.boneage.core.image.GreyImage8;
import io.github.boneage.core.testing.EqualizerContractTest;
import io.github.boneage.preprocess.testing.Agreement;
import io.github.boneage.preprocess.testing.OpenCvSupport;
import io.github.boneage.preprocess.testing.SyntheticImages;
import io.github.boneage.preprocess.testing.SyntheticImages.Kind;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.opencv.core.Mat;
import org.opencv.imgproc.Imgproc;

class HistogramEqualizerTest extends EqualizerContractTest {

    private static final HistogramEqualizer SHARED = new HistogramEqualizer();

    @Override
    protected Equalizer equalizer() {
        return SHARED;
    }

    @Test
    void equalsOpenCvByteForByte() {
        OpenCvSupport.load();
        Agreement agreement = new Agreement("histeq vs OpenCV equalizeHist, synthetic");
        SplittableRandom random = new SplittableRandom(11);
        for (Kind kind : Kind.values()) {
            for (int i = 0; i < 4; i++) {
                int w = 1 + random.nextInt(400);
                int h = 1 + random.nextInt(400);
                GreyImage8 img = SyntheticImages.image8(kind, w, h, random.nextLong());
                GreyImage8 ours = (GreyImage8) SHARED.apply((GreyImage) img);
                Mat dst = new Mat();
                Imgproc.equalizeHist(OpenCvSupport.toMat(img), dst);
                GreyImage8 theirs = OpenCvSupport.toImage8(dst);
                assertThat(ours.data()).as("%s %dx%d", kind, w, h).isEqualTo(theirs.data());
                agreement.add(ours, theirs);
            }
        }
        // A large image takes OpenCV's parallel histogram path.
        GreyImage8 big = SyntheticImages.image8(Kind.BLOBS, 1500, 1300, 5);
        Mat dst = new Mat();
        Imgproc.equalizeHist(OpenCvSupport.toMat(big), dst);
        GreyImage8 theirs = OpenCvSupport.toImage8(dst);
        GreyImage8 ours = (GreyImage8) SHARED.apply((GreyImage) big);
        assertThat(ours.data()).isEqualTo(theirs.data());
        agreement.add(ours, theirs);
        System.out.println(agreement);
    }

    @Test
    void constantImageIsUnchangedLikeOpenCv() {
        OpenCvSupport.load();
        for (int value : new int[] {0, 77, 255}) {
            GreyImage8 flat = new GreyImage8(13, 9);
            Arrays.fill(flat.data(), (byte) value);
            Mat dst = new Mat();
            Imgproc.equalizeHist(OpenCvSupport.toMat(flat), dst);
            assertThat(((GreyImage8) SHARED.apply((GreyImage) flat)).data()).isEqualTo(OpenCvSupport.toImage8(dst).data());
            assertThat(SHARED.apply((GreyImage) flat).get(0, 0)).isEqualTo(value);
        }
    }

    /** An independent per-pixel computation of the documented formula, in the same single precision. */
    private static int expected(int[] values, int v, int levels) {
        int first = Integer.MAX_VALUE;
        for (int s : values) {
            first = Math.min(first, s);
        }
        int countFirst = 0;
        int atOrBelow = 0;
        for (int s : values) {
            if (s == first) {
                countFirst++;
            }
            if (s <= v) {
                atOrBelow++;
            }
        }
        if (countFirst == values.length) {
            return v;
        }
        float scale = (levels - 1f) / (values.length - countFirst);
        return (int) Math.rint((atOrBelow - countFirst) * scale);
    }

    @Test
    void matchesAnIndependentComputation() {
        GreyImage8 img = SyntheticImages.image8(Kind.BLOBS, 37, 29, 3);
        GreyImage8 out = (GreyImage8) SHARED.apply((GreyImage) img);
        int[] values = new int[img.data().length];
        for (int i = 0; i < values.length; i++) {
            values[i] = img.data()[i] & 0xFF;
        }
        for (int i = 0; i < values.length; i++) {
            assertThat(out.data()[i] & 0xFF).isEqualTo(expected(values, values[i], 256));
        }

        GreyImage16 img16 = SyntheticImages.image16(Kind.GRADIENT, 31, 23, 12, 4);
        GreyImage16 out16 = (GreyImage16) SHARED.apply((GreyImage) img16);
        int[] values16 = new int[img16.data().length];
        for (int i = 0; i < values16.length; i++) {
            values16[i] = img16.data()[i] & 0xFFFF;
        }
        for (int i = 0; i < values16.length; i++) {
            assertThat(out16.data()[i] & 0xFFFF).isEqualTo(expected(values16, values16[i], 4096));
        }
    }

    @Test
    void handWorkedExample() {
        // Histogram: 2 x level 10, 1 x 20, 1 x 30. Level 10 maps to 0; scale = 255 / (4 - 2) = 127.5;
        // level 20: round(1 * 127.5) = 128 (half to even); level 30: round(2 * 127.5) = 255.
        GreyImage8 img = new GreyImage8(2, 2, new byte[] {10, 20, 10, 30});
        assertThat(((GreyImage8) SHARED.apply((GreyImage) img)).data()).containsExactly(0, (byte) 128, 0, (byte) 255);
    }

    @Test
    void sixteenBitUsesTheFullRange() {
        GreyImage16 img = new GreyImage16(3, 1, 16, new short[] {100, 200, 300});
        GreyImage16 out = (GreyImage16) SHARED.apply((GreyImage) img);
        assertThat(out.get(0, 0)).isZero();
        assertThat(out.get(1, 0)).isEqualTo(32768); // rint(1 * 65535 / 2 = 32767.5) -> even
        assertThat(out.get(2, 0)).isEqualTo(65535);
    }

    @Test
    void regionEqualizationEqualsCropThenEqualize() {
        GreyImage8 img = SyntheticImages.image8(Kind.HAND, 120, 140, 9);
        Roi roi = new Roi(17, 23, 61, 88);
        GreyImage8 viaCrop = (GreyImage8) SHARED.apply((GreyImage) img.crop(roi));
        assertThat(((GreyImage8) SHARED.applyToRegion(img, roi)).data()).isEqualTo(viaCrop.data());
    }

    @Test
    void rejectsAHistogramOfTheWrongSize() {
        assertThatThrownBy(() -> SHARED.lookupTable(new int[100], 8))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("256");
    }
}

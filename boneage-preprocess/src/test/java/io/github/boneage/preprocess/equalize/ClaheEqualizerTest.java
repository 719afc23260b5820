package io.github.boneage.preprocess.equalize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.boneage.core.Equalizer;
import io.github.boneage.core.image.GreyImage;
import io.github.boneage.core.image.GreyImage16;
import io.github.boneage.core.image.GreyImage8;
import io.github.boneage.core.testing.EqualizerContractTest;
import io.github.boneage.preprocess.testing.Agreement;
import io.github.boneage.preprocess.testing.OpenCvSupport;
import io.github.boneage.preprocess.testing.SyntheticImages;
import io.github.boneage.preprocess.testing.SyntheticImages.Kind;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.opencv.core.Mat;
import org.opencv.core.Size;
import org.opencv.imgproc.CLAHE;
import org.opencv.imgproc.Imgproc;

class ClaheEqualizerTest extends EqualizerContractTest {

    private static final ClaheEqualizer SHARED = new ClaheEqualizer();

    @Override
    protected Equalizer equalizer() {
        return SHARED;
    }

    static GreyImage8 openCv(GreyImage8 img, double clip, int tilesX, int tilesY) {
        OpenCvSupport.load();
        CLAHE clahe = Imgproc.createCLAHE(clip, new Size(tilesX, tilesY));
        Mat dst = new Mat();
        clahe.apply(OpenCvSupport.toMat(img), dst);
        return OpenCvSupport.toImage8(dst);
    }

    static GreyImage16 openCv(GreyImage16 img, double clip, int tilesX, int tilesY) {
        OpenCvSupport.load();
        CLAHE clahe = Imgproc.createCLAHE(clip, new Size(tilesX, tilesY));
        Mat dst = new Mat();
        clahe.apply(OpenCvSupport.toMat(img), dst);
        return OpenCvSupport.toImage16(dst, img.bitDepth());
    }

    @Test
    void agreesWithOpenCvOnSyntheticImages() {
        Agreement agreement = new Agreement("clahe vs OpenCV CLAHE, synthetic 8-bit");
        SplittableRandom random = new SplittableRandom(31);
        double[] clips = {0, 0.5, 2, 4, 40};
        int[][] grids = {{8, 8}, {1, 1}, {3, 5}, {16, 4}};
        for (Kind kind : Kind.values()) {
            for (int i = 0; i < 4; i++) {
                // Sizes both divisible and not by the grid, so OpenCV's mirrored extension is exercised.
                int w = i == 0 ? 256 : 2 + random.nextInt(300);
                int h = i == 0 ? 192 : 2 + random.nextInt(300);
                double clip = clips[random.nextInt(clips.length)];
                int[] grid = grids[random.nextInt(grids.length)];
                GreyImage8 img = SyntheticImages.image8(kind, w, h, random.nextLong());
                GreyImage8 ours = new GreyImage8(w, h);
                new ClaheEqualizer(clip, grid[0], grid[1]).apply(img, ours);
                GreyImage8 theirs = openCv(img, clip, grid[0], grid[1]);
                Agreement one = new Agreement(kind + " " + w + "x" + h);
                one.add(ours, theirs);
                assertThat(one.max()).as("%s clip=%s grid=%dx%d", one, clip, grid[0], grid[1]).isLessThanOrEqualTo(1);
                agreement.add(ours, theirs);
            }
        }
        System.out.println(agreement);
        assertThat(agreement.mean()).isLessThan(0.01);
    }

    @Test
    void agreesWithOpenCvAt16Bits() {
        Agreement agreement = new Agreement("clahe vs OpenCV CLAHE, synthetic 16-bit");
        SplittableRandom random = new SplittableRandom(32);
        for (Kind kind : new Kind[] {Kind.BLOBS, Kind.GRADIENT, Kind.HAND, Kind.NOISE}) {
            int w = 40 + random.nextInt(200);
            int h = 40 + random.nextInt(200);
            GreyImage16 img = SyntheticImages.image16(kind, w, h, 16, random.nextLong());
            GreyImage16 ours = new GreyImage16(w, h, 16);
            new ClaheEqualizer(3, 4, 4).apply(img, ours);
            GreyImage16 theirs = openCv(img, 3, 4, 4);
            agreement.add(ours, theirs);
        }
        System.out.println(agreement);
        assertThat(agreement.max()).isLessThanOrEqualTo(1);
    }

    @Test
    void tinyImagesMatchOpenCv() {
        GreyImage8 img = SyntheticImages.image8(Kind.NOISE, 3, 2, 1);
        GreyImage8 ours = (GreyImage8) SHARED.apply((GreyImage) img);
        assertThat(ours.data()).isEqualTo(openCv(img, 40, 8, 8).data());
    }

    @Test
    void reflect101MirrorsWithoutRepeatingTheEdge() {
        int[] expected = {0, 1, 2, 3, 2, 1, 0, 1, 2};
        for (int i = 0; i < expected.length; i++) {
            assertThat(ClaheEqualizer.reflect101(i, 4)).isEqualTo(expected[i]);
        }
        assertThat(ClaheEqualizer.reflect101(5, 1)).isZero();
    }

    @Test
    void rejectsBadParameters() {
        assertThatThrownBy(() -> new ClaheEqualizer(Double.NaN, 8, 8)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("clip");
        assertThatThrownBy(() -> new ClaheEqualizer(40, 0, 8)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("0x8");
        assertThatThrownBy(() -> new ClaheEqualizer(40, 8, 5000)).isInstanceOf(IllegalArgumentException.class);
    }
}

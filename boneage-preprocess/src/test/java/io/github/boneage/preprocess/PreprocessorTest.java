package io.github.boneage.preprocess;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.boneage.core.Equalizer;
import io.github.boneage.core.HandLandmarks;
import io.github.boneage.core.InputFormatException;
import io.github.boneage.core.MissingLandmarksException;
import io.github.boneage.core.Point;
import io.github.boneage.core.ReferencePoint;
import io.github.boneage.core.Roi;
import io.github.boneage.core.RoiScheme;
import io.github.boneage.core.image.GreyImage;
import io.github.boneage.core.image.GreyImage16;
import io.github.boneage.core.image.GreyImage8;
import io.github.boneage.preprocess.equalize.Equalizers;
import io.github.boneage.preprocess.geometry.Resampler;
import io.github.boneage.preprocess.testing.SyntheticHands;
import io.github.boneage.preprocess.testing.SyntheticImages;
import io.github.boneage.preprocess.testing.SyntheticImages.Kind;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PreprocessorTest {

    private static final int W = 400;
    private static final int H = 500;
    private static final GreyImage8 HAND = SyntheticImages.image8(Kind.HAND, W, H, 1);
    private static final GreyImage16 HAND16 = SyntheticImages.image16(Kind.HAND, W, H, 12, 1);
    private static final HandLandmarks LANDMARKS = SyntheticHands.landmarks(W, H);

    private static PreprocessSpec spec(RoiScheme roi, EqualizerSpec eq, int size, int channels) {
        double[] mean = channels == 3 ? PreprocessSpec.IMAGENET_MEAN : new double[] {0.5};
        double[] std = channels == 3 ? PreprocessSpec.IMAGENET_STD : new double[] {0.25};
        return new PreprocessSpec(roi, eq, size, channels, mean, std);
    }

    /** The pipeline step by step, without fusion: crop, equalize, resize. */
    private static GreyImage stepByStep(PreprocessSpec spec, GreyImage image, Roi roi) {
        Equalizer eq = Equalizers.create(spec.equalizer());
        GreyImage equalized = eq.apply(image.crop(roi));
        return spec.size() == 0 ? equalized : Resampler.resize(equalized, spec.size(), spec.size());
    }

    private static void assertSameSamples(GreyImage a, GreyImage b) {
        assertThat(a.getClass()).isEqualTo(b.getClass());
        assertThat(a.bitDepth()).isEqualTo(b.bitDepth());
        if (a instanceof GreyImage8 a8) {
            assertThat(a8.data()).isEqualTo(((GreyImage8) b).data());
        } else {
            assertThat(((GreyImage16) a).data()).isEqualTo(((GreyImage16) b).data());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"none", "histeq", "histeq-matlab", "clahe"})
    void fusedPipelineEqualsStepByStep(String method) {
        for (int size : new int[] {224, 0, 600}) {
            for (RoiScheme scheme : new RoiScheme[] {RoiScheme.WHOLE, RoiScheme.ROI1, RoiScheme.ROI2}) {
                PreprocessSpec spec = spec(scheme, EqualizerSpec.ofName(method), size, 3);
                Preprocessor p = new Preprocessor(spec);
                for (GreyImage img : new GreyImage[] {HAND, HAND16}) {
                    PreparedImage prepared = p.prepare(img, LANDMARKS);
                    Roi roi = scheme.region(W, H, LANDMARKS);
                    assertThat(prepared.roi()).isEqualTo(roi);
                    assertThat(prepared.scheme()).isEqualTo(scheme);
                    assertSameSamples(prepared.image(), stepByStep(spec, img, roi));
                    if (size > 0) {
                        assertThat(prepared.image().width()).isEqualTo(size);
                        assertThat(prepared.image().height()).isEqualTo(size);
                    } else {
                        assertThat(prepared.image().width()).isEqualTo(roi.width());
                    }
                }
            }
        }
    }

    @Test
    void tensorIsChwWithTheDocumentedNormalization() {
        Preprocessor p = new Preprocessor(spec(RoiScheme.ROI1, EqualizerSpec.histeqMatlab(), 32, 3));
        PreparedImage prepared = p.prepare(HAND, LANDMARKS);
        float[] t = p.toTensor(prepared);
        assertThat(t).hasSize(3 * 32 * 32).hasSize(p.tensorLength());
        assertThat(p.tensorShape(prepared)).containsExactly(3, 32, 32);
        GreyImage8 img = (GreyImage8) prepared.image();
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < 32; y += 7) {
                for (int x = 0; x < 32; x += 5) {
                    double v = img.get(x, y);
                    float want = (float) ((v / 255 - PreprocessSpec.IMAGENET_MEAN[c]) / PreprocessSpec.IMAGENET_STD[c]);
                    assertThat(t[(c * 32 + y) * 32 + x]).isEqualTo(want);
                }
            }
        }
    }

    @Test
    void sixteenBitTensorUsesTheBitDepth() {
        Preprocessor p = new Preprocessor(spec(RoiScheme.WHOLE, EqualizerSpec.none(), 16, 1));
        PreparedImage prepared = p.prepare(HAND16, null);
        float[] t = p.toTensor(prepared);
        GreyImage16 img = (GreyImage16) prepared.image();
        assertThat(img.bitDepth()).isEqualTo(12);
        for (int i = 0; i < t.length; i++) {
            assertThat(t[i]).isEqualTo((float) (((img.data()[i] & 0xFFFF) / 4095.0 - 0.5) / 0.25));
        }
    }

    @Test
    void tensorsStackAtOffsets() {
        Preprocessor p = new Preprocessor(spec(RoiScheme.WHOLE, EqualizerSpec.histeq(), 20, 1));
        PreparedImage a = p.prepare(HAND, null);
        PreparedImage b = p.prepare(SyntheticImages.image8(Kind.BLOBS, 100, 90, 2), null);
        float[] batch = new float[2 * p.tensorLength()];
        p.toTensor(a, batch, 0);
        p.toTensor(b, batch, p.tensorLength());
        assertThat(Arrays.copyOfRange(batch, 0, 400)).isEqualTo(p.toTensor(a));
        assertThat(Arrays.copyOfRange(batch, 400, 800)).isEqualTo(p.toTensor(b));
        assertThatThrownBy(() -> p.toTensor(a, new float[500], 101)).isInstanceOf(IndexOutOfBoundsException.class);
    }

    @Test
    void keepingTheCropSizeHasNoFixedTensorLength() {
        Preprocessor p = new Preprocessor(spec(RoiScheme.ROI1, EqualizerSpec.none(), 0, 1));
        assertThatThrownBy(p::tensorLength).isInstanceOf(IllegalStateException.class);
        PreparedImage prepared = p.prepare(HAND, LANDMARKS);
        assertThat(p.tensorLength(prepared)).isEqualTo(prepared.roi().width() * prepared.roi().height());
    }

    @Test
    void roi3UsesFingertipsWhenGiven() {
        Preprocessor p = new Preprocessor(spec(RoiScheme.ROI3, EqualizerSpec.none(), 64, 1));
        HandLandmarks withTips = SyntheticHands.landmarksWithTips(W, H);
        assertThat(p.prepare(HAND, withTips).roi()).isEqualTo(RoiScheme.ROI3.region(W, H, withTips));
    }

    @Test
    void roi3FallsBackToTheHandMask() {
        Preprocessor p = new Preprocessor(spec(RoiScheme.ROI3, EqualizerSpec.none(), 64, 1));
        assertThat(p.prepare(HAND, null).roi()).isEqualTo(HandRegion.find(HAND));
        assertThat(p.prepare(HAND, LANDMARKS).roi()).isEqualTo(HandRegion.find(HAND, LANDMARKS));
    }

    @Test
    void roi1AndRoi2NeedLandmarks() {
        for (RoiScheme scheme : new RoiScheme[] {RoiScheme.ROI1, RoiScheme.ROI2}) {
            Preprocessor p = new Preprocessor(spec(scheme, EqualizerSpec.histeq(), 64, 1));
            assertThatThrownBy(() -> p.prepare(HAND, null))
                    .isInstanceOf(MissingLandmarksException.class)
                    .hasMessageContaining(scheme.label());
        }
    }

    @Test
    void landmarksOutsideTheImageAreRejected() {
        Map<ReferencePoint, Point> points = LANDMARKS.points();
        points.put(ReferencePoint.RING, new Point(W + 12.5, 100));
        HandLandmarks outside = HandLandmarks.of(points);
        Preprocessor p = new Preprocessor(spec(RoiScheme.WHOLE, EqualizerSpec.none(), 64, 1));
        assertThatThrownBy(() -> p.prepare(HAND, outside))
                .isInstanceOf(InputFormatException.class)
                .hasMessageContaining("ring_x")
                .hasMessageContaining("412.5")
                .hasMessageContaining("400x500")
                .satisfies(e -> assertThat(((InputFormatException) e).field()).contains("ring_x"));
    }

    @Test
    void badEqualizerParametersFailAtConstruction() {
        PreprocessSpec bad = spec(RoiScheme.WHOLE, new EqualizerSpec("clahe", 0, 40, 0, 8), 64, 1);
        assertThatThrownBy(() -> new Preprocessor(bad)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("tile");
        PreprocessSpec unknown = spec(RoiScheme.WHOLE, new EqualizerSpec("retinex", 0, 0, 0, 0), 64, 1);
        assertThatThrownBy(() -> new Preprocessor(unknown)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("retinex");
        PreprocessSpec misplaced = spec(RoiScheme.WHOLE, new EqualizerSpec("histeq", 64, 0, 0, 0), 64, 1);
        assertThatThrownBy(() -> new Preprocessor(misplaced)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("bins");
    }

    @Test
    void sixteenBitSamplesAboveTheDepthAreRejected() {
        GreyImage16 bad = HAND16.copy();
        bad.set(5, 5, 5000);
        Preprocessor p = new Preprocessor(spec(RoiScheme.WHOLE, EqualizerSpec.histeq(), 64, 1));
        assertThatThrownBy(() -> p.prepare(bad, null)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("5000");
    }

    @Test
    void deterministicAcrossRunsAndThreads() throws Exception {
        Preprocessor p = new Preprocessor(PreprocessSpec.paper(RoiScheme.ROI2, 224));
        List<GreyImage> images = new ArrayList<>();
        List<float[]> serial = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            GreyImage img = i % 2 == 0 ? SyntheticImages.image8(Kind.HAND, W, H, 10 + i) : SyntheticImages.image16(Kind.HAND, W, H, 12, 10 + i);
            images.add(img);
            serial.add(p.toTensor(p.prepare(img, LANDMARKS)));
        }
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            List<Future<float[]>> futures = new ArrayList<>();
            for (int round = 0; round < 3; round++) {
                for (GreyImage img : images) {
                    futures.add(pool.submit(() -> p.toTensor(p.prepare(img, LANDMARKS))));
                }
            }
            for (int i = 0; i < futures.size(); i++) {
                assertThat(futures.get(i).get(60, TimeUnit.SECONDS)).isEqualTo(serial.get(i % images.size()));
            }
        } finally {
            pool.shutdownNow();
        }
        Preprocessor again = new Preprocessor(PreprocessSpec.paper(RoiScheme.ROI2, 224));
        assertThat(again.toTensor(again.prepare(images.get(0), LANDMARKS))).isEqualTo(serial.get(0));
    }
}

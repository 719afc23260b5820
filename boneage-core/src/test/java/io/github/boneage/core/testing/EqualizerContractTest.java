package io.github.boneage.core.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.boneage.core.Equalizer;
import io.github.boneage.core.image.GreyImage;
import io.github.boneage.core.image.GreyImage16;
import io.github.boneage.core.image.GreyImage8;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The contract every {@link Equalizer} fulfils. Each implementation's test extends this class and supplies the
 * instance under test; the images are generated here (gradients, noise, blocks), never read from disk.
 */
public abstract class EqualizerContractTest {

    /** @return the equalizer under test; may return the same shared instance every time */
    protected abstract Equalizer equalizer();

    /** @return a deterministic 8-bit test image: a diagonal gradient with a bright block and noise */
    protected static GreyImage8 sample8(int width, int height, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        byte[] data = new byte[width * height];
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int v = 30 + (x + y) * 150 / (width + height) + random.nextInt(-12, 13);
                if (x > width / 3 && x < width / 2 && y > height / 4 && y < 3 * height / 4) {
                    v += 60;
                }
                data[y * width + x] = (byte) Math.max(0, Math.min(255, v));
            }
        }
        return new GreyImage8(width, height, data);
    }

    /** @return a deterministic 16-bit test image of the given bit depth, using most of its range */
    protected static GreyImage16 sample16(int width, int height, int bitDepth, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        int max = (1 << bitDepth) - 1;
        short[] data = new short[width * height];
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                double ramp = 0.1 + 0.6 * (x + y) / (double) (width + height);
                if (x > width / 3 && x < width / 2 && y > height / 4 && y < 3 * height / 4) {
                    ramp += 0.25;
                }
                int v = (int) (ramp * max) + random.nextInt(-max / 50 - 1, max / 50 + 2);
                data[y * width + x] = (short) Math.max(0, Math.min(max, v));
            }
        }
        return new GreyImage16(width, height, bitDepth, data);
    }

    @Test
    void hasAName() {
        assertThat(equalizer().name()).isNotBlank().isLowerCase();
    }

    @Test
    void keepsSizeTypeAndBitDepth() {
        GreyImage out8 = equalizer().apply((GreyImage) sample8(37, 23, 1));
        assertThat(out8).isInstanceOf(GreyImage8.class);
        assertThat(out8.width()).isEqualTo(37);
        assertThat(out8.height()).isEqualTo(23);

        for (int depth : new int[] {10, 12, 16}) {
            GreyImage out16 = equalizer().apply((GreyImage) sample16(41, 19, depth, depth));
            assertThat(out16).isInstanceOf(GreyImage16.class);
            assertThat(out16.width()).isEqualTo(41);
            assertThat(out16.height()).isEqualTo(19);
            assertThat(out16.bitDepth()).isEqualTo(depth);
        }
    }

    @Test
    void leavesTheSourceUntouched() {
        GreyImage8 src = sample8(64, 48, 2);
        GreyImage8 before = src.copy();
        equalizer().apply(src, src.createSameShape());
        assertThat(src.data()).isEqualTo(before.data());

        GreyImage16 src16 = sample16(64, 48, 12, 2);
        GreyImage16 before16 = src16.copy();
        equalizer().apply(src16, src16.createSameShape());
        assertThat(src16.data()).isEqualTo(before16.data());
    }

    @Test
    void inPlaceEqualsOutOfPlace() {
        GreyImage8 src = sample8(101, 77, 3);
        GreyImage8 out = src.createSameShape();
        equalizer().apply(src, out);
        GreyImage8 inPlace = src.copy();
        equalizer().apply(inPlace, inPlace);
        assertThat(inPlace.data()).isEqualTo(out.data());

        GreyImage16 src16 = sample16(93, 61, 12, 3);
        GreyImage16 out16 = src16.createSameShape();
        equalizer().apply(src16, out16);
        GreyImage16 inPlace16 = src16.copy();
        equalizer().apply(inPlace16, inPlace16);
        assertThat(inPlace16.data()).isEqualTo(out16.data());
    }

    @Test
    void constantImageStaysConstant() {
        for (int value : new int[] {0, 1, 128, 255}) {
            GreyImage8 flat = new GreyImage8(40, 30);
            java.util.Arrays.fill(flat.data(), (byte) value);
            GreyImage8 out = (GreyImage8) equalizer().apply((GreyImage) flat);
            assertThat(distinct(out.data())).as("distinct values for constant %d", value).isEqualTo(1);
        }
        GreyImage16 flat16 = new GreyImage16(40, 30, 12);
        java.util.Arrays.fill(flat16.data(), (short) 3000);
        GreyImage16 out16 = (GreyImage16) equalizer().apply((GreyImage) flat16);
        assertThat(distinct(out16.data())).isEqualTo(1);
        assertThat(out16.get(0, 0)).isBetween(0, 4095);
    }

    @Test
    void handlesTinyImages() {
        GreyImage8 one = new GreyImage8(1, 1, new byte[] {(byte) 200});
        assertThat(equalizer().apply((GreyImage) one).width()).isEqualTo(1);
        GreyImage8 row = sample8(7, 1, 4);
        assertThat(equalizer().apply((GreyImage) row).width()).isEqualTo(7);
        GreyImage8 column = sample8(1, 9, 5);
        assertThat(equalizer().apply((GreyImage) column).height()).isEqualTo(9);
    }

    @Test
    void isDeterministic() {
        GreyImage8 src = sample8(120, 90, 6);
        GreyImage8 a = (GreyImage8) equalizer().apply((GreyImage) src);
        GreyImage8 b = (GreyImage8) equalizer().apply((GreyImage) src.copy());
        assertThat(a.data()).isEqualTo(b.data());

        GreyImage16 src16 = sample16(120, 90, 16, 6);
        GreyImage16 a16 = (GreyImage16) equalizer().apply((GreyImage) src16);
        GreyImage16 b16 = (GreyImage16) equalizer().apply((GreyImage) src16.copy());
        assertThat(a16.data()).isEqualTo(b16.data());
    }

    @Test
    void respectsTheBitDepthRange() {
        for (int depth : new int[] {1, 8, 10, 12, 15, 16}) {
            GreyImage16 src = sample16(80, 60, depth, depth);
            GreyImage16 out = (GreyImage16) equalizer().apply((GreyImage) src);
            int max = (1 << depth) - 1;
            for (short s : out.data()) {
                assertThat(s & 0xFFFF).as("sample of a %d-bit image", depth).isBetween(0, max);
            }
        }
    }

    @Test
    void rejectsSamplesAboveTheBitDepth() {
        GreyImage16 src = sample16(20, 10, 12, 7);
        src.set(3, 4, 4096);
        assertThatThrownBy(() -> equalizer().apply(src, src.createSameShape()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("4096")
                .hasMessageContaining("12-bit");
    }

    @Test
    void rejectsMismatchedDestinations() {
        GreyImage8 src = sample8(20, 10, 8);
        assertThatThrownBy(() -> equalizer().apply(src, new GreyImage8(10, 20)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("20x10");
        GreyImage16 src16 = sample16(20, 10, 12, 8);
        assertThatThrownBy(() -> equalizer().apply(src16, new GreyImage16(20, 10, 16)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("bit depth");
        assertThatThrownBy(() -> equalizer().apply(src16, new GreyImage16(21, 10, 12)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void sharedInstanceIsThreadSafe() throws Exception {
        Equalizer shared = equalizer();
        List<GreyImage> inputs = new ArrayList<>();
        List<GreyImage> expected = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            GreyImage in = i % 2 == 0 ? sample8(150 + i, 110 + 2 * i, 100 + i) : sample16(130 + i, 90 + i, 12, 100 + i);
            inputs.add(in);
            expected.add(shared.apply(in));
        }
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<GreyImage>> results = new ArrayList<>();
            for (int round = 0; round < 6; round++) {
                for (GreyImage in : inputs) {
                    results.add(pool.submit(() -> shared.apply(in)));
                }
            }
            for (int i = 0; i < results.size(); i++) {
                GreyImage got = results.get(i).get(60, TimeUnit.SECONDS);
                GreyImage want = expected.get(i % inputs.size());
                if (want instanceof GreyImage8 w8) {
                    assertThat(((GreyImage8) got).data()).isEqualTo(w8.data());
                } else {
                    assertThat(((GreyImage16) got).data()).isEqualTo(((GreyImage16) want).data());
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private static int distinct(byte[] data) {
        boolean[] seen = new boolean[256];
        int n = 0;
        for (byte b : data) {
            if (!seen[b & 0xFF]) {
                seen[b & 0xFF] = true;
                n++;
            }
        }
        return n;
    }

    private static int distinct(short[] data) {
        boolean[] seen = new boolean[65536];
        int n = 0;
        for (short s : data) {
            if (!seen[s & 0xFFFF]) {
                seen[s & 0xFFFF] = true;
                n++;
            }
        }
        return n;
    }
}

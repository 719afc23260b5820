package io.github.boneage.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.boneage.core.RoiScheme;
import io.github.boneage.core.Sex;
import io.github.boneage.core.image.GreyImage;
import io.github.boneage.core.image.GreyImage8;
import io.github.boneage.synthetic.SyntheticHandGenerator;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Images that are not hand radiographs must be refused by the pipeline's gate with its default detectors (issue #12:
 * at least 99%): uniform noise, blank and gradient images, a chest-like
 * radiograph (body, lungs, spine, ribs), blobs, and flat hand silhouettes (a hand's outline with no bones inside).
 * Five kinds, {@link #PER_KIND} of each, seeded.
 */
@Tag("slow")
class NonHandImagesTest {

    /** Images of each kind: 10 in the build, {@code -Dboneage.safety.nonHandPerKind=N} for a larger measurement. */
    private static final int PER_KIND = Integer.getInteger("boneage.safety.nonHandPerKind", 10);

    private static GreyImage8 noise(Random rnd) {
        byte[] b = new byte[320 * 400];
        rnd.nextBytes(b);
        return new GreyImage8(320, 400, b);
    }

    private static GreyImage8 blankOrGradient(Random rnd) {
        GreyImage8 img = new GreyImage8(320, 400);
        int base = rnd.nextInt(200);
        double gx = rnd.nextDouble() * 0.3;
        double gy = rnd.nextDouble() * 0.3;
        for (int y = 0; y < img.height(); y++) {
            for (int x = 0; x < img.width(); x++) {
                img.set(x, y, (int) Math.min(255, base + gx * x + gy * y));
            }
        }
        return img;
    }

    /** A frontal chest: a bright body, two dark lungs, a bright spine and rib arcs, and a little noise. */
    private static GreyImage8 chest(Random rnd) {
        int w = 360 + rnd.nextInt(80);
        int h = 360 + rnd.nextInt(80);
        GreyImage8 img = new GreyImage8(w, h);
        double cx = w / 2.0 + rnd.nextGaussian() * 8;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                double body = Math.pow((x - cx) / (0.45 * w), 2) + Math.pow((y - 0.55 * h) / (0.6 * h), 2);
                double v = body < 1 ? 150 : 20;
                for (int side = -1; side <= 1; side += 2) {
                    double lung = Math.pow((x - cx - side * 0.19 * w) / (0.14 * w), 2)
                            + Math.pow((y - 0.45 * h) / (0.28 * h), 2);
                    if (lung < 1) {
                        v = 60 + 30 * lung;
                    }
                }
                if (Math.abs(x - cx) < 0.04 * w && body < 1) {
                    v = 200;
                }
                for (int rib = 0; rib < 8; rib++) {
                    double ry = 0.22 * h + rib * 0.06 * h + 0.0015 * Math.pow(x - cx, 2) / w * 10;
                    if (Math.abs(y - ry) < 2 && body < 1) {
                        v = Math.max(v, 170);
                    }
                }
                img.set(x, y, (int) Math.max(0, Math.min(255, v + rnd.nextGaussian() * 6)));
            }
        }
        return img;
    }

    private static GreyImage8 blobs(Random rnd) {
        GreyImage8 img = new GreyImage8(320, 400);
        int n = 1 + rnd.nextInt(5);
        for (int b = 0; b < n; b++) {
            double cx = rnd.nextDouble() * 320;
            double cy = rnd.nextDouble() * 400;
            double rx = 20 + rnd.nextDouble() * 100;
            double ry = 20 + rnd.nextDouble() * 100;
            int v = 80 + rnd.nextInt(170);
            for (int y = 0; y < 400; y++) {
                for (int x = 0; x < 320; x++) {
                    if (Math.pow((x - cx) / rx, 2) + Math.pow((y - cy) / ry, 2) < 1) {
                        img.set(x, y, v);
                    }
                }
            }
        }
        return img;
    }

    /** A generated hand's outline filled with one grey level: a hand's shape, no bones. */
    private static GreyImage8 silhouette(Random rnd, long index) {
        GreyImage hand = SyntheticHandGenerator.builder().setSeed(rnd.nextLong()).build().generate(index).image();
        long[] histogram = new long[256];
        for (int y = 0; y < hand.height(); y++) {
            for (int x = 0; x < hand.width(); x++) {
                histogram[hand.get(x, y) >> Math.max(0, hand.bitDepth() - 8)]++;
            }
        }
        long total = (long) hand.width() * hand.height();
        long seen = 0;
        int p70 = 0;
        while (p70 < 255 && seen + histogram[p70] < 0.7 * total) {
            seen += histogram[p70++];
        }
        GreyImage8 img = new GreyImage8(hand.width(), hand.height());
        int fill = 140 + rnd.nextInt(60);
        for (int y = 0; y < hand.height(); y++) {
            for (int x = 0; x < hand.width(); x++) {
                int v = hand.get(x, y) >> Math.max(0, hand.bitDepth() - 8);
                img.set(x, y, (v > p70 ? fill : 25) + rnd.nextInt(4));
            }
        }
        return img;
    }

    @Test
    void atLeast99PercentOfNonHandImagesAreRefused() {
        Random rnd = new Random(20261205L);
        Map<String, IntFunction<GreyImage8>> kinds = new LinkedHashMap<>();
        kinds.put("noise", i -> noise(rnd));
        kinds.put("blank-or-gradient", i -> blankOrGradient(rnd));
        kinds.put("chest-like", i -> chest(rnd));
        kinds.put("blobs", i -> blobs(rnd));
        kinds.put("flat-silhouette", i -> silhouette(rnd, i));
        BoneAgePipeline pipeline = BoneAgePipeline.builder().setEstimator(new ContentEstimator(RoiScheme.WHOLE)).build();
        List<String> accepted = new ArrayList<>();
        int total = 0;
        for (var kind : kinds.entrySet()) {
            for (int i = 0; i < PER_KIND; i++) {
                String id = kind.getKey() + "-" + i;
                PipelineResult r = pipeline.run(PipelineInput.builder().setImage(kind.getValue().apply(i)).optSourceId(id)
                        .optSex(Sex.FEMALE, "test").build());
                total++;
                if (r.isSuccess()) {
                    accepted.add(id + " " + r.gate());
                }
            }
        }
        System.out.printf("non-hand images: %d, refused %d, accepted %s%n", total, total - accepted.size(), accepted);
        assertThat(total - accepted.size()).as("refused non-hand images; accepted: %s", accepted)
                .isGreaterThanOrEqualTo((int) Math.ceil(0.99 * total));
    }
}

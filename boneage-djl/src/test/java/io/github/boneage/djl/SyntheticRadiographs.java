package io.github.boneage.djl;

import io.github.boneage.core.EstimationRequest;
import io.github.boneage.core.HandLandmarks;
import io.github.boneage.core.Point;
import io.github.boneage.core.ReferencePoint;
import io.github.boneage.core.Sex;
import io.github.boneage.core.image.GreyImage16;
import io.github.boneage.core.image.GreyImage8;
import java.util.EnumMap;
import java.util.Map;
import java.util.Random;

/** Generated stand-ins for hand radiographs: smooth background, bright "bones", and the seven reference points. */
final class SyntheticRadiographs {

    static final int WIDTH = 96;
    static final int HEIGHT = 80;

    private SyntheticRadiographs() {
    }

    /** @return a deterministic 8-bit image that differs with the seed */
    static GreyImage8 image(long seed) {
        Random random = new Random(seed);
        GreyImage8 img = new GreyImage8(WIDTH, HEIGHT);
        double fx = 0.05 + 0.1 * random.nextDouble();
        double fy = 0.05 + 0.1 * random.nextDouble();
        for (int y = 0; y < HEIGHT; y++) {
            for (int x = 0; x < WIDTH; x++) {
                img.set(x, y, (int) (40 + 30 * Math.sin(fx * x) * Math.cos(fy * y)));
            }
        }
        for (int k = 0; k < 12; k++) {
            int x0 = random.nextInt(WIDTH - 8);
            int y0 = random.nextInt(HEIGHT - 12);
            int level = 120 + random.nextInt(130);
            for (int y = y0; y < y0 + 4 + random.nextInt(8); y++) {
                for (int x = x0; x < x0 + 3 + random.nextInt(5); x++) {
                    img.set(x, y, level);
                }
            }
        }
        return img;
    }

    /** @return the same picture as {@link #image(long)} at 12 bits */
    static GreyImage16 image12(long seed) {
        GreyImage8 g8 = image(seed);
        GreyImage16 img = new GreyImage16(WIDTH, HEIGHT, 12);
        for (int y = 0; y < HEIGHT; y++) {
            for (int x = 0; x < WIDTH; x++) {
                img.set(x, y, g8.get(x, y) * 16);
            }
        }
        return img;
    }

    /** @return fingers spread along the top, radius and ulna at the bottom, all well inside the image */
    static HandLandmarks landmarks(long seed) {
        Random random = new Random(seed * 31 + 1);
        Map<ReferencePoint, Point> p = new EnumMap<>(ReferencePoint.class);
        double[] fingerX = {20, 34, 48, 62, 76};
        ReferencePoint[] fingers = {ReferencePoint.THUMB, ReferencePoint.INDEX, ReferencePoint.MIDDLE, ReferencePoint.RING,
            ReferencePoint.LITTLE};
        for (int i = 0; i < fingers.length; i++) {
            p.put(fingers[i], new Point(fingerX[i] + random.nextInt(3), 18 + random.nextInt(6)));
        }
        p.put(ReferencePoint.RADIUS, new Point(38 + random.nextInt(3), 64 + random.nextInt(4)));
        p.put(ReferencePoint.ULNA, new Point(58 + random.nextInt(3), 64 + random.nextInt(4)));
        return HandLandmarks.of(p);
    }

    /** @return a request for image {@code seed} with its landmarks */
    static EstimationRequest request(long seed, Sex sex) {
        return EstimationRequest.builder().setImage(image(seed)).optLandmarks(landmarks(seed)).optSex(sex)
                .optSourceId("synthetic-" + seed).build();
    }
}

package io.github.boneage.djl.train.landmarks;

import io.github.boneage.core.HandLandmarks;
import io.github.boneage.core.image.GreyImage;
import io.github.boneage.djl.landmarks.impl.NetInput;
import io.github.boneage.djl.landmarks.impl.PointOrder;
import java.util.Objects;

/**
 * One annotated radiograph for the landmark trainer, reduced once for the network's input size.
 *
 * @param id    names the image in logs
 * @param input the reduced image
 * @param xs    x of each heatmap's point in reduced-image coordinates ({@link PointOrder}); {@code NaN} when the
 *              point is not annotated (its loss is masked out)
 * @param ys    y likewise
 * @param handMask 1 where the hand is and 0 elsewhere, per reduced-image pixel (row-major, the input's size), or
 *              {@code null} when not known (the mask head's loss is then masked out for this example)
 */
public record LandmarkExample(String id, NetInput input, double[] xs, double[] ys, float[] handMask) {

    /**
     * An example without a hand mask.
     *
     * @param id names the image in logs
     * @param input the reduced image
     * @param xs x of each heatmap's point in reduced-image coordinates; {@code NaN} when not annotated
     * @param ys y likewise
     */
    public LandmarkExample(String id, NetInput input, double[] xs, double[] ys) {
        this(id, input, xs, ys, null);
    }

    /**
     * Checks the arrays.
     *
     * @param id names the image in logs
     * @param input the reduced image
     * @param xs x of each heatmap's point in reduced-image coordinates ({@link PointOrder}); {@code NaN} when the point
     *           is not annotated (its loss is masked out)
     * @param ys y likewise
     * @param handMask 1 on the hand and 0 elsewhere per reduced-image pixel, or {@code null} when not known
     */
    public LandmarkExample {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(input, "input");
        if (xs.length != PointOrder.COUNT || ys.length != PointOrder.COUNT) {
            throw new IllegalArgumentException(id + ": expected " + PointOrder.COUNT + " points, got " + xs.length);
        }
        if (handMask != null && handMask.length != input.width() * input.height()) {
            throw new IllegalArgumentException(id + ": hand mask has " + handMask.length + " values, the reduced image "
                    + input.width() + "x" + input.height());
        }
    }

    /**
     * @param mask 1 on the hand and 0 elsewhere per reduced-image pixel (the input's size)
     * @return this example with that hand mask
     */
    public LandmarkExample withHandMask(float[] mask) {
        return new LandmarkExample(id, input, xs, ys, mask);
    }

    /**
     * @param id        names the image
     * @param image     the radiograph
     * @param landmarks its points in the image's pixel coordinates (fingertips optional)
     * @param inputSize the network input side
     * @return the example
     */
    public static LandmarkExample of(String id, GreyImage image, HandLandmarks landmarks, int inputSize) {
        NetInput input = NetInput.of(image, inputSize);
        double[][] c = PointOrder.coordinates(landmarks);
        double f = input.factor();
        double[] xs = new double[PointOrder.COUNT];
        double[] ys = new double[PointOrder.COUNT];
        for (int k = 0; k < PointOrder.COUNT; k++) {
            xs[k] = c[0][k] / f;
            ys[k] = c[1][k] / f;
        }
        return new LandmarkExample(id, input, xs, ys);
    }
}

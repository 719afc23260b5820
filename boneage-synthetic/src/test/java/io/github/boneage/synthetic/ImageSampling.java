package io.github.boneage.synthetic;

import io.github.boneage.core.Point;
import io.github.boneage.core.Roi;
import io.github.boneage.core.image.GreyImage;
import java.util.Arrays;

/** Reads grey levels of test images as fractions of full scale. */
final class ImageSampling {

    private ImageSampling() {
    }

    /** @return the mean of the pixels whose centres lie within {@code radius} of {@code p}, in [0, 1] */
    static double discMean(GreyImage image, Point p, double radius) {
        double sum = 0;
        int n = 0;
        for (int y = (int) Math.floor(p.y() - radius); y <= (int) Math.ceil(p.y() + radius); y++) {
            for (int x = (int) Math.floor(p.x() - radius); x <= (int) Math.ceil(p.x() + radius); x++) {
                if (x < 0 || y < 0 || x >= image.width() || y >= image.height()) {
                    continue;
                }
                if (Math.hypot(x + 0.5 - p.x(), y + 0.5 - p.y()) <= radius) {
                    sum += image.get(x, y);
                    n++;
                }
            }
        }
        return sum / n / image.maxValue();
    }

    /** @return the bilinearly interpolated grey level at (x, y), in [0, 1] */
    static double bilinear(GreyImage image, double x, double y) {
        double fx = x - 0.5;
        double fy = y - 0.5;
        int x0 = Math.max(0, Math.min(image.width() - 2, (int) Math.floor(fx)));
        int y0 = Math.max(0, Math.min(image.height() - 2, (int) Math.floor(fy)));
        double ax = Math.max(0, Math.min(1, fx - x0));
        double ay = Math.max(0, Math.min(1, fy - y0));
        double top = image.get(x0, y0) * (1 - ax) + image.get(x0 + 1, y0) * ax;
        double bottom = image.get(x0, y0 + 1) * (1 - ax) + image.get(x0 + 1, y0 + 1) * ax;
        return (top * (1 - ay) + bottom * ay) / image.maxValue();
    }

    /** @return the q-quantile (0..1) of all grey levels, in [0, 1] */
    static double quantile(GreyImage image, double q) {
        double[] values = all(image);
        Arrays.sort(values);
        return values[(int) Math.min(values.length - 1, Math.floor(q * values.length))];
    }

    /** @return the mean grey level inside the ROI, in [0, 1] */
    static double roiMean(GreyImage image, Roi roi) {
        double sum = 0;
        for (int y = roi.y(); y < roi.maxY(); y++) {
            for (int x = roi.x(); x < roi.maxX(); x++) {
                sum += image.get(x, y);
            }
        }
        return sum / ((double) roi.width() * roi.height()) / image.maxValue();
    }

    private static double[] all(GreyImage image) {
        double[] values = new double[image.width() * image.height()];
        for (int y = 0; y < image.height(); y++) {
            for (int x = 0; x < image.width(); x++) {
                values[y * image.width() + x] = (double) image.get(x, y) / image.maxValue();
            }
        }
        return values;
    }
}

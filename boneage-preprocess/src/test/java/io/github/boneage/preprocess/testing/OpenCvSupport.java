package io.github.boneage.preprocess.testing;

import io.github.boneage.core.image.GreyImage16;
import io.github.boneage.core.image.GreyImage8;
import org.opencv.core.CvType;
import org.opencv.core.Mat;

/** Converts between the library's images and OpenCV mats; the reference for agreement tests. */
public final class OpenCvSupport {

    static {
        // Extracts the natives bundled in the org.openpnp jar: no network, no system OpenCV needed.
        nu.pattern.OpenCV.loadLocally();
    }

    private OpenCvSupport() {
    }

    /** Makes sure the natives are loaded. */
    public static void load() {
        // the static initializer does the work
    }

    /** @return an 8-bit single-channel mat holding a copy of the image */
    public static Mat toMat(GreyImage8 image) {
        Mat m = new Mat(image.height(), image.width(), CvType.CV_8UC1);
        m.put(0, 0, image.data());
        return m;
    }

    /** @return a 16-bit single-channel mat holding a copy of the image */
    public static Mat toMat(GreyImage16 image) {
        Mat m = new Mat(image.height(), image.width(), CvType.CV_16UC1);
        m.put(0, 0, image.data());
        return m;
    }

    /** @return the 8-bit mat as an image */
    public static GreyImage8 toImage8(Mat m) {
        byte[] data = new byte[m.rows() * m.cols()];
        m.get(0, 0, data);
        return new GreyImage8(m.cols(), m.rows(), data);
    }

    /** @return the 16-bit mat as an image of the given bit depth */
    public static GreyImage16 toImage16(Mat m, int bitDepth) {
        short[] data = new short[m.rows() * m.cols()];
        m.get(0, 0, data);
        return new GreyImage16(m.cols(), m.rows(), bitDepth, data);
    }
}

package io.github.boneage.preprocess;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.boneage.core.image.GreyImage;
import io.github.boneage.core.image.GreyImage8;
import io.github.boneage.core.testing.SharedData;
import io.github.boneage.preprocess.equalize.ClaheEqualizer;
import io.github.boneage.preprocess.equalize.HistogramEqualizer;
import io.github.boneage.preprocess.geometry.Resampler;
import io.github.boneage.preprocess.io.ImageDecoder;
import io.github.boneage.preprocess.testing.Agreement;
import io.github.boneage.preprocess.testing.OpenCvSupport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.opencv.core.Mat;
import org.opencv.core.Size;
import org.opencv.imgproc.CLAHE;
import org.opencv.imgproc.Imgproc;

/**
 * Agreement with OpenCV on real radiographs from the shared folder (never committed). Each image is decoded once by
 * our decoder and the same pixels go to both implementations. Prints the figures quoted in docs/preprocessing.md.
 */
@Tag("data")
class RealImageAgreementTest {

    private static final ImageDecoder DECODER = ImageDecoder.create();

    private static List<Path> images(String folder, int limit) throws IOException {
        Path dir = SharedData.require(folder);
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.toString().endsWith(".jpg")).sorted().limit(limit).toList();
        }
    }

    private static void compare(List<Path> files, String label) {
        OpenCvSupport.load();
        Agreement histeq = new Agreement("histeq vs OpenCV equalizeHist, " + label);
        Agreement clahe = new Agreement("clahe(40, 8x8) vs OpenCV CLAHE, " + label);
        Agreement claheLow = new Agreement("clahe(2, 8x8) vs OpenCV CLAHE, " + label);
        Agreement area = new Agreement("resize to 224 vs OpenCV INTER_AREA, " + label);
        HistogramEqualizer ours = new HistogramEqualizer();
        CLAHE cv40 = Imgproc.createCLAHE(40, new Size(8, 8));
        CLAHE cv2 = Imgproc.createCLAHE(2, new Size(8, 8));
        for (Path file : files) {
            GreyImage8 img = (GreyImage8) DECODER.decode(file);
            Mat mat = OpenCvSupport.toMat(img);
            Mat dst = new Mat();
            Imgproc.equalizeHist(mat, dst);
            histeq.add(ours.apply((GreyImage) img), OpenCvSupport.toImage8(dst));
            cv40.apply(mat, dst);
            clahe.add(new ClaheEqualizer(40, 8, 8).apply((GreyImage) img), OpenCvSupport.toImage8(dst));
            cv2.apply(mat, dst);
            claheLow.add(new ClaheEqualizer(2, 8, 8).apply((GreyImage) img), OpenCvSupport.toImage8(dst));
            Imgproc.resize(mat, dst, new Size(224, 224), 0, 0, Imgproc.INTER_AREA);
            area.add(Resampler.resize(img, 224, 224), OpenCvSupport.toImage8(dst));
        }
        for (Agreement a : List.of(histeq, clahe, claheLow, area)) {
            System.out.println(a);
        }
        assertThat(histeq.max()).isZero();
        assertThat(clahe.mean()).isLessThan(0.01);
        assertThat(clahe.max()).isLessThanOrEqualTo(1);
        assertThat(claheLow.max()).isLessThanOrEqualTo(1);
        assertThat(area.max()).isLessThanOrEqualTo(1);
    }

    @Test
    void rsna299() throws IOException {
        compare(images("data/rsna-299/images", 400), "rsna-299 (400 images, 299x299)");
    }

    @Test
    void rsnaHalfRes() throws IOException {
        compare(images("data/rsna-halfres/images", 300), "rsna-halfres (300 images)");
    }
}

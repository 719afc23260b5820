package io.github.boneage.benchmarks;

import io.github.boneage.core.HandLandmarks;
import io.github.boneage.core.Point;
import io.github.boneage.core.ReferencePoint;
import io.github.boneage.core.Roi;
import io.github.boneage.core.RoiScheme;
import io.github.boneage.core.image.GreyImage8;
import io.github.boneage.preprocess.EqualizerSpec;
import io.github.boneage.preprocess.PreparedImage;
import io.github.boneage.preprocess.PreprocessSpec;
import io.github.boneage.preprocess.Preprocessor;
import java.util.EnumMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.opencv.core.Core;
import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.opencv.core.Rect;
import org.opencv.core.Size;
import org.opencv.imgproc.Imgproc;

/**
 * Crop + histogram equalization + resize to 224 + normalized CHW float tensor on a generated 2000 x 2500 8-bit
 * radiograph: this library's {@link Preprocessor} against the same steps through OpenCV's Java binding, in one run.
 * Both produce a 3 x 224 x 224 tensor normalized with the ImageNet mean and std from the same crop.
 *
 * <p>Run: see docs/benchmarks.md ({@code java -jar boneage-benchmarks/target/benchmarks.jar Preprocess}).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 10, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class PreprocessBenchmark {

    static final int WIDTH = 2000;
    static final int HEIGHT = 2500;
    static final int SIZE = 224;

    /** The input image, the landmarks and the ROI they give, shared by both implementations. */
    @State(Scope.Benchmark)
    public static class Input {
        GreyImage8 image;
        HandLandmarks landmarks;
        PreprocessSpec spec;
        Roi roi;

        /** Generates the image and computes the ROI once. */
        @Setup
        public void setUp() {
            image = radiograph(WIDTH, HEIGHT, 42);
            landmarks = landmarks(WIDTH, HEIGHT);
            spec = new PreprocessSpec(RoiScheme.ROI2, EqualizerSpec.histeq(), SIZE, 3, PreprocessSpec.IMAGENET_MEAN,
                    PreprocessSpec.IMAGENET_STD);
            roi = new Preprocessor(spec).region(image, landmarks);
        }
    }

    /** This library: a preprocessor and a tensor buffer reused across calls, as an estimator would. */
    @State(Scope.Thread)
    public static class Ours {
        Preprocessor preprocessor;
        float[] tensor;

        /** @param in the shared input */
        @Setup
        public void setUp(Input in) {
            preprocessor = new Preprocessor(in.spec);
            tensor = new float[preprocessor.tensorLength()];
        }
    }

    /** OpenCV: the full image as a Mat and preallocated intermediates. */
    public abstract static class OpenCvState {
        Mat full;
        Rect rect;
        Mat equalized;
        Mat resized;
        Mat channel;
        float[] plane = new float[SIZE * SIZE];
        float[] tensor = new float[3 * SIZE * SIZE];
        double[] mean = PreprocessSpec.IMAGENET_MEAN.clone();
        double[] std = PreprocessSpec.IMAGENET_STD.clone();

        void init(Input in, int threads) {
            nu.pattern.OpenCV.loadLocally();
            if (threads > 0) {
                Core.setNumThreads(threads);
            }
            equalized = new Mat();
            resized = new Mat();
            channel = new Mat();
            full = new Mat(in.image.height(), in.image.width(), CvType.CV_8UC1);
            full.put(0, 0, in.image.data());
            rect = new Rect(in.roi.x(), in.roi.y(), in.roi.width(), in.roi.height());
            checkSameResult(in);
        }

        /** Both sides must compute the same tensor, or the timings compare different work. */
        private void checkSameResult(Input in) {
            Preprocessor ours = new Preprocessor(in.spec);
            float[] mine = ours.toTensor(ours.prepare(in.image, in.landmarks));
            float[] theirs = runOpenCv(this);
            double maxDiff = 0;
            for (int i = 0; i < mine.length; i++) {
                maxDiff = Math.max(maxDiff, Math.abs(mine[i] - theirs[i]));
            }
            // One grey level is 1 / (255 * std) ~ 0.0175 in tensor units; INTER_AREA rounding may differ by that much.
            if (maxDiff > 0.02) {
                throw new IllegalStateException("OpenCV and boneage tensors differ by up to " + maxDiff);
            }
            System.out.println("# check: max |boneage - OpenCV| over the tensor = " + maxDiff);
        }
    }

    /** OpenCV with its default thread pool (one thread per core). */
    @State(Scope.Thread)
    public static class OpenCv extends OpenCvState {
        /** @param in the shared input */
        @Setup
        public void setUp(Input in) {
            init(in, 0);
        }
    }

    /** OpenCV restricted to one thread, to compare like with like (our pipeline is single-threaded). */
    @State(Scope.Thread)
    public static class OpenCvOneThread extends OpenCvState {
        /** @param in the shared input */
        @Setup
        public void setUp(Input in) {
            init(in, 1);
        }
    }

    /**
     * @param in the benchmark's input image
     * @param ours this library's preprocessor
     * @return the tensor from this library's preprocessor
     */
    @Benchmark
    public float[] boneage(Input in, Ours ours) {
        PreparedImage prepared = ours.preprocessor.prepare(in.image, in.landmarks);
        ours.preprocessor.toTensor(prepared, ours.tensor, 0);
        return ours.tensor;
    }

    /**
     * @param cv the OpenCV state (default thread pool)
     * @return the tensor from OpenCV with its default thread pool
     */
    @Benchmark
    public float[] opencv(OpenCv cv) {
        return runOpenCv(cv);
    }

    /**
     * @param cv the OpenCV state (one thread)
     * @return the tensor from single-threaded OpenCV
     */
    @Benchmark
    public float[] opencvOneThread(OpenCvOneThread cv) {
        return runOpenCv(cv);
    }

    private static float[] runOpenCv(OpenCvState cv) {
        Mat crop = cv.full.submat(cv.rect);
        Imgproc.equalizeHist(crop, cv.equalized);
        Imgproc.resize(cv.equalized, cv.resized, new Size(SIZE, SIZE), 0, 0, Imgproc.INTER_AREA);
        for (int c = 0; c < 3; c++) {
            // (v / 255 - mean) / std in one pass per channel plane: the CHW split of a replicated grey image.
            cv.resized.convertTo(cv.channel, CvType.CV_32F, 1.0 / (255.0 * cv.std[c]), -cv.mean[c] / cv.std[c]);
            cv.channel.get(0, 0, cv.plane);
            System.arraycopy(cv.plane, 0, cv.tensor, c * SIZE * SIZE, SIZE * SIZE);
        }
        crop.release();
        return cv.tensor;
    }

    /** A hand-like radiograph: dark noisy background, bright palm, fingers and forearm, bone-like blobs. */
    static GreyImage8 radiograph(int width, int height, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        byte[] data = new byte[width * height];
        double[] fingerX = {0.27, 0.39, 0.5, 0.61, 0.72};
        double[] tipY = {0.40, 0.12, 0.08, 0.12, 0.2};
        for (int y = 0; y < height; y++) {
            double v = y / (double) height;
            for (int x = 0; x < width; x++) {
                double u = x / (double) width;
                double level = 25 + 10 * v;
                double palm = ((u - 0.5) / 0.22) * ((u - 0.5) / 0.22) + ((v - 0.62) / 0.16) * ((v - 0.62) / 0.16);
                if (palm <= 1) {
                    level = 120 + 40 * (1 - palm);
                } else if (Math.abs(u - 0.5) < 0.15 && v > 0.7) {
                    level = 130;
                }
                for (int f = 0; f < 5; f++) {
                    if (Math.abs(u - fingerX[f]) < 0.035 && v > tipY[f] && v < 0.6) {
                        level = 140 + 50 * Math.cos(v * 60);
                    }
                }
                data[y * width + x] = (byte) Math.max(0, Math.min(255, (int) (level + random.nextGaussian() * 6)));
            }
        }
        return new GreyImage8(width, height, data);
    }

    static HandLandmarks landmarks(int width, int height) {
        Map<ReferencePoint, Point> points = new EnumMap<>(ReferencePoint.class);
        double[] fingerX = {0.27, 0.39, 0.5, 0.61, 0.72};
        ReferencePoint[] fingers = {ReferencePoint.THUMB, ReferencePoint.INDEX, ReferencePoint.MIDDLE, ReferencePoint.RING,
            ReferencePoint.LITTLE};
        for (int f = 0; f < 5; f++) {
            points.put(fingers[f], new Point(fingerX[f] * width, 0.35 * height));
        }
        points.put(ReferencePoint.RADIUS, new Point(0.42 * width, 0.85 * height));
        points.put(ReferencePoint.ULNA, new Point(0.58 * width, 0.85 * height));
        return HandLandmarks.of(points);
    }
}

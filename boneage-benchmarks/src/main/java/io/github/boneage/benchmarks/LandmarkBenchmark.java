package io.github.boneage.benchmarks;

import io.github.boneage.core.RoiScheme;
import io.github.boneage.core.image.GreyImage;
import io.github.boneage.core.landmarks.LandmarkDetection;
import io.github.boneage.preprocess.EqualizerSpec;
import io.github.boneage.preprocess.PreparedImage;
import io.github.boneage.preprocess.PreprocessSpec;
import io.github.boneage.preprocess.Preprocessor;
import io.github.boneage.preprocess.landmarks.ClassicalLandmarkDetector;
import io.github.boneage.synthetic.SyntheticHandGenerator;
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

/**
 * Automatic landmark detection ({@link ClassicalLandmarkDetector}) on a generated 1000 x 1300 8-bit hand radiograph,
 * single-threaded, next to a reference measured in the same run on the same image: the papers' whole-image
 * preprocessing (histogram equalization and resize to 224), so that the detector's cost reads as a ratio that
 * carries over between machines.
 *
 * <p>Run: see docs/landmarks.md ({@code java -jar boneage-benchmarks/target/benchmarks.jar Landmark}).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms512m", "-Xmx512m"})
public class LandmarkBenchmark {

    static final int WIDTH = 1000;
    static final int HEIGHT = 1300;

    /** The image, the detector and the reference preprocessor, shared by both benchmarks. */
    @State(Scope.Benchmark)
    public static class Input {
        GreyImage image;
        ClassicalLandmarkDetector detector;
        Preprocessor preprocessor;

        /** Generates the image and checks that the detector accepts it, so the timing is of a full detection. */
        @Setup
        public void setUp() {
            image = SyntheticHandGenerator.builder().setSeed(42).optImageSize(WIDTH, HEIGHT).optRotationRange(-10, 10)
                    .optMarkerProbability(1).build().generate(3L).image();
            detector = ClassicalLandmarkDetector.builder().build();
            LandmarkDetection d = detector.detect(image, "benchmark");
            if (!d.ok()) {
                throw new IllegalStateException("the benchmark image must pass the quality gate: " + d.reason());
            }
            preprocessor = new Preprocessor(new PreprocessSpec(RoiScheme.WHOLE, EqualizerSpec.histeq(), 224, 1,
                    new double[] {0}, new double[] {1}));
        }
    }

    /**
     * @param in the benchmark's input image
     * @return the detection: reduction, segmentation, shape analysis and point placement
     */
    @Benchmark
    public LandmarkDetection detectLandmarks(Input in) {
        return in.detector.detect(in.image, "benchmark");
    }

    /**
     * @param in the benchmark's input image
     * @return the reference: whole-image histogram equalization and resize to 224 x 224
     */
    @Benchmark
    public PreparedImage referenceHisteqResize(Input in) {
        return in.preprocessor.prepare(in.image, null);
    }
}

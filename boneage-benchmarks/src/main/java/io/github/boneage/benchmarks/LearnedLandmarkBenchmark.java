package io.github.boneage.benchmarks;

import io.github.boneage.core.BoneAgeEstimate;
import io.github.boneage.core.EnsembleEstimator;
import io.github.boneage.core.EstimationRequest;
import io.github.boneage.core.Sex;
import io.github.boneage.core.image.GreyImage;
import io.github.boneage.core.landmarks.LandmarkDetection;
import io.github.boneage.djl.DjlBoneAgeEstimator;
import io.github.boneage.djl.EnsembleBundle;
import io.github.boneage.djl.landmarks.LearnedLandmarkDetector;
import io.github.boneage.synthetic.SyntheticHand;
import io.github.boneage.synthetic.SyntheticHandGenerator;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The learned landmark detector ({@link LearnedLandmarkDetector}: the upright view, and the four quarter turns in one
 * batch when that view is unclear) against the bone-age models' estimates on the same generated 1000 x 1300
 * radiograph, one thread each, in one run: issue #12 asks for detection to cost no more than the model's own inference,
 * so the figures to read are the ratios. Two references: the default model, v2 (an ensemble whose networks all
 * run, given the hand's points), and model v1 (one network, the stricter reference).
 *
 * <p>Bundles: {@code models/landmarks}, {@code models/v2} and {@code models/default} under the working folder (run
 * from the repository root), or the system properties {@code boneage.benchmark.landmarks},
 * {@code boneage.benchmark.ensemble} and {@code boneage.benchmark.model}. Run:
 * {@code java -Dai.djl.offline=true -jar boneage-benchmarks/target/benchmarks.jar LearnedLandmark}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx2g", "-Dai.djl.offline=true", "-Dai.djl.pytorch.num_threads=1",
        "-Dai.djl.pytorch.num_interop_threads=1"})
public class LearnedLandmarkBenchmark {

    /** The image, the detector and the estimator. */
    @State(Scope.Benchmark)
    public static class Input {
        GreyImage image;
        LearnedLandmarkDetector detector;
        DjlBoneAgeEstimator estimator;
        EnsembleEstimator ensemble;
        EstimationRequest request;
        EstimationRequest requestWithPoints;

        /** Loads both bundles and generates the image. */
        @Setup(Level.Trial)
        public void setUp() {
            SyntheticHand hand = SyntheticHandGenerator.builder().setSeed(42).optImageSize(1000, 1300)
                    .optRotationRange(-10, 10).build().generate(3L);
            image = hand.image();
            Path landmarks = Paths.get(System.getProperty("boneage.benchmark.landmarks", "models/landmarks"));
            Path model = Paths.get(System.getProperty("boneage.benchmark.model", "models/default"));
            detector = LearnedLandmarkDetector.builder().setBundle(landmarks).optPoolSize(1).build();
            Path ensembleFolder = Paths.get(System.getProperty("boneage.benchmark.ensemble", "models/v2"));
            estimator = DjlBoneAgeEstimator.builder().setBundle(model).optPoolSize(1).build();
            ensemble = EnsembleBundle.open(ensembleFolder, b -> b.optPoolSize(1));
            request = EstimationRequest.builder().setImage(image).optSex(Sex.FEMALE).optSourceId("benchmark").build();
            requestWithPoints = EstimationRequest.builder().setImage(image).optSex(Sex.FEMALE).optSourceId("benchmark")
                    .optLandmarks(hand.landmarks()).build();
        }

        /** Closes both. */
        @TearDown(Level.Trial)
        public void tearDown() {
            detector.close();
            estimator.close();
            ensemble.close();
        }
    }

    /**
     * @param in the shared image, detector and estimator
     * @return the learned detection: four quarter turns through the heatmap network, decoding, verdicts
     */
    @Benchmark
    public LandmarkDetection learnedDetection(Input in) {
        return in.detector.detect(in.image, "benchmark");
    }

    /**
     * @param in the shared image, detector and estimators
     * @return the stricter reference: model v1's estimate of the same image (preprocessing and inference, one network)
     */
    @Benchmark
    public BoneAgeEstimate modelV1Estimate(Input in) {
        return in.estimator.estimate(in.request);
    }

    /**
     * @param in the shared image, detector and estimators
     * @return the reference: the default model's (v2's) estimate of the same image with its points, so that the whole,
     *         ROI1 and ROI2 networks all run (preprocessing and inference)
     */
    @Benchmark
    public BoneAgeEstimate defaultModelEstimate(Input in) {
        return in.ensemble.estimate(in.requestWithPoints);
    }
}

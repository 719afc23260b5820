package io.github.boneage.benchmarks;

import io.github.boneage.core.BoneAgeEstimate;
import io.github.boneage.core.EstimationRequest;
import io.github.boneage.core.Sex;
import io.github.boneage.core.image.GreyImage;
import io.github.boneage.djl.DjlBoneAgeEstimator;
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
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The default model on PyTorch ({@code models/default-pytorch}, DJL parameters) against its ONNX export on ONNX Runtime
 * ({@code models/default}, the shipped default, written by {@code ./boneage export --format onnx}), single-image latency in one run:
 * {@code estimate} of one 160 x 160 synthetic hand (the model's own size, so resizing is a copy and the time is
 * mostly the forward pass; histogram equalization, tensor conversion and checks are the same for both). One engine
 * thread each, as in {@link InferenceBenchmark}.
 *
 * <p>Bundles: under the working folder (run from the repository root), or the system properties
 * {@code boneage.benchmark.model} and {@code boneage.benchmark.onnxModel}. Run:
 * {@code java -jar boneage-benchmarks/target/benchmarks.jar DefaultModelEngine}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx2g", "-Dai.djl.offline=true", "-Dai.djl.pytorch.num_threads=1",
        "-Dai.djl.pytorch.num_interop_threads=1"})
public class DefaultModelEngineBenchmark {

    /** The estimator on one engine and the request. */
    @State(Scope.Benchmark)
    public static class Input {
        /** {@code PyTorch}: models/default-pytorch; {@code OnnxRuntime}: models/default. */
        @Param({"PyTorch", "OnnxRuntime"})
        public String engine;

        DjlBoneAgeEstimator estimator;
        EstimationRequest request;

        /** Loads the bundle of the engine and generates the image. */
        @Setup(Level.Trial)
        public void setUp() {
            GreyImage image = SyntheticHandGenerator.builder().setSeed(42).optImageSize(160, 160).build().generate(3L).image();
            Path bundle = engine.equals("PyTorch")
                    ? Paths.get(System.getProperty("boneage.benchmark.model", "models/default-pytorch"))
                    : Paths.get(System.getProperty("boneage.benchmark.onnxModel", "models/default"));
            estimator = DjlBoneAgeEstimator.builder().setBundle(bundle).optPoolSize(1)
                    .optEngineOption("intraOpNumThreads", "1").optEngineOption("interOpNumThreads", "1").build();
            request = EstimationRequest.builder().setImage(image).optSex(Sex.FEMALE).optSourceId("benchmark").build();
        }

        /** Closes the estimator. */
        @TearDown(Level.Trial)
        public void tearDown() {
            estimator.close();
        }
    }

    /**
     * @param in the estimator and request
     * @return the estimate of one image
     */
    @Benchmark
    public BoneAgeEstimate estimateOne(Input in) {
        return in.estimator.estimate(in.request);
    }
}

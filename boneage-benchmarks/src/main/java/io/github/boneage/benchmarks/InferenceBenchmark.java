package io.github.boneage.benchmarks;

import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.translate.NoopTranslator;
import io.github.boneage.core.EstimationOutcome;
import io.github.boneage.core.EstimationRequest;
import io.github.boneage.core.HandLandmarks;
import io.github.boneage.core.RoiScheme;
import io.github.boneage.core.image.GreyImage;
import io.github.boneage.core.image.GreyImage8;
import io.github.boneage.djl.DjlBoneAgeEstimator;
import io.github.boneage.djl.ModelBundleWriter;
import io.github.boneage.djl.OfflineMode;
import io.github.boneage.djl.impl.BundleFiles;
import io.github.boneage.djl.manifest.ModelFormat;
import io.github.boneage.djl.manifest.NetworkRole;
import io.github.boneage.preprocess.EqualizerSpec;
import io.github.boneage.preprocess.PreparedImage;
import io.github.boneage.preprocess.PreprocessSpec;
import io.github.boneage.preprocess.Preprocessor;
import io.github.boneage.preprocess.io.ImageDecoder;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
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
 * Inference cost on the CPU for full-size, random-weight GoogLeNet, ResNet-50 and AlexNet regressors at 224 px, on ONNX
 * Runtime and PyTorch, in one run:
 *
 * <ul>
 * <li>{@code raw1}, {@code raw32}: a plain DJL {@link Predictor} ({@link NoopTranslator}) on a ready float tensor of 1
 *     or 32 images: the engine's own cost, the baseline;</li>
 * <li>{@code library1}, {@code library32}: {@link DjlBoneAgeEstimator#estimate} / {@code estimateBatch} on 224 x 224
 *     images with a pass-through preprocessing spec (whole image, no equalization, no resize): the same forward pass
 *     plus everything the library adds around it;</li>
 * <li>{@code endToEnd1}: decode a 1600 x 2000 JPEG, the papers' preprocessing (ROI2, MATLAB histeq, resize to 224,
 *     ImageNet normalization) and inference, through the estimator;</li>
 * <li>{@code decodeAndPreprocess}: the decoding and preprocessing part of {@code endToEnd1} alone.</li>
 * </ul>
 *
 * <p>The models come from {@code tools/make_benchmark_models.py} (folder: system property
 * {@code boneage.benchmark.models}, default {@code boneage-benchmarks/target/benchmark-models}). Run: see
 * docs/benchmarks.md, section Inference.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
// One thread per engine (PyTorch here, ONNX Runtime through the session options below): on a shared 2-core machine
// multi-threaded engines spin-wait on busy cores and the timings scatter tenfold. -jvmArgsAppend overrides this.
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx4g", "-Dai.djl.pytorch.num_threads=1",
    "-Dai.djl.pytorch.num_interop_threads=1"})
public class InferenceBenchmark {

    static final int SIZE = 224;
    static final int BATCH = 32;
    /** ONNX Runtime session threads, the same for the raw predictor and the estimator. */
    static final String ORT_THREADS = "1";

    /** Which network on which engine; locates the model file. */
    @State(Scope.Benchmark)
    public static class Network {
        /** The network, as named by tools/make_benchmark_models.py. */
        @Param({"googlenet", "resnet50", "alexnet"})
        public String model;

        /** The DJL engine: ONNX file on OnnxRuntime, TorchScript file on PyTorch. */
        @Param({"OnnxRuntime", "PyTorch"})
        public String engine;

        Path file;
        ModelFormat format;

        /** Keeps DJL offline and finds the model file. */
        @Setup(Level.Trial)
        public void locate() {
            OfflineMode.enforce();
            format = engine.equals("OnnxRuntime") ? ModelFormat.ONNX : ModelFormat.TORCHSCRIPT;
            Path dir = Paths.get(System.getProperty("boneage.benchmark.models", "boneage-benchmarks/target/benchmark-models"));
            file = dir.resolve(model + (format == ModelFormat.ONNX ? ".onnx" : ".pt"));
            if (!Files.isRegularFile(file)) {
                throw new IllegalStateException(file.toAbsolutePath() + " is missing: run tools/make_benchmark_models.py");
            }
        }

        /** @return an estimator on {@code bundle} with the benchmark's thread settings */
        DjlBoneAgeEstimator.Builder estimator(Path bundle) {
            return DjlBoneAgeEstimator.builder().setBundle(bundle).optPoolSize(1)
                    .optEngineOption("intraOpNumThreads", ORT_THREADS).optEngineOption("interOpNumThreads", ORT_THREADS);
        }

        /** @return a bundle of this network with the given preprocessing, written to a temporary folder */
        Path bundle(PreprocessSpec spec) throws IOException {
            Path dir = Files.createTempDirectory("boneage-benchmark-");
            return ModelBundleWriter.builder().setName(model + "-benchmark").setArchitecture(model).setFormat(format)
                    .setPreprocessing(spec).addWeights(NetworkRole.AGNOSTIC, file).build().writeFolder(dir.resolve("bundle"));
        }
    }

    /** A plain DJL predictor and ready input tensors. */
    @State(Scope.Benchmark)
    public static class Raw {
        ZooModel<NDList, NDList> model;
        Predictor<NDList, NDList> predictor;
        float[] one;
        float[] many;

        /**
         * Loads the model the plain DJL way (Criteria) and makes the tensors.
         *
         * @param network which network (JMH parameter state)
         * @throws Exception if the model cannot be loaded
         */
        @Setup(Level.Trial)
        public void load(Network network) throws Exception {
            model = Criteria.builder().setTypes(NDList.class, NDList.class).optModelPath(network.file)
                    .optEngine(network.engine).optTranslator(new NoopTranslator())
                    .optOption("intraOpNumThreads", ORT_THREADS).optOption("interOpNumThreads", ORT_THREADS)
                    .build().loadModel();
            predictor = model.newPredictor();
            one = randomTensor(1);
            many = randomTensor(BATCH);
        }

        float[] run(float[] tensor, int n) throws Exception {
            try (NDManager manager = model.getNDManager().newSubManager()) {
                NDList out = predictor.predict(new NDList(manager.create(tensor, new Shape(n, 3, SIZE, SIZE))));
                return out.singletonOrThrow().toFloatArray();
            }
        }

        /** Releases the native model. */
        @TearDown(Level.Trial)
        public void close() {
            predictor.close();
            model.close();
        }
    }

    /** The estimator with a pass-through preprocessing, and 224 x 224 images: the library's cost around inference. */
    @State(Scope.Benchmark)
    public static class Library {
        DjlBoneAgeEstimator estimator;
        Path bundle;
        List<EstimationRequest> requests;

        /**
         * Writes a pass-through bundle of the model and opens an estimator on it.
         *
         * @param network which network (JMH parameter state)
         * @throws IOException if the bundle cannot be written
         */
        @Setup(Level.Trial)
        public void load(Network network) throws IOException {
            PreprocessSpec passThrough = new PreprocessSpec(RoiScheme.WHOLE, EqualizerSpec.none(), SIZE, 3,
                    new double[] {0, 0, 0}, new double[] {1, 1, 1});
            bundle = network.bundle(passThrough);
            estimator = network.estimator(bundle).optBatchSize(BATCH).build();
            requests = new ArrayList<>();
            SplittableRandom random = new SplittableRandom(7);
            for (int i = 0; i < BATCH; i++) {
                byte[] pixels = new byte[SIZE * SIZE];
                for (int p = 0; p < pixels.length; p++) {
                    pixels[p] = (byte) random.nextInt(256);
                }
                requests.add(EstimationRequest.builder().setImage(new GreyImage8(SIZE, SIZE, pixels))
                        .optSourceId("image-" + i).build());
            }
        }

        /**
         * Closes the estimator and deletes the temporary bundle.
         *
         * @throws IOException if the temporary bundle cannot be deleted
         */
        @TearDown(Level.Trial)
        public void close() throws IOException {
            estimator.close();
            BundleFiles.deleteRecursively(bundle.getParent());
        }
    }

    /** A full-size radiograph as JPEG bytes, its landmarks, and the papers' preprocessing. */
    @State(Scope.Benchmark)
    public static class Radiograph {
        byte[] jpeg;
        HandLandmarks landmarks;
        ImageDecoder decoder;
        PreprocessSpec spec;
        Preprocessor preprocessor;
        float[] tensor;

        /**
         * Draws the radiograph and encodes it as JPEG.
         *
         * @throws IOException if the JPEG cannot be encoded
         */
        @Setup(Level.Trial)
        public void make() throws IOException {
            int width = 1600;
            int height = 2000;
            GreyImage8 image = PreprocessBenchmark.radiograph(width, height, 42);
            BufferedImage buffered = new BufferedImage(width, height, BufferedImage.TYPE_BYTE_GRAY);
            buffered.getRaster().setDataElements(0, 0, width, height, image.data());
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ImageIO.write(buffered, "jpg", out);
            jpeg = out.toByteArray();
            landmarks = PreprocessBenchmark.landmarks(width, height);
            decoder = ImageDecoder.create();
            spec = PreprocessSpec.paper(RoiScheme.ROI2, SIZE);
            preprocessor = new Preprocessor(spec);
            tensor = new float[preprocessor.tensorLength()];
        }
    }

    /** The estimator with the papers' preprocessing, for the end-to-end path. */
    @State(Scope.Benchmark)
    public static class EndToEnd {
        DjlBoneAgeEstimator estimator;
        Path bundle;

        /**
         * Writes a bundle of the model with the papers' preprocessing and opens an estimator on it.
         *
         * @param network which network (JMH parameter state)
         * @param radiograph the JPEG radiograph state
         * @throws IOException if the bundle cannot be written
         */
        @Setup(Level.Trial)
        public void load(Network network, Radiograph radiograph) throws IOException {
            bundle = network.bundle(radiograph.spec);
            estimator = network.estimator(bundle).build();
        }

        /**
         * Closes the estimator and deletes the temporary bundle.
         *
         * @throws IOException if the temporary bundle cannot be deleted
         */
        @TearDown(Level.Trial)
        public void close() throws IOException {
            estimator.close();
            BundleFiles.deleteRecursively(bundle.getParent());
        }
    }

    static float[] randomTensor(int n) {
        SplittableRandom random = new SplittableRandom(n);
        float[] t = new float[n * 3 * SIZE * SIZE];
        for (int i = 0; i < t.length; i++) {
            t[i] = (float) random.nextGaussian();
        }
        return t;
    }

    /**
     * @param raw the loaded model and its input tensors
     * @return the raw engine's output for one ready tensor
     * @throws Exception if the engine fails
     */
    @Benchmark
    public float[] raw1(Raw raw) throws Exception {
        return raw.run(raw.one, 1);
    }

    /**
     * @param raw the loaded model and its input tensors
     * @return the raw engine's output for 32 stacked ready tensors
     * @throws Exception if the engine fails
     */
    @Benchmark
    public float[] raw32(Raw raw) throws Exception {
        return raw.run(raw.many, BATCH);
    }

    /**
     * @param library the estimator and its images
     * @return the estimator's months for one 224 x 224 image (pass-through preprocessing)
     */
    @Benchmark
    public double library1(Library library) {
        return library.estimator.estimate(library.requests.get(0)).months();
    }

    /**
     * @param library the estimator and its images
     * @return the estimator's outcomes for 32 images in one batch
     */
    @Benchmark
    public List<EstimationOutcome> library32(Library library) {
        return library.estimator.estimateBatch(library.requests);
    }

    /**
     * @param endToEnd the estimator with the papers' preprocessing
     * @param radiograph the JPEG radiograph state
     * @return months for one JPEG radiograph: decode, papers' preprocessing, inference
     */
    @Benchmark
    public double endToEnd1(EndToEnd endToEnd, Radiograph radiograph) {
        GreyImage image = radiograph.decoder.decode(radiograph.jpeg, "radiograph.jpg");
        return endToEnd.estimator.estimate(EstimationRequest.builder().setImage(image).optLandmarks(radiograph.landmarks)
                .optSourceId("radiograph.jpg").build()).months();
    }

    /**
     * @param radiograph the JPEG radiograph state
     * @return the tensor of one JPEG radiograph: the non-inference part of {@link #endToEnd1}
     */
    @Benchmark
    public float[] decodeAndPreprocess(Radiograph radiograph) {
        GreyImage image = radiograph.decoder.decode(radiograph.jpeg, "radiograph.jpg");
        PreparedImage prepared = radiograph.preprocessor.prepare(image, radiograph.landmarks);
        radiograph.preprocessor.toTensor(prepared, radiograph.tensor, 0);
        return radiograph.tensor;
    }
}

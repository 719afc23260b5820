package io.github.boneage.djl.impl;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.inference.Predictor;
import ai.djl.nn.Block;
import ai.djl.translate.TranslateException;
import io.github.boneage.core.BoneAgeException;
import io.github.boneage.core.ModelInfo;
import io.github.boneage.djl.BlockFactory;
import io.github.boneage.djl.ModelBundle;
import io.github.boneage.djl.ModelBundleException;
import io.github.boneage.djl.manifest.InputSpec;
import io.github.boneage.djl.manifest.ModelFormat;
import io.github.boneage.djl.manifest.ModelManifest;
import io.github.boneage.djl.manifest.NetworkRole;
import io.github.boneage.djl.manifest.OutputSpec;
import io.github.boneage.djl.manifest.SexHandling;
import io.github.boneage.djl.manifest.WeightsFile;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One network of a bundle, loaded on one device, with a blocking pool of predictors (a DJL {@link Predictor} is not
 * thread-safe; the model behind them is shared). Forward passes take stacked tensors and return the raw values.
 */
public final class Network implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Network.class);

    private final String bundleName;
    private final NetworkRole role;
    private final String file;
    private final Model model;
    private final List<Predictor<TensorBatch, RawOutput>> predictors;
    private final BlockingQueue<Predictor<TensorBatch, RawOutput>> pool;
    private final ModelInfo info;
    private final InputSpec input;
    private final boolean sexInput;
    private final OutputSpec output;
    private int maxBatch = Integer.MAX_VALUE;

    private Network(String bundleName, NetworkRole role, String file, Model model, int poolSize, ModelManifest manifest,
            ModelInfo info) {
        this.bundleName = bundleName;
        this.role = role;
        this.file = file;
        this.model = model;
        this.info = info;
        this.input = manifest.input();
        this.output = manifest.output();
        SexHandling sex = manifest.sexHandling();
        this.sexInput = sex.mode() == SexHandling.Mode.SEX_INPUT;
        TensorTranslator translator = new TensorTranslator(input.name(), sexInput ? sex.sexInput().name() : null,
                input.channels(), input.height(), input.width());
        this.predictors = new ArrayList<>(poolSize);
        this.pool = new ArrayBlockingQueue<>(poolSize);
        for (int i = 0; i < poolSize; i++) {
            Predictor<TensorBatch, RawOutput> p = model.newPredictor(translator);
            predictors.add(p);
            pool.add(p);
        }
    }

    /**
     * Loads one network of a bundle and checks it with a probe forward pass of zeros: it must accept the declared
     * input and return the declared number of values per image. A network that rejects a batch of two is used one
     * image at a time.
     *
     * <p>The engine is given the weights as checked bytes ({@link ModelBundle#readWeights(NetworkRole)} through
     * {@code Model.load(InputStream)}), never a folder or a path: DJL's path loaders search a folder for several
     * candidate names ({@code <prefix>}, {@code <prefix>.onnx}, {@code model.pt}, the latest {@code -NNNN.params}, ...),
     * so a decoy file beside the named one could otherwise run under the checked digest, and a file swapped between
     * the check and the load could too. A consequence: ONNX models with external data files cannot be loaded (their
     * data would be unchecked).
     *
     * @param bundle        the verified bundle
     * @param role          which network
     * @param engineName    the DJL engine, already checked to be present
     * @param device        the device, already checked to be usable
     * @param poolSize      number of predictors
     * @param engineOptions options passed to {@code Model.load} (e.g. ONNX Runtime's {@code intraOpNumThreads})
     * @param factories     block factories by name, for {@code djl-params}
     * @return the network
     * @throws ModelBundleException naming the bundle and the network when it cannot be loaded, its bytes differ from
     *                              the manifest's SHA-256, it rejects the input, or returns the wrong shape
     */
    public static Network open(ModelBundle bundle, NetworkRole role, String engineName, Device device, int poolSize,
            Map<String, ?> engineOptions, Function<String, BlockFactory> factories) {
        ModelManifest manifest = bundle.manifest();
        WeightsFile weights = manifest.weightsFor(role);
        String bundleName = bundle.source().toString();
        String what = "network " + role.label() + " (" + weights.file() + ")";
        byte[] bytes = bundle.readWeights(role);
        Model model = Model.newInstance(manifest.name() + "-" + role.label(), device, engineName);
        Network network = null;
        try {
            load(model, manifest, bytes, engineOptions, factories, bundleName, what);
            network = new Network(bundleName, role, weights.file(), model, poolSize, manifest, bundle.modelInfo(role));
            network.probe();
            return network;
        } catch (RuntimeException e) {
            if (network != null) {
                network.close();
            } else {
                model.close();
            }
            throw e;
        }
    }

    private static void load(Model model, ModelManifest manifest, byte[] bytes, Map<String, ?> engineOptions,
            Function<String, BlockFactory> factories, String bundleName, String what) {
        try {
            Map<String, Object> options = new HashMap<>(engineOptions);
            if (manifest.format() == ModelFormat.DJL_PARAMS) {
                BlockFactory factory = factories.apply(manifest.block().factory());
                if (factory == null) {
                    throw new ModelBundleException(bundleName, "no block factory named '" + manifest.block().factory()
                            + "' (register one with DjlBoneAgeEstimator.Builder.optBlockFactory or ServiceLoader)");
                }
                Block block;
                try {
                    block = factory.newBlock(manifest);
                } catch (RuntimeException e) {
                    throw new ModelBundleException(bundleName, "block factory '" + factory.name() + "' failed: " + e.getMessage(), e);
                }
                model.setBlock(block);
            } else if (manifest.format() == ModelFormat.TORCHSCRIPT) {
                // A module saved on a GPU must still load on the CPU and vice versa.
                options.putIfAbsent("mapLocation", "true");
            }
            // With a block set, the engine reads the stream as DJL parameters; without, as the engine's own model.
            model.load(new ByteArrayInputStream(bytes), options);
        } catch (IOException | MalformedModelException | RuntimeException e) {
            if (e instanceof ModelBundleException mbe) {
                throw mbe;
            }
            throw new ModelBundleException(bundleName, what + " cannot be loaded by " + model.getNDManager().getEngine()
                    .getEngineName() + ": " + rootMessage(e), e);
        } finally {
            deleteEngineScratchFolder(model);
        }
    }

    /**
     * Loading from a stream, ONNX Runtime and PyTorch each create an empty temporary folder ({@code ort-model*},
     * {@code pt-model*}) as the model's path and only mark it delete-on-exit, which a killed JVM never runs; delete it
     * now, while it is certainly empty, so that no run leaves folders behind.
     */
    private static void deleteEngineScratchFolder(Model model) {
        Path dir = model.getModelPath();
        if (dir == null || dir.getFileName() == null) {
            return;
        }
        String name = dir.getFileName().toString();
        Path tmp = Path.of(System.getProperty("java.io.tmpdir")).toAbsolutePath().normalize();
        if ((name.startsWith("ort-model") || name.startsWith("pt-model")) && tmp.equals(dir.toAbsolutePath().normalize().getParent())) {
            try {
                Files.deleteIfExists(dir);
            } catch (IOException e) {
                // Not empty, or already gone: leave it to the engine's delete-on-exit.
                LOG.debug("cannot delete the engine's scratch folder {}: {}", dir, e.toString());
            }
        }
    }

    private void probe() {
        RawOutput single = forwardOrFail(1, "rejects input " + shapeText(1));
        checkShape(single, 1, true);
        try {
            RawOutput pair = forwardRaw(new TensorBatch(new float[2 * input.valuesPerImage()], new float[2], 2));
            checkShape(pair, 2, true);
        } catch (TranslateException | RuntimeException e) {
            LOG.info("model bundle {}: network {} rejects a batch of 2, images go through it one at a time: {}", bundleName,
                    role.label(), rootMessage(e));
            maxBatch = 1;
        }
    }

    private RawOutput forwardOrFail(int n, String problem) {
        try {
            return forwardRaw(new TensorBatch(new float[n * input.valuesPerImage()], new float[n], n));
        } catch (TranslateException | RuntimeException e) {
            throw new ModelBundleException(bundleName, "network " + role.label() + " (" + file + ") " + problem + ": "
                    + rootMessage(e), e);
        }
    }

    private String shapeText(int n) {
        String image = "[" + n + ", " + input.channels() + ", " + input.height() + ", " + input.width() + "]";
        return sexInput ? image + " with sex [" + n + ", 1]" : image;
    }

    /**
     * Checks the output has {@code n} rows of the declared width; at load this is a bundle error, later an inference
     * error.
     */
    private void checkShape(RawOutput out, int n, boolean atLoad) {
        long[] s = out.shape();
        int k = output.valuesPerImage();
        boolean ok;
        if (output.kind() == OutputSpec.Kind.REGRESSION) {
            ok = (s.length == 1 && s[0] == n) || (s.length == 2 && s[0] == n && s[1] == 1);
        } else {
            ok = s.length == 2 && s[0] == n && s[1] == k;
        }
        if (!ok) {
            String expected = output.kind() == OutputSpec.Kind.REGRESSION ? "[" + n + "] or [" + n + ", 1] (one value per image)"
                    : "[" + n + ", " + k + "] (one score per age bin)";
            String reason = "network " + role.label() + " (" + file + ") returns shape " + out.shapeText() + " for input "
                    + shapeText(n) + ", but the manifest's output " + output.kind().label() + " needs " + expected;
            if (atLoad) {
                throw new ModelBundleException(bundleName, reason);
            }
            throw new BoneAgeException("model bundle " + bundleName + ": " + reason);
        }
    }

    /**
     * Runs stacked images, in slices of at most {@link #maxBatch()}.
     *
     * @param images {@code count * C * H * W} floats
     * @param sex    {@code count} sex values, or {@code null} without a sex input
     * @param count  the number of images
     * @return {@code count * valuesPerImage} floats
     * @throws BoneAgeException naming the bundle and network when the engine fails
     */
    public float[] forward(float[] images, float[] sex, int count) {
        int k = output.valuesPerImage();
        float[] result = new float[count * k];
        int per = input.valuesPerImage();
        for (int start = 0; start < count; start += maxBatch) {
            int n = Math.min(maxBatch, count - start);
            float[] sliceImages = start == 0 ? images : Arrays.copyOfRange(images, start * per, (start + n) * per);
            float[] sliceSex = sex == null ? null : start == 0 ? sex : Arrays.copyOfRange(sex, start, start + n);
            RawOutput out;
            try {
                out = forwardRaw(new TensorBatch(sliceImages, sliceSex, n));
            } catch (TranslateException | RuntimeException e) {
                throw new BoneAgeException("model bundle " + bundleName + ": network " + role.label() + " failed on a batch of "
                        + n + ": " + rootMessage(e), e);
            }
            checkShape(out, n, false);
            System.arraycopy(out.values(), 0, result, start * k, n * k);
        }
        return result;
    }

    /** Borrows a predictor (waiting while all are busy), runs one pass, and returns it to the pool. */
    RawOutput forwardRaw(TensorBatch batch) throws TranslateException {
        Predictor<TensorBatch, RawOutput> predictor;
        try {
            predictor = pool.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BoneAgeException("interrupted while waiting for a predictor of " + bundleName, e);
        }
        try {
            return predictor.predict(batch);
        } finally {
            pool.add(predictor);
        }
    }

    /** @return the largest batch the network takes in one pass */
    public int maxBatch() {
        return maxBatch;
    }

    /** @return the network's role */
    public NetworkRole role() {
        return role;
    }

    /** @return the network's identity, for estimates */
    public ModelInfo info() {
        return info;
    }

    /** @return the DJL model (for benchmarks comparing against the raw engine) */
    public Model model() {
        return model;
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        String msg = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
        String[] lines = msg.strip().split("\\R");
        // TorchScript puts a serialized-code traceback first and the Python-style error ("RuntimeError: ...") last.
        for (int i = lines.length - 1; i >= 0; i--) {
            if (lines[i].matches("^\\w*(Error|Exception): .*")) {
                return lines[i].strip();
            }
        }
        // Other engines may append C++ backtraces; the first lines say what is wrong.
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < Math.min(3, lines.length); i++) {
            sb.append(i == 0 ? "" : " ").append(lines[i].strip());
        }
        return sb.toString();
    }

    /** Closes the predictors and the model. */
    @Override
    public void close() {
        predictors.forEach(Predictor::close);
        model.close();
    }
}

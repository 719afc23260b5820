package io.github.boneage.djl;

import ai.djl.Device;
import ai.djl.engine.Engine;
import io.github.boneage.core.BoneAgeEstimate;
import io.github.boneage.core.BoneAgeEstimator;
import io.github.boneage.core.BoneAgeException;
import io.github.boneage.core.EstimationOutcome;
import io.github.boneage.core.EstimationRequest;
import io.github.boneage.core.HandLandmarks;
import io.github.boneage.core.ImplausibleEstimateException;
import io.github.boneage.core.MissingLandmarksException;
import io.github.boneage.core.ModelInfo;
import io.github.boneage.core.RoiScheme;
import io.github.boneage.core.Sex;
import io.github.boneage.core.image.GreyImage;
import io.github.boneage.djl.impl.Engines;
import io.github.boneage.djl.impl.Network;
import io.github.boneage.djl.manifest.ModelManifest;
import io.github.boneage.djl.manifest.NetworkRole;
import io.github.boneage.djl.manifest.SexHandling;
import io.github.boneage.preprocess.PreparedImage;
import io.github.boneage.preprocess.PreprocessSpec;
import io.github.boneage.preprocess.Preprocessor;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.ServiceLoader;

/**
 * A {@link BoneAgeEstimator} running a {@link ModelBundle} on DJL: ONNX models on ONNX Runtime, TorchScript modules
 * and DJL-parameter models on PyTorch, on the CPU or a GPU.
 *
 * <p>Each radiograph goes through the bundle's preprocessing ({@link Preprocessor}: ROI crop, equalization, resize,
 * normalized tensor); the tensors of a batch are stacked and run in one forward pass per network (per sex for
 * {@code per-sex} bundles), and the output is turned into months as the manifest says. A request that cannot be
 * estimated (missing landmarks, unknown sex without a fallback network, an image the preprocessing refuses) fails
 * alone in {@link #estimateBatch(List)}; the others are still estimated.
 *
 * <p>Every estimate passes a plausibility check: a value that is not finite or lies outside
 * [{@value ImplausibleEstimateException#MIN_MONTHS}, {@value ImplausibleEstimateException#MAX_MONTHS}] months is
 * that item's {@link ImplausibleEstimateException} (naming the value and the model), never clamped. Every path to an
 * estimate ({@link #estimate}, {@link #estimateBatch}, and the clinical layer built on them) goes through it.
 *
 * <p>Thread-safe: each network has a blocking pool of {@link Builder#optPoolSize(int)} predictors. Results are
 * deterministic for a given engine and device. Close the estimator to release the native models (and the bundle,
 * when it was given as a path).
 *
 * <pre>{@code
 * try (DjlBoneAgeEstimator estimator = DjlBoneAgeEstimator.builder().setBundle(Path.of("model.zip")).build()) {
 *     BoneAgeEstimate e = estimator.estimate(EstimationRequest.builder().setImage(image).optSex(Sex.FEMALE).build());
 * }
 * }</pre>
 */
public final class DjlBoneAgeEstimator implements BoneAgeEstimator {

    static {
        // Before any DJL engine starts: no usage report, no native library downloads.
        OfflineMode.enforce();
    }

    private final ModelBundle bundle;
    private final boolean ownsBundle;
    private final ModelManifest manifest;
    private final PreprocessSpec spec;
    private final Preprocessor preprocessor;
    private final Map<NetworkRole, Network> networks;
    private final Device device;
    private final int batchSize;
    private final int poolSize;
    private volatile boolean closed;

    private DjlBoneAgeEstimator(Builder b, ModelBundle bundle) {
        this.bundle = bundle;
        this.ownsBundle = b.bundlePath != null;
        this.manifest = bundle.manifest();
        this.spec = manifest.preprocessing();
        this.preprocessor = new Preprocessor(spec);
        this.batchSize = b.batchSize;
        this.poolSize = b.poolSize;
        String bundleName = bundle.source().toString();
        Engine engine = Engines.require(bundleName, manifest.engine());
        this.device = Engines.resolveDevice(engine, b.device, b.cpuFallback);
        Map<String, BlockFactory> factories = new HashMap<>();
        for (BlockFactory f : ServiceLoader.load(BlockFactory.class)) {
            factories.put(f.name(), f);
        }
        factories.putAll(b.blockFactories);
        Map<NetworkRole, Network> loaded = new EnumMap<>(NetworkRole.class);
        try {
            for (NetworkRole role : bundle.roles()) {
                loaded.put(role, Network.open(bundle, role, manifest.engine(), device, poolSize, b.engineOptions, factories::get));
            }
        } catch (RuntimeException e) {
            loaded.values().forEach(Network::close);
            throw e;
        }
        this.networks = Collections.unmodifiableMap(loaded);
    }

    /** @return a new builder */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public BoneAgeEstimate estimate(EstimationRequest request) {
        return estimateBatch(List.of(request)).get(0).orElseThrow();
    }

    @Override
    public List<EstimationOutcome> estimateBatch(List<EstimationRequest> requests) {
        ensureOpen();
        EstimationOutcome[] outcomes = new EstimationOutcome[requests.size()];
        for (int start = 0; start < requests.size(); start += batchSize) {
            int end = Math.min(requests.size(), start + batchSize);
            runChunk(requests.subList(start, end), start, outcomes);
        }
        return Arrays.asList(outcomes);
    }

    /** The images of one chunk routed to one network, stacked as they are preprocessed. */
    private final class Group {
        final NetworkRole role;
        final float[] images;
        final Sex[] sexes;
        final int[] index;
        final PreparedImage[] prepared;
        final HandLandmarks[] landmarks;
        int count;

        Group(NetworkRole role, int capacity) {
            this.role = role;
            this.images = new float[capacity * manifest.input().valuesPerImage()];
            this.sexes = new Sex[capacity];
            this.index = new int[capacity];
            this.prepared = new PreparedImage[capacity];
            this.landmarks = new HandLandmarks[capacity];
        }
    }

    private void runChunk(List<EstimationRequest> chunk, int offset, EstimationOutcome[] outcomes) {
        Map<NetworkRole, Group> groups = new EnumMap<>(NetworkRole.class);
        int per = manifest.input().valuesPerImage();
        for (int i = 0; i < chunk.size(); i++) {
            EstimationRequest request = chunk.get(i);
            try {
                NetworkRole role = route(request);
                Group g = groups.computeIfAbsent(role, r -> new Group(r, chunk.size()));
                HandLandmarks landmarks = request.landmarks().orElse(null);
                PreparedImage prepared = preprocessor.prepare(request.image(), landmarks);
                GreyImage img = prepared.image();
                if (img.width() != spec.size() || img.height() != spec.size()) {
                    throw new IllegalStateException("preprocessing returned a " + img.width() + "x" + img.height()
                            + " image, the model takes " + spec.size() + "x" + spec.size());
                }
                preprocessor.toTensor(prepared, g.images, g.count * per);
                g.sexes[g.count] = request.sex();
                g.index[g.count] = offset + i;
                g.prepared[g.count] = prepared;
                g.landmarks[g.count] = landmarks;
                g.count++;
            } catch (RuntimeException e) {
                outcomes[offset + i] = EstimationOutcome.failure(request.sourceId(), naming(request.sourceId(), e));
            }
        }
        for (Group g : groups.values()) {
            if (g.count == 0) {
                continue;
            }
            double[] months;
            try {
                months = estimateMonths(g.role, g.images, g.sexes, g.count);
            } catch (BoneAgeException e) {
                for (int j = 0; j < g.count; j++) {
                    outcomes[g.index[j]] = EstimationOutcome.failure(chunk.get(g.index[j] - offset).sourceId(), e);
                }
                continue;
            }
            Network network = networks.get(g.role);
            for (int j = 0; j < g.count; j++) {
                EstimationRequest request = chunk.get(g.index[j] - offset);
                if (!ImplausibleEstimateException.isPlausible(months[j])) {
                    // Never clamped: a value outside 0-240 months means a broken or tampered model, not a patient.
                    outcomes[g.index[j]] = EstimationOutcome.failure(request.sourceId(), new ImplausibleEstimateException(
                            request.sourceId(), months[j], network.info().name() + " (" + bundle.source() + ")"));
                    continue;
                }
                outcomes[g.index[j]] = EstimationOutcome.success(new BoneAgeEstimate(request.sourceId(), months[j],
                        sexUsed(request.sex()), g.prepared[j].scheme(), g.prepared[j].roi(), network.info(),
                        Optional.ofNullable(g.landmarks[j]), Optional.empty()));
            }
        }
    }

    /**
     * The tensor path: runs ready input tensors through one network and decodes months. Used by every estimate, and
     * directly by tests that need no preprocessing.
     *
     * @param role   the network
     * @param images {@code count} stacked, normalized CHW tensors
     * @param sexes  each image's sex (encoded for {@code sex-input} bundles, otherwise unused)
     * @param count  the number of images
     * @return months per image
     * @throws BoneAgeException when the engine fails or returns the wrong shape
     */
    double[] estimateMonths(NetworkRole role, float[] images, Sex[] sexes, int count) {
        ensureOpen();
        Network network = networks.get(role);
        if (network == null) {
            throw new IllegalArgumentException("model bundle " + bundle.source() + " has no " + role.label() + " network");
        }
        float[] sexValues = null;
        if (manifest.sexHandling().mode() == SexHandling.Mode.SEX_INPUT) {
            sexValues = new float[count];
            for (int i = 0; i < count; i++) {
                Float v = manifest.sexHandling().sexInput().encode(sexes[i]);
                if (v == null) {
                    throw new BoneAgeException("model bundle " + bundle.source() + " has no encoding for sex " + sexes[i].label());
                }
                sexValues[i] = v;
            }
        }
        float[] raw = network.forward(images, sexValues, count);
        double[] months = new double[count];
        for (int i = 0; i < count; i++) {
            months[i] = manifest.output().toMonths(raw, i);
        }
        return months;
    }

    /** @return the network for the request's sex; an unknown sex needs an agnostic network or a sex encoding for it */
    private NetworkRole route(EstimationRequest request) {
        SexHandling handling = manifest.sexHandling();
        switch (handling.mode()) {
            case AGNOSTIC:
                return NetworkRole.AGNOSTIC;
            case SEX_INPUT:
                if (request.sex() == Sex.UNKNOWN && handling.sexInput().unknown() == null) {
                    throw new BoneAgeException(request.sourceId() + ": sex is unknown, and model " + manifest.name()
                            + " takes sex as an input with no value for unknown; give the patient's sex");
                }
                return NetworkRole.AGNOSTIC;
            case PER_SEX:
                NetworkRole role = NetworkRole.of(request.sex());
                if (!networks.containsKey(role)) {
                    throw new BoneAgeException(request.sourceId() + ": sex is unknown, and model " + manifest.name()
                            + " has only male and female networks (no sex-agnostic fallback); give the patient's sex");
                }
                return role;
            default:
                throw new AssertionError(handling.mode());
        }
    }

    private Sex sexUsed(Sex requested) {
        return manifest.sexHandling().mode() == SexHandling.Mode.AGNOSTIC ? Sex.UNKNOWN : requested;
    }

    /** Makes the message name the request's source, keeping the exception's type where the library defines it. */
    private static BoneAgeException naming(String sourceId, RuntimeException e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        if (e instanceof BoneAgeException be && message.startsWith(sourceId + ":")) {
            return be;
        }
        if (e instanceof MissingLandmarksException) {
            MissingLandmarksException m = new MissingLandmarksException(sourceId + ": " + message);
            m.initCause(e);
            return m;
        }
        return new BoneAgeException(sourceId + ": " + message, e);
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("estimator for " + bundle.source() + " is closed");
        }
    }

    /** @return the region of interest named by the bundle's preprocessing */
    @Override
    public Optional<RoiScheme> roiScheme() {
        return Optional.of(spec.roi());
    }

    @Override
    public ModelInfo model() {
        return bundle.modelInfo();
    }

    /** @return the bundle this estimator runs */
    public ModelBundle bundle() {
        return bundle;
    }

    /** @return the loaded network of a role, or {@code null}; for tests of this package */
    Network network(NetworkRole role) {
        return networks.get(role);
    }

    /** @return the device the networks run on (the CPU after a fallback) */
    public Device device() {
        return device;
    }

    /** @return the largest number of images stacked into one forward pass */
    public int batchSize() {
        return batchSize;
    }

    /** @return the number of predictors per network, i.e. how many forward passes may run at once */
    public int poolSize() {
        return poolSize;
    }

    /** Closes the networks, and the bundle when it was given as a path. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        networks.values().forEach(Network::close);
        if (ownsBundle) {
            bundle.close();
        }
    }

    /** Builder: {@code setX} for required fields, {@code optX} for optional ones. */
    public static final class Builder {
        private Path bundlePath;
        private ModelBundle bundle;
        private Device device = Device.cpu();
        private boolean cpuFallback;
        private int poolSize = Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors()));
        private int batchSize = 16;
        private final Map<String, Object> engineOptions = new HashMap<>();
        private final Map<String, BlockFactory> blockFactories = new HashMap<>();
        private BundleLimits bundleLimits = BundleLimits.defaults();

        private Builder() {
        }

        /**
         * @param path the bundle's folder, zip or manifest file
         * @return this builder, with the bundle to load set (folder, zip or manifest path); the estimator closes it
         */
        public Builder setBundle(Path path) {
            this.bundlePath = Objects.requireNonNull(path);
            this.bundle = null;
            return this;
        }

        /**
         * @param bundle a loaded bundle, which stays the caller's to close
         * @return this builder, with an already loaded bundle set; the caller keeps it and closes it
         */
        public Builder setBundle(ModelBundle bundle) {
            this.bundle = Objects.requireNonNull(bundle);
            this.bundlePath = null;
            return this;
        }

        /**
         * @param device the device the networks run on
         * @return this builder, with the device set (default CPU); for a GPU use {@code Device.gpu(n)}
         */
        public Builder optDevice(Device device) {
            this.device = Objects.requireNonNull(device);
            return this;
        }

        /**
         * @param fallback whether an unusable GPU falls back to the CPU with a warning (default {@code false}: a
         *                 {@link DeviceUnavailableException})
         * @return this builder
         */
        public Builder optCpuFallback(boolean fallback) {
            this.cpuFallback = fallback;
            return this;
        }

        /**
         * @param poolSize predictors per network: how many threads may run a forward pass at once (default: the
         *                 number of processors, at most 4); further callers wait
         * @return this builder
         */
        public Builder optPoolSize(int poolSize) {
            if (poolSize < 1) {
                throw new IllegalArgumentException("pool size must be >= 1, got " + poolSize);
            }
            this.poolSize = poolSize;
            return this;
        }

        /**
         * @param batchSize the most images stacked into one forward pass by {@link #estimateBatch(List)} (default 16)
         * @return this builder
         */
        public Builder optBatchSize(int batchSize) {
            if (batchSize < 1) {
                throw new IllegalArgumentException("batch size must be >= 1, got " + batchSize);
            }
            this.batchSize = batchSize;
            return this;
        }

        /**
         * Passes an option to the engine's model loader, e.g. ONNX Runtime's {@code intraOpNumThreads},
         * {@code interOpNumThreads} or {@code optLevel}.
         *
         * @param key the option's name
         * @param value the option's value
         * @return this builder
         */
        public Builder optEngineOption(String key, String value) {
            engineOptions.put(Objects.requireNonNull(key), Objects.requireNonNull(value));
            return this;
        }

        /**
         * @param limits the size and zip limits a bundle given by path ({@link #setBundle(Path)}) is loaded under
         *               (default {@link BundleLimits#defaults()}; a bundle given loaded keeps its own)
         * @return this builder
         */
        public Builder optBundleLimits(BundleLimits limits) {
            this.bundleLimits = Objects.requireNonNull(limits);
            return this;
        }

        /**
         * @param factory a factory that builds the network blocks of {@code djl-params} bundles
         * @return this builder, with a block factory for {@code djl-params} bundles added (wins over ServiceLoader ones)
         */
        public Builder optBlockFactory(BlockFactory factory) {
            blockFactories.put(factory.name(), factory);
            return this;
        }

        /**
         * Loads and verifies the bundle, starts the engine, loads every network and checks it with a probe pass.
         *
         * @return the estimator
         * @throws ModelBundleException       naming the bundle when it is missing, malformed, tampered with, needs an
         *                                    engine that is absent, or its networks reject the declared shapes
         * @throws DeviceUnavailableException when a GPU is asked for but unusable and no CPU fallback is allowed
         */
        public DjlBoneAgeEstimator build() {
            if (bundle == null && bundlePath == null) {
                throw new IllegalStateException("bundle is required (setBundle)");
            }
            ModelBundle b = bundle != null ? bundle : ModelBundle.load(bundlePath, bundleLimits);
            try {
                return new DjlBoneAgeEstimator(this, b);
            } catch (RuntimeException e) {
                if (bundlePath != null) {
                    b.close();
                }
                throw e;
            }
        }
    }

    @Override
    public String toString() {
        return "DjlBoneAgeEstimator[" + bundle + ", " + device + ", networks " + new ArrayList<>(networks.keySet()) + "]";
    }
}

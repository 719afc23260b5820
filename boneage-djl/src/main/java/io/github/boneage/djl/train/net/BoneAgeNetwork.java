package io.github.boneage.djl.train.net;

import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.Dropout;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.NormalInitializer;
import io.github.boneage.core.BoneAgeException;
import io.github.boneage.djl.OfflineMode;
import io.github.boneage.djl.ModelBundle;
import io.github.boneage.djl.manifest.ModelFormat;
import io.github.boneage.djl.manifest.ModelManifest;
import io.github.boneage.djl.manifest.NetworkRole;
import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * One bone-age network on the PyTorch engine: its {@link NetworkSpec}, the DJL model holding the
 * {@link BoneAgeNetworkBlock}, and (for TorchScript backbones) the model owning the backbone's native module.
 *
 * <p>Created untrained for training ({@link #create}), or loaded from a bundle's network folder ({@link #load}) for
 * inference or resuming. Saved with {@link #save}: {@value NetworkSpec#BACKBONE_FILE} + {@value NetworkSpec#HEAD_FILE}
 * for TorchScript backbones, {@value NetworkSpec#NETWORK_FILE} otherwise. Close it to free native memory.
 */
public final class BoneAgeNetwork implements AutoCloseable {

    /** The engine every network runs on. */
    public static final String ENGINE = "PyTorch";

    /** The libtorch environment variable that puts large CPU tensors on transparent huge pages. */
    public static final String HUGE_PAGE_VARIABLE = "THP_MEM_ALLOC_ENABLE";

    static {
        // Before the engine starts: no usage report, no downloads unless the application allowed them.
        OfflineMode.enforce();
    }

    private final NetworkSpec spec;
    private final Model model;
    private final Model backboneModel;
    private final BoneAgeNetworkBlock block;

    /**
     * Starts the PyTorch engine after {@link OfflineMode#enforce()}, so that nothing is reported or downloaded.
     *
     * @return the engine
     */
    public static Engine engine() {
        return Engine.getEngine(ENGINE);
    }

    /**
     * Prepares the calling thread for training TorchScript backbones: turns off TorchScript's profiling graph executor
     * optimizations (a thread-local PyTorch setting), which re-specialize the graph and slowed fine-tuning down about
     * two-fold in our measurements. Has no effect when the application set {@code ai.djl.pytorch.graph_optimizer},
     * which DJL then applies on every forward pass.
     */
    public static void configureTrainingThread() {
        engine();
        JniUtils.setGraphExecutorOptimize(false);
    }

    /**
     * Whether PyTorch will place its large CPU tensors on transparent huge pages: the environment variable
     * {@value #HUGE_PAGE_VARIABLE}{@code =1}, read by libtorch itself (from 2.2) when it first allocates, so it must be
     * set before the JVM starts. Without it every activation and gradient tensor of a training step (over a gigabyte
     * for MobileNetV2 at batch 32) is mapped afresh from the kernel in 4 KiB pages; on our 2-core Linux machine those
     * page faults took a third of the run and training ran 4x slower (docs/benchmarks.md). The {@code ./boneage}
     * launcher sets it. It has no effect where the kernel's transparent huge pages are {@code never}.
     *
     * @return whether {@value #HUGE_PAGE_VARIABLE} is {@code 1}
     */
    public static boolean hugePageTensors() {
        return "1".equals(System.getenv(HUGE_PAGE_VARIABLE));
    }

    /**
     * The glibc malloc settings under which training reuses its memory: {@value}. Why: the JVM runs Java code on
     * threads that glibc gives secondary malloc arenas, which map blocks above 32 MiB (the largest activations) afresh
     * and hand freed heap tops back to the kernel, so each training step faults its tensors in again, even as huge
     * pages each of which the kernel zeroes (a sixth of a profiled MobileNetV2 step). One arena that never maps and
     * never trims reuses the previous step's memory: 1.6-1.9x faster training on our 2-core machine, with identical
     * results (docs/benchmarks.md#training). The settings go in the environment variable {@code GLIBC_TUNABLES} before
     * the JVM starts; the {@code ./boneage} launcher sets them for its training commands.
     */
    public static final String TRAINING_MALLOC_TUNABLES =
            "glibc.malloc.arena_max=1:glibc.malloc.mmap_max=0:glibc.malloc.trim_threshold=4294967296:glibc.malloc.hugetlb=1";

    /**
     * @return whether the process was started with glibc's malloc limited to one arena ({@code GLIBC_TUNABLES}
     *         containing {@code glibc.malloc.arena_max=1}), the part of {@link #TRAINING_MALLOC_TUNABLES} that matters most
     */
    public static boolean singleMallocArena() {
        String tunables = System.getenv("GLIBC_TUNABLES");
        return tunables != null && tunables.contains("glibc.malloc.arena_max=1");
    }

    private BoneAgeNetwork(NetworkSpec spec, Model model, Model backboneModel, BoneAgeNetworkBlock block) {
        this.spec = spec;
        this.model = model;
        this.backboneModel = backboneModel;
        this.block = block;
    }

    /**
     * Builds an untrained network (the head is initialized when a trainer initializes the model; TorchScript backbones
     * keep their loaded weights).
     *
     * @param spec     what to build ({@link NetworkSpec#format()} must match the backbone's source)
     * @param backbone where the backbone comes from
     * @param name     the DJL model's name
     * @return the network
     */
    public static BoneAgeNetwork create(NetworkSpec spec, BackboneSpec backbone, String name) {
        if (backbone.source() == BackboneSpec.Source.BUNDLE) {
            BoneAgeNetwork network = fromBundle(Path.of(backbone.location()), NetworkRole.parse(name), true);
            NetworkSpec found = network.spec();
            NetworkSpec comparable = found.readsAnyInputSize() ? found.withInputSize(spec.inputSize()) : found;
            if (!comparable.equals(spec)) {
                network.close();
                throw new IllegalArgumentException("network " + name + " of bundle " + backbone.location() + " is " + found
                        + ", not the requested " + spec);
            }
            return found.equals(spec) ? network
                    : new BoneAgeNetwork(spec, network.model, network.backboneModel, network.block);
        }
        Model backboneModel = switch (backbone.source()) {
            case SCRATCH, BUNDLE -> null;
            case TORCHSCRIPT_FILE -> Backbones.loadTorchScript(Path.of(backbone.location()), true);
            case MODEL_ZOO_URL -> Backbones.loadFromUrl(backbone.location());
        };
        if ((backboneModel != null) != spec.torchScriptBackbone()) {
            if (backboneModel != null) {
                backboneModel.close();
            }
            throw new IllegalArgumentException("network format " + spec.format() + " does not match backbone source " + backbone.source());
        }
        Block features = backboneModel != null ? backboneModel.getBlock()
                : Backbones.scratch(backbone.architecture(), spec.channels(), spec.inputSize());
        return assemble(spec, features, backboneModel, name);
    }

    /**
     * Loads a saved network.
     *
     * @param directory the folder {@link #save} wrote
     * @param spec      the network's spec (from the bundle manifest or {@code network.json})
     * @param trainable whether the TorchScript backbone's parameters get gradients (to continue training)
     * @return the network, initialized and ready to predict
     * @throws BoneAgeException naming the folder when a file is missing or unreadable
     */
    public static BoneAgeNetwork load(Path directory, NetworkSpec spec, boolean trainable) {
        BoneAgeNetwork network;
        if (spec.torchScriptBackbone()) {
            Model backboneModel = Backbones.loadTorchScript(directory.resolve(NetworkSpec.BACKBONE_FILE), trainable);
            network = assemble(spec, backboneModel.getBlock(), backboneModel, "boneage");
        } else {
            Architecture architecture = Architecture.fromLabel(spec.architecture());
            network = assemble(spec, Backbones.scratch(architecture, spec.channels(), spec.inputSize()), null, "boneage");
        }
        try {
            network.initialize();
            Block target = spec.torchScriptBackbone() ? network.block.head() : network.block;
            Path file = directory.resolve(spec.torchScriptBackbone() ? NetworkSpec.HEAD_FILE : NetworkSpec.NETWORK_FILE);
            try (InputStream in = new BufferedInputStream(Files.newInputStream(file))) {
                target.loadParameters(network.model.getNDManager(), new DataInputStream(in));
            }
            return network;
        } catch (IOException | MalformedModelException | RuntimeException e) {
            network.close();
            throw new BoneAgeException("cannot load network from " + directory + ": " + e.getMessage(), e);
        }
    }

    /**
     * Loads one network of a model bundle written by the trainer ({@code djl-params}, block factory
     * {@value BoneAgeBlockFactory#NAME}), e.g. to fine-tune it: the weights are read as the bundle's checked bytes, the
     * network is rebuilt by {@link BoneAgeBlockFactory}, then written into a temporary folder in the layout of
     * {@link #save} and loaded from there with {@link #load}, so that a TorchScript backbone comes back trainable.
     *
     * @param bundleFolder the bundle
     * @param role         which of its networks ({@code agnostic}, {@code male}, {@code female})
     * @param trainable    whether the TorchScript backbone's parameters get gradients
     * @return the network with the bundle's spec (including its target scaling)
     * @throws BoneAgeException naming the bundle when it is not such a bundle, lacks the network, or cannot be loaded
     */
    public static BoneAgeNetwork fromBundle(Path bundleFolder, NetworkRole role, boolean trainable) {
        ModelManifest manifest;
        byte[] bytes;
        try (ModelBundle bundle = ModelBundle.load(bundleFolder)) {
            manifest = bundle.manifest();
            if (manifest.format() != ModelFormat.DJL_PARAMS || manifest.block() == null
                    || !BoneAgeBlockFactory.NAME.equals(manifest.block().factory())) {
                throw new BoneAgeException("model bundle " + bundleFolder + " was not written by the bone-age trainer (format "
                        + manifest.format() + ", block factory " + (manifest.block() == null ? "none" : manifest.block().factory())
                        + "; needs djl-params with " + BoneAgeBlockFactory.NAME + "), so it cannot be trained further");
            }
            if (!bundle.roles().contains(role)) {
                throw new BoneAgeException("model bundle " + bundleFolder + " has no " + role.label() + " network (it has "
                        + bundle.roles() + ")");
            }
            bytes = bundle.readWeights(role);
        }
        NetworkSpec spec = NetworkSpec.fromArguments(manifest.block().arguments());
        Block block = new BoneAgeBlockFactory().newBlock(manifest);
        Path scratch = null;
        try (Model model = Model.newInstance("boneage-start", ENGINE)) {
            model.setBlock(block);
            // With a block set, the engine reads the stream as DJL parameters (the TorchScript backbone is embedded).
            model.load(new ByteArrayInputStream(bytes), Map.of());
            scratch = Files.createTempDirectory("boneage-start-");
            BoneAgeNetworkBlock loaded = (BoneAgeNetworkBlock) block;
            if (spec.torchScriptBackbone()) {
                try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(scratch.resolve(NetworkSpec.BACKBONE_FILE)))) {
                    JniUtils.writeModule((PtSymbolBlock) loaded.backbone(), out, false);
                }
                writeParameters(loaded.head(), scratch.resolve(NetworkSpec.HEAD_FILE));
            } else {
                writeParameters(loaded, scratch.resolve(NetworkSpec.NETWORK_FILE));
            }
            return load(scratch, spec, trainable);
        } catch (IOException | MalformedModelException | RuntimeException e) {
            if (e instanceof BoneAgeException b) {
                throw b;
            }
            throw new BoneAgeException("cannot load the " + role.label() + " network of model bundle " + bundleFolder + ": "
                    + e.getMessage(), e);
        } finally {
            deleteQuietly(scratch);
        }
    }

    private static void deleteQuietly(Path folder) {
        if (folder == null) {
            return;
        }
        try (Stream<Path> walk = Files.walk(folder)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            // A leftover temporary folder is harmless; the network was loaded (or the real error is being thrown).
            folder.toFile().deleteOnExit();
        }
    }

    private static BoneAgeNetwork assemble(NetworkSpec spec, Block features, Model backboneModel, String name) {
        BoneAgeNetworkBlock block = newBlock(spec, features);
        Model model = Model.newInstance(name, ENGINE);
        model.setBlock(block);
        return new BoneAgeNetwork(spec, model, backboneModel, block);
    }

    /**
     * Builds the network block around a given feature extractor.
     *
     * @param spec     the network's spec
     * @param features the backbone block
     * @return the block, with an uninitialized head
     */
    static BoneAgeNetworkBlock newBlock(NetworkSpec spec, Block features) {
        SequentialBlock head = new SequentialBlock();
        if (spec.head().dropout() > 0) {
            head.add(Dropout.builder().optRate((float) spec.head().dropout()).build());
        }
        Linear output = Linear.builder().setUnits(spec.head().outputs()).build();
        // Caffe's fc8 in the 2018 paper: Gaussian weights with std 0.01, zero bias.
        output.setInitializer(new NormalInitializer(0.01f), Parameter.Type.WEIGHT);
        head.add(output);
        return new BoneAgeNetworkBlock(features, head, spec.auxiliaryInputs());
    }

    /**
     * Writes the whole network as DJL parameters ({@code Model.save}): {@code <prefix>-0000.params}, the weight file of a
     * {@code djl-params} bundle, which {@link BoneAgeBlockFactory} rebuilds. A TorchScript backbone is embedded in it.
     *
     * @param directory the folder
     * @param prefix    the file name's prefix (the network's role)
     * @return the written file
     * @throws IOException if it cannot be written
     */
    public Path saveForBundle(Path directory, String prefix) throws IOException {
        Files.createDirectories(directory);
        model.setProperty("Epoch", "0");
        model.save(directory, prefix);
        return directory.resolve(prefix + "-0000.params");
    }

    /** Initializes every parameter not yet initialized (the head, or a scratch backbone) for the spec's input shapes. */
    public void initialize() {
        block.initialize(model.getNDManager(), DataType.FLOAT32, inputShapes(1));
    }

    /**
     * @param batchSize the batch size
     * @return the input shapes: images, then the auxiliary inputs when there are any
     */
    public Shape[] inputShapes(int batchSize) {
        Shape images = new Shape(batchSize, spec.channels(), spec.inputSize(), spec.inputSize());
        if (spec.auxiliaryInputs() == 0) {
            return new Shape[] {images};
        }
        return new Shape[] {images, new Shape(batchSize, spec.auxiliaryInputs())};
    }

    /** @return the spec */
    public NetworkSpec spec() {
        return spec;
    }

    /** @return the DJL model (its block is {@link #block()}) */
    public Model model() {
        return model;
    }

    /** @return the network block */
    public BoneAgeNetworkBlock block() {
        return block;
    }

    /** @return the ids of the backbone's parameters (they get the backbone's learning rate) */
    public Set<String> backboneParameterIds() {
        Set<String> ids = new HashSet<>();
        block.backbone().getParameters().forEach(p -> ids.add(p.getValue().getId()));
        return ids;
    }

    /** @return every trainable parameter, in the block's stable order (used to key optimizer state) */
    public List<Parameter> trainableParameters() {
        List<Parameter> out = new ArrayList<>();
        block.getParameters().forEach(p -> {
            if (p.getValue().requiresGradient()) {
                out.add(p.getValue());
            }
        });
        return out;
    }

    /**
     * Writes the network's weights into a folder (created if needed). The spec is not written: the caller records it
     * (in the bundle manifest or a checkpoint).
     *
     * @param directory the target folder
     * @throws IOException if a file cannot be written
     */
    public void save(Path directory) throws IOException {
        Files.createDirectories(directory);
        if (spec.torchScriptBackbone()) {
            try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(directory.resolve(NetworkSpec.BACKBONE_FILE)))) {
                JniUtils.writeModule((PtSymbolBlock) block.backbone(), out, false);
            }
            writeParameters(block.head(), directory.resolve(NetworkSpec.HEAD_FILE));
        } else {
            writeParameters(block, directory.resolve(NetworkSpec.NETWORK_FILE));
        }
    }

    private static void writeParameters(Block target, Path file) throws IOException {
        try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(file)))) {
            target.saveParameters(out);
        }
    }

    /**
     * Runs the network in inference mode on a batch.
     *
     * @param images    {@code count * channels * inputSize * inputSize} floats, CHW per image, already normalized
     * @param count     number of images
     * @param auxiliary {@code count * spec.auxiliaryInputs()} floats (encoded sex, scaled chronological age), or
     *                  {@code null} when the network has no auxiliary inputs
     * @return the raw outputs, row-major {@code [count, head.outputs()]} (decode with {@link NetworkSpec#decodeMonths})
     */
    public synchronized float[] forward(float[] images, int count, float[] auxiliary) {
        try (NDManager batch = model.getNDManager().newSubManager()) {
            NDList inputs = new NDList(batch.create(FloatBuffer.wrap(images, 0, count * imageSize()), inputShapes(count)[0]));
            if (spec.auxiliaryInputs() > 0) {
                inputs.add(batch.create(FloatBuffer.wrap(auxiliary, 0, count * spec.auxiliaryInputs()),
                        new Shape(count, spec.auxiliaryInputs())));
            }
            NDArray out = block.forward(new ParameterStore(batch, false), inputs, false).singletonOrThrow();
            return out.toFloatArray();
        }
    }

    /**
     * Runs the network and decodes its outputs.
     *
     * @param images    see {@link #forward}
     * @param count     number of images
     * @param auxiliary see {@link #forward}
     * @return the estimated bone ages in months
     */
    public double[] predictMonths(float[] images, int count, float[] auxiliary) {
        float[] raw = forward(images, count, auxiliary);
        double[] months = new double[count];
        for (int i = 0; i < count; i++) {
            months[i] = spec.decodeMonths(raw, i);
        }
        return months;
    }

    /** @return floats per image ({@code channels * inputSize * inputSize}) */
    public int imageSize() {
        return spec.channels() * spec.inputSize() * spec.inputSize();
    }

    @Override
    public void close() {
        model.close();
        if (backboneModel != null) {
            backboneModel.close();
        }
    }
}

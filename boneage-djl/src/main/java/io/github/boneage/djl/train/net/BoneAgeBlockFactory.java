package io.github.boneage.djl.train.net;

import ai.djl.nn.Block;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.engine.PtSymbolBlock;
import io.github.boneage.djl.BlockFactory;
import io.github.boneage.djl.manifest.ModelManifest;

/**
 * Rebuilds the networks {@code BoneAgeTrainer} writes into {@code djl-params} bundles (block factory
 * {@value #NAME}; the manifest's block arguments are {@link NetworkSpec#toArguments()}). Registered through
 * {@link java.util.ServiceLoader}, so {@code DjlBoneAgeEstimator} finds it without configuration.
 *
 * <p>For TorchScript backbones the block holds an empty {@link PtSymbolBlock} that loading the parameters fills with
 * the module stored in the weight file.
 */
public final class BoneAgeBlockFactory implements BlockFactory {

    /** The factory's name in manifests. */
    public static final String NAME = "boneage-network";

    private static PtNDManager placeholder;

    /** Creates the factory (ServiceLoader needs a public no-argument constructor). */
    public BoneAgeBlockFactory() {
    }

    /**
     * The manager an empty {@link PtSymbolBlock} is created with; loading attaches the module to the model's own
     * manager, so this one only ever holds the block's parameter views and lives as long as the JVM.
     */
    private static synchronized PtNDManager placeholderManager() {
        if (placeholder == null) {
            placeholder = (PtNDManager) BoneAgeNetwork.engine().newBaseManager();
        }
        return placeholder;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Block newBlock(ModelManifest manifest) {
        NetworkSpec spec = NetworkSpec.fromArguments(manifest.block().arguments());
        BoneAgeNetwork.engine();
        Block features = spec.torchScriptBackbone() ? new PtSymbolBlock(placeholderManager())
                : Backbones.scratch(Architecture.fromLabel(spec.architecture()), spec.channels(), spec.inputSize());
        return BoneAgeNetwork.newBlock(spec, features);
    }
}

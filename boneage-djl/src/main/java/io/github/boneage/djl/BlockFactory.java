package io.github.boneage.djl;

import ai.djl.nn.Block;
import io.github.boneage.djl.manifest.ModelManifest;

/**
 * Rebuilds the DJL {@link Block} of a {@code djl-params} bundle, whose weight files hold only the parameters
 * ({@code Model.save}). The manifest's {@code block.factory} names the factory; {@code block.arguments} carries its
 * settings. Factories are found through {@link java.util.ServiceLoader} (list the class in
 * {@code META-INF/services/io.github.boneage.djl.BlockFactory}) or given to
 * {@link DjlBoneAgeEstimator.Builder#optBlockFactory(BlockFactory)}.
 *
 * <p>The block takes the image tensor {@code [N, C, H, W]} (and, for {@code sex-input} bundles, the sex tensor
 * {@code [N, 1]} second) and returns {@code output.valuesPerImage()} values per image, first in its output list.
 */
public interface BlockFactory {

    /** @return the name manifests use in {@code block.factory}, e.g. {@code resnet50} */
    String name();

    /**
     * @param manifest the bundle's manifest: {@code block().arguments()} for settings, {@code input()} and
     *                 {@code output()} for the tensor shapes
     * @return a new, uninitialized block whose parameters match the saved ones
     * @throws IllegalArgumentException naming the argument when the settings are invalid
     */
    Block newBlock(ModelManifest manifest);
}

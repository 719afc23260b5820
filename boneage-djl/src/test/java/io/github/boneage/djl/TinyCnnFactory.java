package io.github.boneage.djl;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.pooling.Pool;
import io.github.boneage.djl.manifest.ModelManifest;

/**
 * A small DJL convolutional regressor standing in for the trainer's architectures: convolution, ReLU, global average
 * pooling, one linear layer with as many outputs as the manifest's head needs. Registered through ServiceLoader in
 * the test resources.
 */
public final class TinyCnnFactory implements BlockFactory {

    /** The factory's name in manifests. */
    public static final String NAME = "tiny-cnn";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Block newBlock(ModelManifest manifest) {
        int width = Integer.parseInt(manifest.block().arguments().getOrDefault("width", "8"));
        return build(width, manifest.output().valuesPerImage());
    }

    /** @return the block with {@code width} filters and {@code outputs} values per image */
    static Block build(int width, int outputs) {
        return new SequentialBlock()
                .add(Conv2d.builder().setKernelShape(new Shape(3, 3)).optPadding(new Shape(1, 1)).setFilters(width).build())
                .add(Activation::relu)
                .add(Pool.globalAvgPool2dBlock())
                .add(Blocks.batchFlattenBlock())
                .add(Linear.builder().setUnits(outputs).build());
    }
}

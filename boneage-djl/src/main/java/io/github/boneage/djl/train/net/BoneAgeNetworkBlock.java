package io.github.boneage.djl.train.net;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * Backbone + optional auxiliary inputs + head: {@code head(concat(flatten(backbone(image)), aux))}.
 *
 * <p>Inputs: {@code NDList(images)} or, with auxiliary inputs, {@code NDList(images, aux[N, A])}. The backbone may end
 * in {@code [N, F]} or {@code [N, F, 1, 1]}; anything after the batch axis is flattened.
 */
public final class BoneAgeNetworkBlock extends AbstractBlock {

    private static final byte VERSION = 1;

    private final Block backbone;
    private final Block head;
    private final int auxiliaryInputs;

    /**
     * @param backbone        the feature extractor
     * @param head            the head (its input is the flattened features plus the auxiliary inputs)
     * @param auxiliaryInputs number of auxiliary input columns (0, 1 or 2)
     */
    public BoneAgeNetworkBlock(Block backbone, Block head, int auxiliaryInputs) {
        super(VERSION);
        this.backbone = addChildBlock("backbone", backbone);
        this.head = addChildBlock("head", head);
        this.auxiliaryInputs = auxiliaryInputs;
    }

    /** @return the feature extractor */
    public Block backbone() {
        return backbone;
    }

    /** @return the head */
    public Block head() {
        return head;
    }

    @Override
    protected NDList forwardInternal(ParameterStore parameterStore, NDList inputs, boolean training,
            PairList<String, Object> params) {
        NDArray features = backbone.forward(parameterStore, new NDList(inputs.get(0)), training, params).singletonOrThrow();
        if (features.getShape().dimension() != 2) {
            features = features.reshape(features.getShape().get(0), -1);
        }
        if (auxiliaryInputs > 0) {
            features = features.concat(inputs.get(1), 1);
        }
        return head.forward(parameterStore, new NDList(features), training, params);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape features = featureShape(inputShapes[0]);
        return head.getOutputShapes(new Shape[] {features});
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        backbone.initialize(manager, dataType, inputShapes[0]);
        head.initialize(manager, dataType, featureShape(inputShapes[0]));
    }

    private Shape featureShape(Shape imageShape) {
        Shape out = backbone.getOutputShapes(new Shape[] {imageShape})[0];
        long batch = out.get(0);
        return new Shape(batch, out.size() / batch + auxiliaryInputs);
    }
}

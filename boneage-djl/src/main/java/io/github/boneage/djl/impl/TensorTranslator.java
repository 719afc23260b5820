package io.github.boneage.djl.impl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.translate.NoBatchifyTranslator;
import ai.djl.translate.TranslatorContext;
import java.nio.FloatBuffer;

/**
 * Wraps ready float tensors as NDArrays (the image {@code [N, C, H, W]}, and the sex {@code [N, 1]} when the network
 * has that input) and copies the first output back. The batch is already stacked, so there is no batchifier. The
 * arrays live in the {@link TranslatorContext}'s manager, which the predictor closes after every call, so native
 * memory is released per batch.
 */
public final class TensorTranslator implements NoBatchifyTranslator<TensorBatch, RawOutput> {

    private final String imageName;
    private final String sexName;
    private final int channels;
    private final int height;
    private final int width;

    /**
     * @param imageName the image input's name
     * @param sexName   the sex input's name, or {@code null} when the network has none
     * @param channels  C
     * @param height    H
     * @param width     W
     */
    public TensorTranslator(String imageName, String sexName, int channels, int height, int width) {
        this.imageName = imageName;
        this.sexName = sexName;
        this.channels = channels;
        this.height = height;
        this.width = width;
    }

    @Override
    public NDList processInput(TranslatorContext ctx, TensorBatch batch) {
        NDManager manager = ctx.getNDManager();
        int n = batch.count();
        NDArray image = manager.create(FloatBuffer.wrap(batch.images(), 0, n * channels * height * width),
                new Shape(n, channels, height, width));
        image.setName(imageName);
        if (sexName == null) {
            return new NDList(image);
        }
        NDArray sex = manager.create(FloatBuffer.wrap(batch.sex(), 0, n), new Shape(n, 1));
        sex.setName(sexName);
        return new NDList(image, sex);
    }

    @Override
    public RawOutput processOutput(TranslatorContext ctx, NDList list) {
        NDArray out = list.get(0);
        if (out.getDataType() != DataType.FLOAT32) {
            out = out.toType(DataType.FLOAT32, false);
        }
        return new RawOutput(out.getShape().getShape(), out.toFloatArray());
    }
}

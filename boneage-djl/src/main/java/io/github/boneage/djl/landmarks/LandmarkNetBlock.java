package io.github.boneage.djl.landmarks;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * The learned landmark network as a DJL block: a four-stage convolutional encoder (strides 2, 4, 8, 16; the deepest
 * stage with a dilated convolution so that each output cell sees the whole hand, which is what tells one finger from
 * another) and a decoder that upsamples twice (nearest neighbour, then a 3x3 convolution), concatenating the encoder's stride-8 and
 * stride-4 features (U-Net skips), to {@link LandmarkNetSpec#points()} heatmaps at stride 4.
 *
 * <p>Input {@code [N, 1, S, S]} (a standardized grey image), output {@code [N, K, S/4, S/4]} (one heatmap per point,
 * trained towards a Gaussian of peak 1 at the point and 0 elsewhere, so the peak value doubles as a confidence). With
 * {@link LandmarkNetSpec#maskHead()} a second head on the same decoder features (two 3x3 stages, the second dilated,
 * and a 1x1 convolution)
 * adds channel {@code K}, the hand mask, trained towards 1 on the hand and 0 elsewhere: {@code [N, K + 1, S/4, S/4]}.
 * Its parameters follow all others in the parameter file, so a network without one loads into the trunk of one with
 * one ({@link #freezeTrunk()} then trains the mask head alone).
 */
public final class LandmarkNetBlock extends AbstractBlock {

    private static final byte VERSION = 1;

    private final LandmarkNetSpec spec;
    private final Block stem;
    private final Block down4;
    private final Block down8;
    private final Block down16;
    private final Block up8;
    private final Block fuse8;
    private final Block up4;
    private final Block fuse4;
    private final Block head;
    private final Block maskHead;
    private boolean trunkFrozen;

    /** @param spec the network's sizes */
    public LandmarkNetBlock(LandmarkNetSpec spec) {
        super(VERSION);
        this.spec = spec;
        int w = spec.width();
        stem = addChildBlock("stem", new SequentialBlock().add(conv(w, 1, 1)).add(conv(w, 2, 1)));
        down4 = addChildBlock("down4", new SequentialBlock().add(conv(2 * w, 2, 1)).add(conv(2 * w, 1, 1)));
        down8 = addChildBlock("down8", new SequentialBlock().add(conv(4 * w, 2, 1)).add(conv(4 * w, 1, 1)));
        down16 = addChildBlock("down16", new SequentialBlock().add(conv(6 * w, 2, 1)).add(conv(6 * w, 1, 2))
                .add(conv(6 * w, 1, 4)));
        up8 = addChildBlock("up8", conv(4 * w, 1, 1));
        fuse8 = addChildBlock("fuse8", new SequentialBlock().add(conv(4 * w, 1, 1)));
        up4 = addChildBlock("up4", conv(2 * w, 1, 1));
        fuse4 = addChildBlock("fuse4", new SequentialBlock().add(conv(3 * w, 1, 1)).add(conv(3 * w, 1, 1)));
        head = addChildBlock("head", Conv2d.builder().setKernelShape(new Shape(1, 1)).setFilters(spec.points()).build());
        maskHead = spec.maskHead() ? addChildBlock("maskHead", new SequentialBlock().add(conv(2 * w, 1, 1)).add(conv(w, 1, 2))
                .add(Conv2d.builder().setKernelShape(new Shape(1, 1)).setFilters(1).build())) : null;
    }

    /**
     * Freezes everything but the mask head: its parameters get no gradients and its batch norms keep their running
     * statistics (they run as in inference even in training), so that training the mask head leaves the landmark
     * heatmaps bit for bit as they were.
     *
     * @throws IllegalStateException when the network has no mask head
     */
    public void freezeTrunk() {
        if (maskHead == null) {
            throw new IllegalStateException("the network has no mask head to train alone");
        }
        for (Block b : getChildren().values()) {
            if (b != maskHead) {
                b.freezeParameters(true);
            }
        }
        trunkFrozen = true;
    }

    /** @return the network's sizes */
    public LandmarkNetSpec spec() {
        return spec;
    }

    /** 3x3 convolution, batch norm, ReLU. */
    private static Block conv(int filters, int stride, int dilation) {
        return new SequentialBlock()
                .add(Conv2d.builder().setKernelShape(new Shape(3, 3)).optStride(new Shape(stride, stride))
                        .optPadding(new Shape(dilation, dilation)).optDilation(new Shape(dilation, dilation))
                        .setFilters(filters).optBias(false).build())
                .add(BatchNorm.builder().build())
                .add(Activation.reluBlock());
    }

    /**
     * Nearest-neighbour upsampling by 2 (DJL's PyTorch engine has no transposed convolution): each value is broadcast
     * to a 2x2 block; the 3x3 convolution that follows smooths it.
     */
    private static NDArray upsample(NDArray x) {
        Shape s = x.getShape();
        return x.reshape(s.get(0), s.get(1), s.get(2), 1, s.get(3), 1)
                .broadcast(new Shape(s.get(0), s.get(1), s.get(2), 2, s.get(3), 2))
                .reshape(s.get(0), s.get(1), 2 * s.get(2), 2 * s.get(3));
    }

    private static Shape doubled(Shape s) {
        return new Shape(s.get(0), s.get(1), 2 * s.get(2), 2 * s.get(3));
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean train, PairList<String, Object> params) {
        boolean training = train && !trunkFrozen;
        NDArray x2 = stem.forward(ps, inputs, training, params).singletonOrThrow();
        NDArray x4 = down4.forward(ps, new NDList(x2), training, params).singletonOrThrow();
        NDArray x8 = down8.forward(ps, new NDList(x4), training, params).singletonOrThrow();
        NDArray x16 = down16.forward(ps, new NDList(x8), training, params).singletonOrThrow();
        NDArray u8 = up8.forward(ps, new NDList(upsample(x16)), training, params).singletonOrThrow();
        NDArray f8 = fuse8.forward(ps, new NDList(u8.concat(x8, 1)), training, params).singletonOrThrow();
        NDArray u4 = up4.forward(ps, new NDList(upsample(f8)), training, params).singletonOrThrow();
        NDArray f4 = fuse4.forward(ps, new NDList(u4.concat(x4, 1)), training, params).singletonOrThrow();
        NDArray heatmaps = head.forward(ps, new NDList(f4), training, params).singletonOrThrow();
        if (maskHead == null) {
            return new NDList(heatmaps);
        }
        NDArray mask = maskHead.forward(ps, new NDList(f4), train, params).singletonOrThrow();
        return new NDList(heatmaps.concat(mask, 1));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        long n = inputShapes[0].get(0);
        return new Shape[] {new Shape(n, spec.outputs(), spec.heatmapSize(), spec.heatmapSize())};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape in = inputShapes[0];
        Shape s2 = init(stem, manager, dataType, in);
        Shape s4 = init(down4, manager, dataType, s2);
        Shape s8 = init(down8, manager, dataType, s4);
        Shape s16 = init(down16, manager, dataType, s8);
        Shape u8 = init(up8, manager, dataType, doubled(s16));
        Shape f8 = init(fuse8, manager, dataType, new Shape(u8.get(0), u8.get(1) + s8.get(1), u8.get(2), u8.get(3)));
        Shape u4 = init(up4, manager, dataType, doubled(f8));
        Shape f4 = init(fuse4, manager, dataType, new Shape(u4.get(0), u4.get(1) + s4.get(1), u4.get(2), u4.get(3)));
        init(head, manager, dataType, f4);
        if (maskHead != null) {
            init(maskHead, manager, dataType, f4);
        }
    }

    private static Shape init(Block block, NDManager manager, DataType dataType, Shape in) {
        block.initialize(manager, dataType, in);
        return block.getOutputShapes(new Shape[] {in})[0];
    }
}

package io.github.boneage.djl.export.impl;

import io.github.boneage.djl.landmarks.LandmarkNetSpec;
import java.io.IOException;
import java.util.Arrays;

/**
 * Writes the learned landmark network ({@code io.github.boneage.djl.landmarks.LandmarkNetBlock}) as ONNX from its DJL
 * parameter file. The block's layout (which convolution has which stride and dilation, where the 2x upsampling and
 * the skip concatenations are) is not in the file, so it is spelled out here as in the block and checked against
 * every weight's shape: 3x3 convolution without bias, batch norm (DJL's default epsilon 1e-5), ReLU per stage; nearest
 * 2x upsampling as {@code Resize} (asymmetric coordinates, floor), which copies each value into a 2x2 block exactly as
 * the block's broadcast does.
 */
public final class LandmarkGraph {

    /** DJL's {@code BatchNorm} default epsilon, which {@code LandmarkNetBlock} keeps. */
    private static final float BATCH_NORM_EPSILON = 1e-5f;

    private final OnnxModel onnx;
    private final DjlParams params;
    private final String source;

    private LandmarkGraph(OnnxModel onnx, DjlParams params, String source) {
        this.onnx = onnx;
        this.params = params;
        this.source = source;
    }

    /**
     * @param spec    the network's sizes (from the landmark bundle's manifest)
     * @param weights the DJL parameter file
     * @param source  a name for messages
     * @param input   the input's name ({@code [N, 1, S, S]})
     * @param output  the output's name ({@code [N, points, S/4, S/4]} heatmaps, then the hand mask channel when the
     *                network has a mask head)
     * @param onnx    the model to write into
     * @throws IOException naming the file and offset when the parameters do not match the block
     */
    public static void write(LandmarkNetSpec spec, byte[] weights, String source, String input, String output, OnnxModel onnx)
            throws IOException {
        DjlParams params = new DjlParams(source, weights);
        LandmarkGraph g = new LandmarkGraph(onnx, params, source);
        int w = spec.width();
        onnx.addInput(input, 1, spec.inputSize(), spec.inputSize());
        params.blockVersion("landmark network", 1);
        params.skipInputShapes();
        String x2 = g.stage("stem", input, new int[][] {{w, 1, 1}, {w, 2, 1}});
        String x4 = g.stage("down4", x2, new int[][] {{2 * w, 2, 1}, {2 * w, 1, 1}});
        String x8 = g.stage("down8", x4, new int[][] {{4 * w, 2, 1}, {4 * w, 1, 1}});
        String x16 = g.stage("down16", x8, new int[][] {{6 * w, 2, 1}, {6 * w, 1, 2}, {6 * w, 1, 4}});
        String u8 = g.conv("up8", g.upsample("up8.upsample", x16), 4 * w, 1, 1);
        String f8 = g.stage("fuse8", g.concat("fuse8.concat", u8, x8), new int[][] {{4 * w, 1, 1}});
        String u4 = g.conv("up4", g.upsample("up4.upsample", f8), 2 * w, 1, 1);
        String f4 = g.stage("fuse4", g.concat("fuse4.concat", u4, x4), new int[][] {{3 * w, 1, 1}, {3 * w, 1, 1}});
        // head: a 1x1 convolution with bias
        params.blockVersion("head", 3);
        params.skipInputShapes();
        DjlParams.Tensor hw = g.expect(params.readParameter("weight"), "head.weight", spec.points(), 3L * w, 1, 1);
        DjlParams.Tensor hb = g.expect(params.readParameter("bias"), "head.bias", spec.points());
        String heatmaps = spec.maskHead() ? onnx.fresh("head") : output;
        onnx.node("Conv", "head").inputs(f4, onnx.addFloats("head.weight", hw.shape(), hw.values()),
                onnx.addFloats("head.bias", hb.shape(), hb.values())).outputs(heatmaps)
                .attrInts("kernel_shape", 1, 1).add();
        if (spec.maskHead()) {
            // maskHead: SequentialBlock(two conv() stages, the second dilated by 2, 1x1 convolution with bias to one
            // channel), concatenated after the heatmaps as in the block.
            params.blockVersion("maskHead", 3);
            params.skipSequentialMetadata();
            String m = g.conv("maskHead.1", g.conv("maskHead.0", f4, 2 * w, 1, 1), w, 1, 2);
            params.blockVersion("maskHead.2", 3);
            params.skipInputShapes();
            DjlParams.Tensor mw = g.expect(params.readParameter("weight"), "maskHead.2.weight", 1, w, 1, 1);
            DjlParams.Tensor mb = g.expect(params.readParameter("bias"), "maskHead.2.bias", 1);
            String mask = onnx.fresh("maskHead");
            onnx.node("Conv", "maskHead.2").inputs(m, onnx.addFloats("maskHead.2.weight", mw.shape(), mw.values()),
                    onnx.addFloats("maskHead.2.bias", mb.shape(), mb.values())).outputs(mask)
                    .attrInts("kernel_shape", 1, 1).add();
            onnx.node("Concat", "outputs").inputs(heatmaps, mask).outputs(output).attr("axis", 1L).add();
        }
        params.expectEnd();
        long cells = spec.inputSize() / 4;
        onnx.addOutput(output, spec.outputs(), cells, cells);
    }

    /** A SequentialBlock of conv() stages. */
    private String stage(String name, String x, int[][] convs) throws IOException {
        params.blockVersion(name, 3);
        params.skipSequentialMetadata();
        String y = x;
        for (int i = 0; i < convs.length; i++) {
            y = conv(name + "." + i, y, convs[i][0], convs[i][1], convs[i][2]);
        }
        return y;
    }

    /** {@code LandmarkNetBlock.conv}: SequentialBlock(Conv2d 3x3 no bias, BatchNorm, ReLU). */
    private String conv(String name, String x, int filters, int stride, int dilation) throws IOException {
        params.blockVersion(name, 3);
        params.skipSequentialMetadata();
        params.blockVersion(name + ".conv", 3);
        params.skipInputShapes();
        DjlParams.Tensor weight = params.readParameter("weight");
        if (weight.shape().length != 4 || weight.shape()[0] != filters || weight.shape()[2] != 3 || weight.shape()[3] != 3) {
            throw new IOException(source + ": " + name + ".weight has shape " + Arrays.toString(weight.shape()) + ", expected ["
                    + filters + ", C, 3, 3]");
        }
        params.blockVersion(name + ".batchNorm", 2);
        params.skipInputShapes();
        params.readLong();
        DjlParams.Tensor gamma = expect(params.readParameter("gamma"), name + ".gamma", filters);
        DjlParams.Tensor beta = expect(params.readParameter("beta"), name + ".beta", filters);
        DjlParams.Tensor mean = expect(params.readParameter("runningMean"), name + ".runningMean", filters);
        DjlParams.Tensor var = expect(params.readParameter("runningVar"), name + ".runningVar", filters);
        params.blockVersion(name + ".relu", 2);
        params.skipInputShapes();

        String c = onnx.fresh(name + ".conv");
        onnx.node("Conv", name + ".conv").inputs(x, onnx.addFloats(name + ".weight", weight.shape(), weight.values()))
                .outputs(c)
                .attrInts("kernel_shape", 3, 3)
                .attrInts("strides", stride, stride)
                .attrInts("pads", dilation, dilation, dilation, dilation)
                .attrInts("dilations", dilation, dilation)
                .add();
        String b = onnx.fresh(name + ".bn");
        onnx.node("BatchNormalization", name + ".batchNorm").inputs(c,
                onnx.addFloats(name + ".gamma", gamma.shape(), gamma.values()),
                onnx.addFloats(name + ".beta", beta.shape(), beta.values()),
                onnx.addFloats(name + ".runningMean", mean.shape(), mean.values()),
                onnx.addFloats(name + ".runningVar", var.shape(), var.values()))
                .outputs(b).attr("epsilon", BATCH_NORM_EPSILON).add();
        String r = onnx.fresh(name + ".relu");
        onnx.node("Relu", name + ".relu").inputs(b).outputs(r).add();
        return r;
    }

    private String upsample(String name, String x) {
        String scales = onnx.addFloats(name + ".scales", new long[] {4}, new float[] {1, 1, 2, 2});
        String y = onnx.fresh(name);
        onnx.node("Resize", name).inputs(x, "", scales).outputs(y)
                .attr("mode", "nearest")
                .attr("coordinate_transformation_mode", "asymmetric")
                .attr("nearest_mode", "floor")
                .add();
        return y;
    }

    private String concat(String name, String a, String b) {
        String y = onnx.fresh(name);
        onnx.node("Concat", name).inputs(a, b).outputs(y).attr("axis", 1L).add();
        return y;
    }

    private DjlParams.Tensor expect(DjlParams.Tensor t, String name, long... shape) throws IOException {
        if (!Arrays.equals(t.shape(), shape)) {
            throw new IOException(source + ": " + name + " has shape " + Arrays.toString(t.shape()) + ", expected "
                    + Arrays.toString(shape));
        }
        return t;
    }
}

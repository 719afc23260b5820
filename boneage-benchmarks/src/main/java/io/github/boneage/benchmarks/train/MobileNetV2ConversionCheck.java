package io.github.boneage.benchmarks.train;

import ai.djl.Model;
import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.translate.NoopTranslator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.boneage.core.metrics.AgeMetrics;
import io.github.boneage.djl.OfflineMode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Checks {@code tools/mobilenetv2_from_onnx.py} against ONNX Runtime. The script's {@code --check-dir} holds inputs and
 * two sets of logits computed in Python: the dequantized float network's and those of a step-by-step simulation of
 * the int8 QLinear graph. This runs the ONNX file on ONNX Runtime and the TorchScript classifier on PyTorch (both
 * through DJL) over the same inputs and prints top-1 agreement and the mean Pearson correlation of the 1000 logits
 * for: ONNX Runtime vs the simulated int8 graph (shows the scales, zero points and bias scales are read as ONNX
 * Runtime reads them), ONNX Runtime vs the float network (what int8 activation rounding costs), and DJL's PyTorch vs
 * Python's float logits (the exported TorchScript runs the same in Java).
 *
 * <pre>
 * java ... MobileNetV2ConversionCheck mobilenetv2-12-int8.onnx mobilenetv2-classifier.pt check-dir
 * </pre>
 */
public final class MobileNetV2ConversionCheck {

    private MobileNetV2ConversionCheck() {
    }

    /**
     * @param args the ONNX file, the TorchScript classifier, the check folder
     * @throws Exception when a model cannot be loaded or run
     */
    public static void main(String[] args) throws Exception {
        OfflineMode.enforce();
        Path onnx = Path.of(args[0]);
        Path torchScript = Path.of(args[1]);
        Path dir = Path.of(args[2]);
        JsonNode meta = new ObjectMapper().readTree(dir.resolve("check.json").toFile());
        int count = meta.get("count").asInt();
        int classes = meta.get("classes").asInt();
        long[] shape = new long[4];
        shape[0] = 1;
        for (int k = 0; k < 3; k++) {
            shape[k + 1] = meta.get("shape").get(k).asLong();
        }
        float[][] inputs = read(dir.resolve("inputs.f32"), count, (int) (shape[1] * shape[2] * shape[3]));
        float[][] floatLogits = read(dir.resolve("float-logits.f32"), count, classes);
        float[][] int8Logits = read(dir.resolve("int8-simulated-logits.f32"), count, classes);
        float[][] onnxLogits = run(onnx, "OnnxRuntime", inputs, new Shape(shape));
        float[][] torchLogits = run(torchScript, "PyTorch", inputs, new Shape(shape));
        report("ONNX Runtime vs simulated int8 (Python)", onnxLogits, int8Logits);
        report("ONNX Runtime vs float network (Python)", onnxLogits, floatLogits);
        report("PyTorch via DJL vs float network (Python)", torchLogits, floatLogits);
    }

    private static void report(String what, float[][] a, float[][] b) {
        int top1 = 0;
        double correlation = 0;
        for (int i = 0; i < a.length; i++) {
            top1 += argmax(a[i]) == argmax(b[i]) ? 1 : 0;
            correlation += pearson(a[i], b[i]);
        }
        System.out.printf(Locale.ROOT, "%-45s n=%d  top-1 agreement %5.1f%%  mean logit r=%.5f%n", what, a.length,
                100.0 * top1 / a.length, correlation / a.length);
    }

    private static float[][] read(Path file, int rows, int columns) throws IOException {
        ByteBuffer bytes = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        if (bytes.remaining() != (long) rows * columns * 4) {
            throw new IOException(file + " has " + bytes.remaining() + " bytes, expected " + (long) rows * columns * 4);
        }
        FloatBuffer floats = bytes.asFloatBuffer();
        float[][] out = new float[rows][columns];
        for (float[] row : out) {
            floats.get(row);
        }
        return out;
    }

    private static float[][] run(Path file, String engine, float[][] inputs, Shape shape) throws Exception {
        float[][] out = new float[inputs.length][];
        try (Model model = Model.newInstance("check", engine)) {
            model.load(file.toAbsolutePath().getParent(), file.getFileName().toString().replaceFirst("\\.(onnx|pt)$", ""));
            try (Predictor<NDList, NDList> predictor = model.newPredictor(new NoopTranslator());
                    NDManager manager = NDManager.newBaseManager(engine)) {
                for (int i = 0; i < inputs.length; i++) {
                    NDArray x = manager.create(inputs[i], shape);
                    x.setName("input");
                    out[i] = predictor.predict(new NDList(x)).get(0).toFloatArray();
                }
            }
        }
        return out;
    }

    private static int argmax(float[] v) {
        int best = 0;
        for (int i = 1; i < v.length; i++) {
            if (v[i] > v[best]) {
                best = i;
            }
        }
        return best;
    }

    /** Pearson's r of two equally long vectors, by the project's metrics ({@link AgeMetrics}). */
    private static double pearson(float[] a, float[] b) {
        double[] x = new double[a.length];
        double[] y = new double[b.length];
        for (int i = 0; i < a.length; i++) {
            x[i] = a[i];
            y[i] = b[i];
        }
        return AgeMetrics.of(x, y, a.length).pearson();
    }
}

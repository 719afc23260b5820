package io.github.boneage.benchmarks.train;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.github.boneage.djl.landmarks.LandmarkBundle;
import io.github.boneage.djl.landmarks.LandmarkNetBlock;
import io.github.boneage.djl.train.landmarks.LandmarkTrainingSettings;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes a loadable landmark bundle from a training run's checkpoint, so that a long run can be measured part-way
 * (the run itself goes on untouched). The network's sizes are the default settings' ({@code 128} px, width
 * {@code 16}); the checkpoint's settings line is copied into the provenance.
 *
 * <pre>
 * java -cp ... io.github.boneage.benchmarks.train.LandmarkCheckpointBundle RUN_FOLDER OUT_FOLDER
 * </pre>
 */
public final class LandmarkCheckpointBundle {

    private LandmarkCheckpointBundle() {
    }

    /**
     * @param args the training run's output folder (holding {@code checkpoint/}), the bundle folder to write
     * @throws Exception on any failure
     */
    public static void main(String[] args) throws Exception {
        Path checkpoint = Path.of(args[0]).resolve("checkpoint");
        Path out = Files.createDirectories(Path.of(args[1]));
        List<String> state = Files.readAllLines(checkpoint.resolve("state.txt"));
        LandmarkTrainingSettings settings = LandmarkTrainingSettings.defaults();
        var spec = new io.github.boneage.djl.landmarks.LandmarkNetSpec(settings.inputSize(), settings.width(),
                io.github.boneage.djl.landmarks.impl.PointOrder.COUNT);
        try (Model model = Model.newInstance(LandmarkBundle.MODEL_NAME, Device.cpu(), "PyTorch")) {
            LandmarkNetBlock block = new LandmarkNetBlock(spec);
            model.setBlock(block);
            block.initialize(model.getNDManager(), DataType.FLOAT32, new Shape(1, 1, spec.inputSize(), spec.inputSize()));
            try (InputStream in = new BufferedInputStream(Files.newInputStream(checkpoint.resolve("weights.bin")))) {
                block.loadParameters(model.getNDManager(), new DataInputStream(in));
            }
            model.setProperty("Epoch", "0");
            model.save(out, LandmarkBundle.MODEL_NAME);
        }
        Map<String, String> prov = new LinkedHashMap<>();
        prov.put("checkpointStep", state.get(0).trim());
        prov.put("settings", state.size() > 1 ? state.get(1) : "");
        prov.put("from", "checkpoint of " + args[0] + ", written " + Instant.now());
        LandmarkBundle b = LandmarkBundle.write(out, spec, settings.sigma(), LandmarkBundle.MODEL_NAME + "-0000.params", prov);
        System.out.println("wrote " + b.folder() + " at step " + state.get(0).trim() + " sha256 " + b.sha256());
    }
}

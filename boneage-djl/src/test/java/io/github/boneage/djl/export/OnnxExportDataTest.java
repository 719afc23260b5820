package io.github.boneage.djl.export;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.boneage.core.EstimationOutcome;
import io.github.boneage.core.EstimationRequest;
import io.github.boneage.core.dataset.RsnaDataset;
import io.github.boneage.core.dataset.Sample;
import io.github.boneage.core.testing.SharedData;
import io.github.boneage.djl.DjlBoneAgeEstimator;
import io.github.boneage.djl.ModelBundle;
import io.github.boneage.preprocess.io.ImageDecoder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The committed {@code models/default} (ONNX Runtime, the shipped default) against {@code models/default-pytorch} (PyTorch, its training weights) on real
 * radiographs: the first 50 (by id) of the default model's held-out rsna-299 images that played no part in training or
 * epoch selection (held-out-ids.txt minus validation-predictions.csv, i.e. held-out ids 501-1500). Each image is
 * estimated with its true sex by both; every |difference| must be at most 0.05 months.
 */
@Tag("data")
class OnnxExportDataTest {

    private static final Logger LOG = LoggerFactory.getLogger(OnnxExportDataTest.class);
    static final Path DEFAULT_ONNX = Path.of("../models/default");
    static final int IMAGES = 50;

    @Test
    void committedOnnxModelIsTheDefaultModel() {
        try (ModelBundle source = ModelBundle.load(OnnxExportTest.DEFAULT); ModelBundle onnx = ModelBundle.load(DEFAULT_ONNX)) {
            // A retrained default model must be exported again: the committed export names the weights it came from.
            assertThat(onnx.manifest().provenance().trainerSettings())
                    .containsEntry("exportedFrom.sha256", source.modelInfo().digest());
        }
    }

    @Test
    void heldOutRadiographsAgreeWithinTolerance() throws IOException {
        Path data = SharedData.require("data/rsna-299");
        RsnaDataset dataset = RsnaDataset.builder().setFolder(data).build();
        Set<String> heldOut = new HashSet<>(readIds(OnnxExportTest.DEFAULT.resolve("held-out-ids.txt"), false));
        Set<String> monitored = new HashSet<>(readIds(OnnxExportTest.DEFAULT.resolve("validation-predictions.csv"), true));
        assertThat(heldOut).hasSize(1500);
        assertThat(monitored).hasSize(500);
        List<Sample> untouched = dataset.samples().stream()
                .filter(s -> heldOut.contains(s.id()) && !monitored.contains(s.id()))
                .sorted(java.util.Comparator.comparing(Sample::id))
                .limit(IMAGES)
                .toList();
        assertThat(untouched).hasSize(IMAGES);
        ImageDecoder decoder = ImageDecoder.create();
        List<EstimationRequest> requests = new ArrayList<>();
        for (Sample s : untouched) {
            requests.add(EstimationRequest.builder().setImage(decoder.decode(s.image())).optSex(s.sex())
                    .optSourceId(s.id()).build());
        }
        double max = 0;
        double sum = 0;
        String worst = "";
        try (DjlBoneAgeEstimator torch = DjlBoneAgeEstimator.builder().setBundle(OnnxExportTest.DEFAULT).build();
                DjlBoneAgeEstimator ort = DjlBoneAgeEstimator.builder().setBundle(DEFAULT_ONNX).build()) {
            List<EstimationOutcome> a = torch.estimateBatch(requests);
            List<EstimationOutcome> b = ort.estimateBatch(requests);
            for (int i = 0; i < requests.size(); i++) {
                double pt = a.get(i).estimate().orElseThrow().months();
                double on = b.get(i).estimate().orElseThrow().months();
                double d = Math.abs(pt - on);
                sum += d;
                if (d > max) {
                    max = d;
                    worst = untouched.get(i).id();
                }
                assertThat(d).as("image %s: PyTorch %.4f, ONNX Runtime %.4f", untouched.get(i).id(), pt, on)
                        .isLessThanOrEqualTo(OnnxExportTest.PARITY_MONTHS);
            }
        }
        LOG.info("ONNX Runtime vs PyTorch on {} held-out rsna-299 images (ids {}..{}): max |difference| {} months (image {}),"
                + " mean {} months", IMAGES, untouched.get(0).id(), untouched.get(IMAGES - 1).id(), max, worst, sum / IMAGES);
    }

    private static List<String> readIds(Path file, boolean csv) throws IOException {
        List<String> ids = new ArrayList<>();
        for (String line : Files.readAllLines(file)) {
            String id = csv ? line.split(",", 2)[0].trim() : line.trim();
            if (!id.isEmpty() && !id.equals("id")) {
                ids.add(id);
            }
        }
        return ids;
    }
}

package io.github.boneage.djl.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.boneage.core.BoneAgeEstimate;
import io.github.boneage.core.EstimationRequest;
import io.github.boneage.core.Sex;
import io.github.boneage.djl.DjlBoneAgeEstimator;
import io.github.boneage.djl.ModelBundle;
import io.github.boneage.djl.ModelBundleException;
import io.github.boneage.djl.manifest.ModelFormat;
import io.github.boneage.djl.manifest.ModelManifest;
import io.github.boneage.djl.manifest.NetworkRole;
import io.github.boneage.synthetic.SyntheticHand;
import io.github.boneage.synthetic.SyntheticHandGenerator;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Exports the shipped default model to ONNX in pure Java and checks the exported bundle against the original on
 * synthetic hands: the same manifest settings, and estimates within 0.05 months on ONNX Runtime vs PyTorch.
 */
class OnnxExportTest {

    private static final Logger LOG = LoggerFactory.getLogger(OnnxExportTest.class);
    static final Path DEFAULT = Path.of("../models/default-pytorch");
    /** The parity the issue asks for, in months. */
    static final double PARITY_MONTHS = 0.05;

    @TempDir
    static Path temp;
    private static OnnxExport.Result exported;

    @BeforeAll
    static void export() {
        exported = OnnxExport.export(DEFAULT, temp.resolve("default-onnx"));
    }

    @AfterAll
    static void report() {
        LOG.info("exported {} to {}", DEFAULT, exported.folder());
    }

    @Test
    void exportedManifestKeepsEverythingButTheFormat() throws IOException {
        try (ModelBundle source = ModelBundle.load(DEFAULT); ModelBundle onnx = ModelBundle.load(exported.folder())) {
            ModelManifest s = source.manifest();
            ModelManifest o = onnx.manifest();
            assertThat(o.format()).isEqualTo(ModelFormat.ONNX);
            assertThat(o.engine()).isEqualTo("OnnxRuntime");
            assertThat(o.block()).isNull();
            assertThat(o.architecture()).isEqualTo(s.architecture());
            assertThat(o.preprocessing()).isEqualTo(s.preprocessing());
            assertThat(o.sexHandling()).isEqualTo(s.sexHandling());
            assertThat(o.output()).isEqualTo(s.output());
            assertThat(o.input()).isEqualTo(s.input());
            assertThat(o.heldOutMetrics()).isEqualTo(s.heldOutMetrics());
            assertThat(o.weights()).hasSize(1);
            assertThat(o.weights().get(0).file()).isEqualTo("agnostic.onnx");
            assertThat(o.provenance().trainerSettings())
                    .containsEntry("exportedFrom.sha256", source.modelInfo().digest())
                    .containsEntry("exportedFrom.name", s.name())
                    .containsEntry("exportedFrom.format", "djl-params")
                    .containsEntry("exporter", OnnxExport.exporterDescription())
                    .containsAllEntriesOf(s.provenance().trainerSettings());
            assertThat(exported.copiedFiles()).contains("held-out-ids.txt",
                    "uncertainty-calibration.json (its model entry now names " + o.name() + ")");
            assertThat(Files.readAllBytes(exported.folder().resolve("held-out-ids.txt")))
                    .isEqualTo(Files.readAllBytes(DEFAULT.resolve("held-out-ids.txt")));
            // The calibration now names the exported weights; everything else in it is unchanged.
            String calibration = Files.readString(exported.folder().resolve("uncertainty-calibration.json"));
            String original = Files.readString(DEFAULT.resolve("uncertainty-calibration.json"));
            assertThat(calibration).contains("\"digest\" : \"" + onnx.modelInfo().digest() + "\"")
                    .contains("\"name\" : \"" + o.name() + "\"");
            assertThat(calibration.replace(onnx.modelInfo().digest(), source.modelInfo().digest()).replace(o.name(), s.name()))
                    .isEqualToIgnoringWhitespace(original);
            long bytes = Files.size(exported.folder().resolve("agnostic.onnx"));
            LOG.info("agnostic.onnx: {} bytes", bytes);
            assertThat(bytes).isBetween(8_000_000L, 10_000_000L);
        }
    }

    @Test
    void exportedModelMatchesPyTorchOnSyntheticHands() {
        SyntheticHandGenerator generator = SyntheticHandGenerator.builder().setSeed(131313).optImageSize(300, 380).build();
        double max = 0;
        double sum = 0;
        int n = 0;
        try (DjlBoneAgeEstimator torch = DjlBoneAgeEstimator.builder().setBundle(DEFAULT).build();
                DjlBoneAgeEstimator ort = DjlBoneAgeEstimator.builder().setBundle(exported.folder()).build()) {
            assertThat(ort.model().digest()).isNotEqualTo(torch.model().digest());
            for (int i = 0; i < 8; i++) {
                SyntheticHand hand = generator.generate((long) i);
                for (Sex sex : Sex.values()) {
                    EstimationRequest r = EstimationRequest.builder().setImage(hand.image()).optSex(sex)
                            .optSourceId("synthetic-" + i).build();
                    BoneAgeEstimate a = torch.estimate(r);
                    BoneAgeEstimate b = ort.estimate(r);
                    double d = Math.abs(a.months() - b.months());
                    max = Math.max(max, d);
                    sum += d;
                    n++;
                    assertThat(d).as("hand %d %s: PyTorch %.4f, ONNX Runtime %.4f", i, sex, a.months(), b.months())
                            .isLessThanOrEqualTo(PARITY_MONTHS);
                }
            }
        }
        LOG.info("ONNX vs PyTorch on {} synthetic estimates: max |difference| {} months, mean {}", n, max, sum / n);
    }

    @Test
    void djlBuiltBackboneIsRefusedNamingTheArchitecture() throws IOException {
        Path copy = copyWithManifest(temp.resolve("resnet"), m -> m.replace("\"format\" : \"torchscript-backbone+djl-head\"",
                "\"format\" : \"djl\"").replace("\"architecture\" : \"torchscript\"", "\"architecture\" : \"resnet18\""));
        assertThatThrownBy(() -> OnnxExport.export(copy, temp.resolve("resnet-onnx")))
                .isInstanceOf(UnsupportedExportException.class)
                .hasMessageContaining("cannot export architecture mobilenetv2-imagenet-int8 (backbone resnet18 built by DJL)")
                .hasMessageContaining("supported: format djl-params, block factory boneage-network");
        assertThat(temp.resolve("resnet-onnx")).doesNotExist();
    }

    @Test
    void onnxBundleIsRefusedNamingItsFormat() {
        assertThatThrownBy(() -> OnnxExport.export(exported.folder(), temp.resolve("twice")))
                .isInstanceOf(UnsupportedExportException.class)
                .hasMessageContaining("cannot export a bundle of format onnx");
    }

    @Test
    void truncatedParametersNameTheOffset() throws IOException {
        ModelManifest manifest;
        byte[] weights;
        try (ModelBundle source = ModelBundle.load(DEFAULT)) {
            manifest = source.manifest();
            weights = source.readWeights(NetworkRole.AGNOSTIC);
        }
        byte[] cut = Arrays.copyOf(weights, weights.length - 100);
        assertThatThrownBy(() -> OnnxExport.toOnnx(manifest, cut, "cut.params"))
                .isInstanceOf(IOException.class);
        byte[] garbage = "not DJL at all".getBytes(StandardCharsets.US_ASCII);
        assertThatThrownBy(() -> OnnxExport.toOnnx(manifest, garbage, "garbage.params"))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("garbage.params: not a DJL parameter file");
    }

    @Test
    void nonEmptyTargetIsRefused() throws IOException {
        Path target = temp.resolve("occupied");
        Files.createDirectories(target);
        Files.writeString(target.resolve("keep.txt"), "mine");
        assertThatThrownBy(() -> OnnxExport.export(DEFAULT, target))
                .isInstanceOf(ModelBundleException.class)
                .hasMessageContaining("target folder is not empty");
        assertThat(Files.readString(target.resolve("keep.txt"))).isEqualTo("mine");
    }

    private static Path copyWithManifest(Path folder, java.util.function.UnaryOperator<String> edit) throws IOException {
        Files.createDirectories(folder);
        Files.copy(DEFAULT.resolve("agnostic-0000.params"), folder.resolve("agnostic-0000.params"));
        String manifest = Files.readString(DEFAULT.resolve("boneage-model.json"));
        String edited = edit.apply(manifest);
        assertThat(edited).isNotEqualTo(manifest);
        Files.writeString(folder.resolve("boneage-model.json"), edited);
        return folder;
    }
}

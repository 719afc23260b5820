package io.github.boneage.djl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.boneage.core.HeldOutMetrics;
import io.github.boneage.core.InputFormatException;
import io.github.boneage.core.ModelProvenance;
import io.github.boneage.core.RoiScheme;
import io.github.boneage.djl.manifest.BlockSpec;
import io.github.boneage.djl.manifest.InputSpec;
import io.github.boneage.djl.manifest.ManifestJson;
import io.github.boneage.djl.manifest.ModelFormat;
import io.github.boneage.djl.manifest.ModelManifest;
import io.github.boneage.djl.manifest.NetworkRole;
import io.github.boneage.djl.manifest.OutputSpec;
import io.github.boneage.djl.manifest.SexHandling;
import io.github.boneage.djl.manifest.WeightsFile;
import io.github.boneage.preprocess.EqualizerSpec;
import io.github.boneage.preprocess.PreprocessSpec;
import io.github.boneage.preprocess.PreprocessSpecJson;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Guards the manifest format: two golden files (every field of format version 1 appears in one of them) must be
 * written byte for byte and read back to the same manifest; malformed manifests are rejected with the field and line.
 */
class ManifestJsonTest {

    private static final String HASH_A = "a".repeat(64);
    private static final String HASH_B = "b".repeat(64);
    private static final String HASH_C = "c".repeat(64);

    /** A per-sex ONNX regressor with a fallback network and full provenance, as the papers' models would be shipped. */
    static ModelManifest perSexOnnx() {
        ModelProvenance provenance = new ModelProvenance("RSNA Pediatric Bone Age, 12611 training images",
                "random 80/20 by patient, seed 42",
                Map.of("solver", "sgd", "baseLearningRate", "0.001", "epochs", "30", "augmentation", "flip,rotate10"),
                Map.of("mad", 6.52, "ccc", 0.981), "0.1.0", "2026-05-01T12:00:00Z");
        return new ModelManifest(1, "boneage-googlenet-roi2", "GoogLeNet regressor on ROI2, one network per sex",
                "googlenet", "OnnxRuntime", ModelFormat.ONNX,
                List.of(new WeightsFile(NetworkRole.AGNOSTIC, "agnostic.onnx", HASH_A),
                        new WeightsFile(NetworkRole.MALE, "male.onnx", HASH_B),
                        new WeightsFile(NetworkRole.FEMALE, "female.onnx", HASH_C)),
                null, InputSpec.image(3, 224, 224), PreprocessSpec.paper(RoiScheme.ROI2, 224), SexHandling.perSex(),
                OutputSpec.regression(41.2, 127.3), provenance, new HeldOutMetrics(800, 7.1, 0.975, 9.4, 0.82,
                        "800 test images, never used for training or selection", "boneage evaluate ..."));
    }

    /** A DJL-parameter model with a sex input and an age-bin head, CLAHE and one grey channel. */
    static ModelManifest sexInputDjlParams() {
        PreprocessSpec spec = new PreprocessSpec(RoiScheme.ROI1, EqualizerSpec.clahe(), 227, 1, new double[] {0.5},
                new double[] {0.25});
        return new ModelManifest(1, "boneage-caffenet-bins", null, "caffenet", "PyTorch", ModelFormat.DJL_PARAMS,
                List.of(new WeightsFile(NetworkRole.AGNOSTIC, "weights/caffenet-0012.params", HASH_A)),
                new BlockSpec("caffenet-regressor", Map.of("dropout", "0.5", "width", "96")),
                new InputSpec("radiograph", "NCHW", 1, 227, 227), spec,
                SexHandling.sexInput(new SexHandling.SexInput("sex", 1f, 0f, null)),
                OutputSpec.ageBins(new double[] {6, 18, 30, 42, 54}, OutputSpec.Activation.SOFTMAX), null);
    }

    private static String golden(String name) throws IOException {
        try (InputStream in = ManifestJsonTest.class.getResourceAsStream("/golden/" + name)) {
            assertThat(in).as("golden file %s", name).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static ModelManifest read(String json) {
        return ManifestJson.read(json.getBytes(StandardCharsets.UTF_8), "test.json");
    }

    @Test
    void perSexManifestIsWrittenAsTheGoldenFile() throws IOException {
        assertThat(ManifestJson.write(perSexOnnx())).isEqualTo(golden("per-sex-onnx.json"));
        assertThat(read(golden("per-sex-onnx.json"))).isEqualTo(perSexOnnx());
    }

    @Test
    void sexInputManifestIsWrittenAsTheGoldenFile() throws IOException {
        assertThat(ManifestJson.write(sexInputDjlParams())).isEqualTo(golden("sex-input-djl-params.json"));
        assertThat(read(golden("sex-input-djl-params.json"))).isEqualTo(sexInputDjlParams());
    }

    @Test
    void preprocessingIsThePreprocessingModulesFormat() throws IOException {
        String embedded = new ObjectMapper().readTree(golden("per-sex-onnx.json")).get("preprocessing").toString();
        assertThat(PreprocessSpecJson.read(embedded, "embedded")).isEqualTo(perSexOnnx().preprocessing());
    }

    @Test
    void badPreprocessingFieldIsReportedWithItsPath() throws IOException {
        String json = golden("per-sex-onnx.json").replace("\"bins\" : 64", "\"bins\" : \"many\"");
        assertThatThrownBy(() -> read(json)).isInstanceOfSatisfying(InputFormatException.class,
                e -> assertThat(e.field()).hasValue("preprocessing")).hasMessageContaining("equalizer.bins");
    }

    @Test
    void syntaxErrorNamesTheLine() throws IOException {
        String json = golden("per-sex-onnx.json").replace("\"architecture\" : \"googlenet\",", "\"architecture\" : googlenet,");
        assertThatThrownBy(() -> read(json))
                .isInstanceOfSatisfying(InputFormatException.class, e -> assertThat(e.line()).isEqualTo(5))
                .hasMessageContaining("test.json, line 5");
    }

    @Test
    void unknownFormatVersionIsRejected() throws IOException {
        String json = golden("per-sex-onnx.json").replace("\"formatVersion\" : 1", "\"formatVersion\" : 2");
        assertThatThrownBy(() -> read(json)).isInstanceOf(InputFormatException.class)
                .hasMessageContaining("formatVersion").hasMessageContaining("unknown format version 2");
    }

    @Test
    void missingFormatVersionIsRejected() throws IOException {
        String json = golden("per-sex-onnx.json").replace("\"formatVersion\" : 1,", "");
        assertThatThrownBy(() -> read(json)).isInstanceOf(InputFormatException.class).hasMessageContaining("formatVersion");
    }

    @Test
    void unknownFieldIsRejectedWithItsName() throws IOException {
        String json = golden("per-sex-onnx.json").replace("\"layout\" : \"NCHW\",", "\"layout\" : \"NCHW\", \"dtype\" : \"f16\",");
        assertThatThrownBy(() -> read(json)).isInstanceOf(InputFormatException.class).hasMessageContaining("dtype");
    }

    @Test
    void missingRequiredFieldIsRejectedWithItsName() throws IOException {
        String json = golden("per-sex-onnx.json").replace("\"channels\" : 3,\n    \"height\"", "\"height\"");
        assertThatThrownBy(() -> read(json)).isInstanceOfSatisfying(InputFormatException.class,
                e -> assertThat(e.field()).hasValue("input.channels"));
    }

    @Test
    void badRoiLabelIsRejected() throws IOException {
        String json = golden("per-sex-onnx.json").replace("\"roi\" : \"roi2\"", "\"roi\" : \"roi9\"");
        assertThatThrownBy(() -> read(json)).isInstanceOf(InputFormatException.class).hasMessageContaining("roi9");
    }

    @Test
    void inputThatDisagreesWithPreprocessingIsRejected() throws IOException {
        String json = golden("per-sex-onnx.json").replace("\"height\" : 224", "\"height\" : 227");
        assertThatThrownBy(() -> read(json)).isInstanceOf(InputFormatException.class)
                .hasMessageContaining("differs from preprocessing.size 224");
    }

    @Test
    void perSexWithoutFemaleNetworkIsRejected() {
        ModelManifest m = perSexOnnx();
        ModelManifest bad = new ModelManifest(1, m.name(), null, m.architecture(), m.engine(), m.format(),
                m.weights().subList(0, 2), null, m.input(), m.preprocessing(), m.sexHandling(), m.output(), null);
        assertThatThrownBy(bad::validate).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("per-sex needs weights with roles male and female");
    }

    @Test
    void weightsOutsideTheBundleAreRejected() {
        ModelManifest m = perSexOnnx();
        ModelManifest bad = new ModelManifest(1, m.name(), null, m.architecture(), m.engine(), m.format(),
                List.of(new WeightsFile(NetworkRole.AGNOSTIC, "../model.onnx", HASH_A)), null, m.input(), m.preprocessing(),
                SexHandling.agnostic(), m.output(), null);
        assertThatThrownBy(bad::validate).hasMessageContaining("must be a relative path inside the bundle");
    }

    @Test
    void onnxOnAnotherEngineIsRejected() {
        ModelManifest m = perSexOnnx();
        ModelManifest bad = new ModelManifest(1, m.name(), null, m.architecture(), "PyTorch", m.format(), m.weights(), null,
                m.input(), m.preprocessing(), m.sexHandling(), m.output(), null);
        assertThatThrownBy(bad::validate).hasMessageContaining("format onnx runs on engine OnnxRuntime");
    }

    @Test
    void onnxWeightsMustEndInOnnx() {
        ModelManifest m = perSexOnnx();
        ModelManifest bad = new ModelManifest(1, m.name(), null, m.architecture(), m.engine(), m.format(),
                List.of(new WeightsFile(NetworkRole.AGNOSTIC, "model.bin", HASH_A)), null, m.input(), m.preprocessing(),
                SexHandling.agnostic(), m.output(), null);
        assertThatThrownBy(bad::validate).hasMessageContaining("onnx weights file model.bin must end in .onnx");
    }

    @Test
    void djlParamsFilesMustFollowModelSaveNaming() {
        ModelManifest m = sexInputDjlParams();
        ModelManifest bad = new ModelManifest(1, m.name(), null, m.architecture(), m.engine(), m.format(),
                List.of(new WeightsFile(NetworkRole.AGNOSTIC, "caffenet.params", HASH_A)), m.block(), m.input(),
                m.preprocessing(), m.sexHandling(), m.output(), null);
        assertThatThrownBy(bad::validate).hasMessageContaining("<prefix>-<4-digit epoch>.params");
    }

    @Test
    void heldOutMetricsAreOptionalAndChecked() {
        // The sex-input golden file has none: the block is optional and not written as null.
        assertThat(sexInputDjlParams().heldOutMetrics()).isNull();
        String json = ManifestJson.write(perSexOnnx());
        assertThatThrownBy(() -> read(json.replace("\"n\" : 800", "\"n\" : 0")))
                .isInstanceOf(InputFormatException.class).hasMessageContaining("heldOutMetrics.n must be at least 1");
        assertThatThrownBy(() -> read(json.replace("\"ccc\" : 0.975", "\"ccc\" : 1.5")))
                .isInstanceOf(InputFormatException.class).hasMessageContaining("heldOutMetrics.ccc");
        assertThatThrownBy(() -> read(json.replace("\"within12\" : 0.82", "\"within12\" : 0.82, \"auc\" : 1")))
                .isInstanceOf(InputFormatException.class).hasMessageContaining("auc");
        ModelManifest without = read(json.replace(",\n    \"command\" : \"boneage evaluate ...\"", "")
                .replace(",\n    \"rmse\" : 9.4", ""));
        assertThat(without.heldOutMetrics().command()).isNull();
        assertThat(without.heldOutMetrics().rmse()).isNull();
        assertThat(without.heldOutMetrics().mad()).isEqualTo(7.1);
    }
}

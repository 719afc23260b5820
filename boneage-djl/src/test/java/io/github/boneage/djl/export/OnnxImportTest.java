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
import io.github.boneage.djl.manifest.SexHandling;
import io.github.boneage.synthetic.SyntheticHand;
import io.github.boneage.synthetic.SyntheticHandGenerator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Imports ONNX networks back into trainable bundles: the shipped default model's export must come back bit for bit, and
 * a per-sex member of the shipped model v2 (sex input pinned in the graph) must estimate on PyTorch what it estimates on
 * ONNX Runtime.
 */
class OnnxImportTest {

    private static final Logger LOG = LoggerFactory.getLogger(OnnxImportTest.class);
    private static final Path TEMPLATE = OnnxExportTest.DEFAULT;
    private static final Path WHOLE_SEX = Path.of("../models/v2/whole-sex");

    @TempDir
    static Path temp;
    private static Path exported;

    @BeforeAll
    static void export() {
        exported = OnnxExport.export(TEMPLATE, temp.resolve("default-onnx")).folder();
    }

    @Test
    void exportThenImportGivesBackTheSameParameterFile() throws IOException {
        OnnxImport.Result result = OnnxImport.importNetwork(exported, TEMPLATE, Optional.empty(), null, temp.resolve("back"));
        assertThat(result.role()).isEqualTo(NetworkRole.AGNOSTIC);
        assertThat(result.pinnedSexValue()).isNull();
        try (ModelBundle original = ModelBundle.load(TEMPLATE); ModelBundle back = ModelBundle.load(result.folder())) {
            assertThat(back.readWeights(NetworkRole.AGNOSTIC)).isEqualTo(original.readWeights(NetworkRole.AGNOSTIC));
            ModelManifest o = original.manifest();
            ModelManifest b = back.manifest();
            assertThat(b.format()).isEqualTo(ModelFormat.DJL_PARAMS);
            assertThat(b.name()).isEqualTo(o.name() + "-djl");
            assertThat(b.block()).isEqualTo(o.block());
            assertThat(b.preprocessing()).isEqualTo(o.preprocessing());
            assertThat(b.sexHandling()).isEqualTo(o.sexHandling());
            assertThat(b.output()).isEqualTo(o.output());
            assertThat(b.heldOutMetrics()).isEqualTo(o.heldOutMetrics());
            assertThat(b.provenance().trainerSettings())
                    .containsAllEntriesOf(o.provenance().trainerSettings())
                    .containsEntry("importedFrom.role", "agnostic")
                    .containsEntry("importer", OnnxImport.importerDescription())
                    .containsKey("importedFrom.sha256");
        }
        assertThat(Files.readString(result.folder().resolve("held-out-ids.txt")))
                .isEqualTo(Files.readString(TEMPLATE.resolve("held-out-ids.txt")));
    }

    @Test
    void pinnedPerSexNetworkComesBackWithItsSexInputAndTheSameEstimates() {
        OnnxImport.Result result = OnnxImport.importNetwork(WHOLE_SEX, TEMPLATE, Optional.of(NetworkRole.FEMALE), null,
                temp.resolve("female"));
        assertThat(result.pinnedSexValue()).isEqualTo(-1f);
        ModelManifest m = result.manifest();
        assertThat(m.sexHandling().mode()).isEqualTo(SexHandling.Mode.SEX_INPUT);
        assertThat(m.preprocessing().size()).isEqualTo(352);
        assertThat(m.heldOutMetrics()).as("figures of the per-sex bundle are not this network's").isNull();
        assertThat(m.description()).contains("female patients only");
        assertThat(m.provenance().trainerSettings()).containsEntry("importedFrom.pinnedSex", "-1.0")
                .containsEntry("seed", "51");
        SyntheticHandGenerator generator = SyntheticHandGenerator.builder().setSeed(4242).optImageSize(300, 380).build();
        double max = 0;
        try (DjlBoneAgeEstimator torch = DjlBoneAgeEstimator.builder().setBundle(result.folder()).build();
                DjlBoneAgeEstimator ort = DjlBoneAgeEstimator.builder().setBundle(WHOLE_SEX).build()) {
            for (int i = 0; i < 4; i++) {
                SyntheticHand hand = generator.generate((long) i);
                EstimationRequest r = EstimationRequest.builder().setImage(hand.image()).optSex(Sex.FEMALE)
                        .optSourceId("synthetic-" + i).build();
                BoneAgeEstimate a = torch.estimate(r);
                BoneAgeEstimate b = ort.estimate(r);
                double d = Math.abs(a.months() - b.months());
                max = Math.max(max, d);
                assertThat(d).as("hand %d: PyTorch %.4f, ONNX Runtime %.4f", i, a.months(), b.months())
                        .isLessThanOrEqualTo(OnnxExportTest.PARITY_MONTHS);
            }
        }
        LOG.info("imported female network vs its ONNX: max |difference| {} months", max);
    }

    @Test
    void unknownSexNetworkOfAPerSexBundleIsNotCalledOneSexOnly() {
        OnnxImport.Result result = OnnxImport.importNetwork(WHOLE_SEX, TEMPLATE, Optional.of(NetworkRole.AGNOSTIC), null,
                temp.resolve("agnostic"));
        assertThat(result.pinnedSexValue()).isEqualTo(0f);
        assertThat(result.manifest().name()).isEqualTo("boneage-v8-whole-352-per-sex-agnostic-djl");
        assertThat(result.manifest().description()).contains("network agnostic (the one for patients of unknown sex)")
                .doesNotContain("only");
    }

    @Test
    void perSexBundleWithoutARoleIsRefusedNamingItsNetworks() {
        assertThatThrownBy(() -> OnnxImport.importNetwork(WHOLE_SEX, TEMPLATE, Optional.empty(), null, temp.resolve("none")))
                .isInstanceOf(UnsupportedExportException.class)
                .hasMessageContaining("name the one to import")
                .hasMessageContaining("male", "female", "agnostic");
        assertThat(temp.resolve("none")).doesNotExist();
    }

    @Test
    void sexInputBundleHasOnlyTheAgnosticNetwork() {
        assertThatThrownBy(() -> OnnxImport.importNetwork(exported, TEMPLATE, Optional.of(NetworkRole.MALE), null,
                temp.resolve("male")))
                .isInstanceOf(UnsupportedExportException.class)
                .hasMessageContaining("has one network (agnostic), not male");
    }

    @Test
    void trainableBundleIsRefusedAsSource() {
        assertThatThrownBy(() -> OnnxImport.importNetwork(TEMPLATE, TEMPLATE, Optional.empty(), null, temp.resolve("x")))
                .isInstanceOf(UnsupportedExportException.class)
                .hasMessageContaining("format djl-params is not onnx");
    }

    @Test
    void onnxTemplateIsRefused() {
        assertThatThrownBy(() -> OnnxImport.importNetwork(exported, exported, Optional.empty(), null, temp.resolve("y")))
                .isInstanceOf(UnsupportedExportException.class)
                .hasMessageContaining("cannot export a bundle of format onnx");
    }

    @Test
    void nonEmptyTargetIsRefused() throws IOException {
        Path target = temp.resolve("occupied");
        Files.createDirectories(target);
        Files.writeString(target.resolve("keep.txt"), "mine");
        assertThatThrownBy(() -> OnnxImport.importNetwork(exported, TEMPLATE, Optional.empty(), null, target))
                .isInstanceOf(ModelBundleException.class)
                .hasMessageContaining("target folder is not empty");
        assertThat(Files.readString(target.resolve("keep.txt"))).isEqualTo("mine");
    }

    @Test
    void graphOfAnotherNetworkIsRefused() throws IOException {
        Path folder = temp.resolve("landmark-graph");
        Files.createDirectories(folder);
        Path graph = Path.of("../models/landmarks/landmarks.onnx");
        Files.copy(graph, folder.resolve("agnostic.onnx"));
        String manifest = Files.readString(exported.resolve("boneage-model.json"));
        String sha;
        try (ModelBundle b = ModelBundle.load(exported)) {
            sha = b.manifest().weights().get(0).sha256();
        }
        Files.writeString(folder.resolve("boneage-model.json"),
                manifest.replace(sha, io.github.boneage.djl.impl.BundleFiles.sha256(Files.readAllBytes(graph))));
        assertThatThrownBy(() -> OnnxImport.importNetwork(folder, TEMPLATE, Optional.empty(), null, temp.resolve("z")))
                .isInstanceOf(UnsupportedExportException.class)
                .hasMessageContaining("network agnostic: the graph neither takes the sex input 'sex' nor pins it (inputs: [image])");
        assertThat(temp.resolve("z")).doesNotExist();
    }

    @Test
    void truncatedGraphNamesTheByteOffset() throws IOException {
        byte[] onnx = Files.readAllBytes(exported.resolve("agnostic.onnx"));
        byte[] cut = java.util.Arrays.copyOf(onnx, onnx.length / 2);
        assertThatThrownBy(() -> new io.github.boneage.djl.export.impl.OnnxGraph("cut.onnx", cut))
                .isInstanceOf(IOException.class)
                .hasMessageStartingWith("cut.onnx: field at byte ")
                .hasMessageContaining("remain");
    }
}

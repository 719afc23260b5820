package io.github.boneage.djl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.boneage.core.InputFormatException;
import io.github.boneage.core.ModelProvenance;
import io.github.boneage.djl.impl.BundleFiles;
import io.github.boneage.djl.manifest.ManifestJson;
import io.github.boneage.djl.manifest.NetworkRole;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Writing and loading bundles as folders and zips, and every way loading can fail before an engine is involved. */
class ModelBundleTest {

    @TempDir
    Path work;

    private Path folderBundle() {
        return Fixtures.write(Fixtures.perSex(work, "onnx", true)
                .optProvenance(new ModelProvenance("synthetic", "none", Map.of("seed", "7"), Map.of("mad", 9.5), "0.1.0",
                        "2026-01-01T00:00:00Z")), work, "bundle");
    }

    @Test
    void folderRoundTrip() {
        ModelBundleWriter writer = Fixtures.perSex(work, "onnx", true).build();
        Path folder = writer.writeFolder(work.resolve("bundle"));
        try (ModelBundle bundle = ModelBundle.load(folder)) {
            assertThat(bundle.manifest()).isEqualTo(writer.manifest());
            assertThat(bundle.roles()).containsExactly(NetworkRole.AGNOSTIC, NetworkRole.MALE, NetworkRole.FEMALE);
            assertThat(bundle.weightsPath(NetworkRole.MALE)).hasValue(folder.resolve("resnet_tiny.onnx"));
            assertThat(bundle.folder()).hasValue(folder);
            assertThat(bundle.isZip()).isFalse();
        }
        assertThat(folder).isDirectory();
    }

    @Test
    void zipRoundTripReadsInPlaceWithoutExtracting() throws IOException {
        ModelBundleWriter writer = Fixtures.agnostic(work, "resnet_tiny", "pt").build();
        Path zip = writer.writeZip(work.resolve("out/model.zip"));
        try (ModelBundle bundle = ModelBundle.load(zip)) {
            assertThat(bundle.manifest()).isEqualTo(writer.manifest());
            assertThat(bundle.isZip()).isTrue();
            assertThat(bundle.folder()).isEmpty();
            assertThat(bundle.weightsPath(NetworkRole.AGNOSTIC)).isEmpty();
            assertThat(bundle.readWeights(NetworkRole.AGNOSTIC)).isEqualTo(Files.readAllBytes(work.resolve("src/resnet_tiny.pt")));
            assertThat(bundle.modelInfo().digest()).isEqualTo(writer.manifest().weights().get(0).sha256());
        }
    }

    @Test
    void zipOfAFolderIsAccepted() throws IOException {
        Path folder = folderBundle();
        Path zip = work.resolve("zipped-folder.zip");
        List<String> files = List.of(ManifestJson.FILE_NAME, "resnet_tiny.onnx", "alexnet_tiny.onnx", "googlenet_tiny.onnx");
        try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(zip))) {
            for (String f : files) {
                out.putNextEntry(new ZipEntry("my-model/" + f));
                Files.copy(folder.resolve(f), out);
                out.closeEntry();
            }
        }
        try (ModelBundle bundle = ModelBundle.load(zip)) {
            assertThat(bundle.roles()).hasSize(3);
            assertThat(BundleFiles.sha256(bundle.readWeights(NetworkRole.FEMALE)))
                    .isEqualTo(bundle.manifest().weightsFor(NetworkRole.FEMALE).sha256());
        }
    }

    @Test
    void manifestPathLoadsItsFolder() {
        Path folder = folderBundle();
        try (ModelBundle bundle = ModelBundle.load(folder.resolve(ManifestJson.FILE_NAME))) {
            assertThat(bundle.folder()).hasValue(folder.toAbsolutePath());
        }
    }

    @Test
    void modelInfoCarriesNameArchitectureDigestAndProvenance() {
        try (ModelBundle bundle = ModelBundle.load(folderBundle())) {
            assertThat(bundle.modelInfo().name()).isEqualTo("per-sex-onnx");
            assertThat(bundle.modelInfo().architecture()).isEqualTo("mixed-tiny");
            assertThat(bundle.modelInfo().provenance().validationMetrics()).containsEntry("mad", 9.5);
            StringBuilder lines = new StringBuilder();
            for (NetworkRole r : NetworkRole.values()) {
                lines.append(r.label()).append(' ').append(bundle.manifest().weightsFor(r).sha256()).append('\n');
            }
            assertThat(bundle.modelInfo().digest())
                    .isEqualTo(BundleFiles.sha256(lines.toString().getBytes(StandardCharsets.UTF_8)));
        }
    }

    @Test
    void writerRefusesANonEmptyFolder() throws IOException {
        Files.createDirectories(work.resolve("busy"));
        Files.writeString(work.resolve("busy/other.txt"), "x");
        assertThatThrownBy(() -> Fixtures.agnostic(work, "resnet_tiny", "onnx").build().writeFolder(work.resolve("busy")))
                .isInstanceOf(ModelBundleException.class).hasMessageContaining("not empty");
    }

    @Test
    void missingPathIsReported() {
        Path nowhere = work.resolve("nowhere");
        assertThatThrownBy(() -> ModelBundle.load(nowhere)).isInstanceOfSatisfying(ModelBundleException.class,
                e -> assertThat(e.bundle()).isEqualTo(nowhere.toString())).hasMessageContaining("no such file or folder");
    }

    @Test
    void folderWithoutManifestIsReported() throws IOException {
        Files.createDirectories(work.resolve("empty"));
        assertThatThrownBy(() -> ModelBundle.load(work.resolve("empty"))).isInstanceOf(ModelBundleException.class)
                .hasMessageContaining(ManifestJson.FILE_NAME + " is missing");
    }

    @Test
    void badJsonIsReportedWithItsLine() throws IOException {
        Path folder = folderBundle();
        Path manifest = folder.resolve(ManifestJson.FILE_NAME);
        Files.writeString(manifest, Files.readString(manifest).replace("\"format\" : \"onnx\",", "\"format\" : onnx,"));
        assertThatThrownBy(() -> ModelBundle.load(folder)).isInstanceOf(ModelBundleException.class)
                .hasMessageContaining(folder.toString()).hasMessageContaining("line 6")
                .hasCauseInstanceOf(InputFormatException.class);
    }

    @Test
    void unknownFormatVersionIsReported() throws IOException {
        Path folder = folderBundle();
        Path manifest = folder.resolve(ManifestJson.FILE_NAME);
        Files.writeString(manifest, Files.readString(manifest).replace("\"formatVersion\" : 1", "\"formatVersion\" : 7"));
        assertThatThrownBy(() -> ModelBundle.load(folder)).isInstanceOf(ModelBundleException.class)
                .hasMessageContaining("unknown format version 7");
    }

    @Test
    void changedWeightsAreDetected() throws IOException {
        Path folder = folderBundle();
        try (OutputStream out = Files.newOutputStream(folder.resolve("alexnet_tiny.onnx"), StandardOpenOption.APPEND)) {
            out.write(0);
        }
        assertThatThrownBy(() -> ModelBundle.load(folder)).isInstanceOf(ModelBundleException.class)
                .hasMessageContaining("alexnet_tiny.onnx has SHA-256").hasMessageContaining("but the manifest says");
    }

    @Test
    void missingWeightsAreReported() throws IOException {
        Path folder = folderBundle();
        Files.delete(folder.resolve("googlenet_tiny.onnx"));
        assertThatThrownBy(() -> ModelBundle.load(folder)).isInstanceOf(ModelBundleException.class)
                .hasMessageContaining("googlenet_tiny.onnx (role agnostic) is missing");
    }

    @Test
    void zipEntriesEscapingTheBundleAreRefused() throws IOException {
        Path zip = work.resolve("evil.zip");
        try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(zip))) {
            out.putNextEntry(new ZipEntry("../escaped.txt"));
            out.write(1);
            out.closeEntry();
        }
        assertThatThrownBy(() -> ModelBundle.load(zip)).isInstanceOf(ModelBundleException.class)
                .hasMessageContaining("zip entry '../escaped.txt' climbs out of the bundle");
        assertThat(work.resolve("escaped.txt")).doesNotExist();
    }

    @Test
    void otherFilesAreRefused() throws IOException {
        Path text = Files.writeString(work.resolve("notes.txt"), "not a bundle");
        assertThatThrownBy(() -> ModelBundle.load(text)).isInstanceOf(ModelBundleException.class)
                .hasMessageContaining("neither a folder, a .zip nor");
    }
}

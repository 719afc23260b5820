package io.github.boneage.djl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.boneage.core.EstimationOutcome;
import io.github.boneage.core.EstimationRequest;
import io.github.boneage.core.ImplausibleEstimateException;
import io.github.boneage.core.Sex;
import io.github.boneage.core.image.GreyImage8;
import io.github.boneage.djl.impl.BundleFiles;
import io.github.boneage.djl.manifest.ManifestJson;
import io.github.boneage.djl.manifest.ModelFormat;
import io.github.boneage.djl.manifest.NetworkRole;
import io.github.boneage.djl.manifest.OutputSpec;
import io.github.boneage.djl.manifest.SexHandling;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What a hostile tester tried: zip bombs and crafted zip entry names, manifests with impossible numbers, and models
 * whose outputs are impossible ages. Each is a typed error naming the bundle and the entry, field or value.
 */
class HostileBundleTest {

    @TempDir
    Path work;

    private Path agnosticFolder() {
        return Fixtures.write(Fixtures.agnostic(work, "resnet_tiny", "onnx"), work, "bundle");
    }

    /** A zip of the agnostic bundle's manifest and weights, plus extra entries. */
    private Path zipWith(Path folder, String zipName, Extra... extras) throws IOException {
        Path zip = work.resolve(zipName);
        try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(zip))) {
            for (String f : List.of(ManifestJson.FILE_NAME, "resnet_tiny.onnx")) {
                out.putNextEntry(new ZipEntry(f));
                Files.copy(folder.resolve(f), out);
                out.closeEntry();
            }
            for (Extra e : extras) {
                out.putNextEntry(new ZipEntry(e.name));
                byte[] block = new byte[1 << 20];
                for (long left = e.zeros; left > 0; left -= block.length) {
                    out.write(block, 0, (int) Math.min(block.length, left));
                }
                out.closeEntry();
            }
        }
        return zip;
    }

    private record Extra(String name, long zeros) {
    }

    /** A bundle whose named weights entry is a bomb: 64 MiB of zeros, about 64 KiB compressed. */
    private Path bombZip() throws IOException {
        Path folder = agnosticFolder();
        // The manifest names the bomb with its true digest, so only the limits can stop it.
        byte[] zeros = new byte[64 << 20];
        String manifest = Files.readString(folder.resolve(ManifestJson.FILE_NAME))
                .replace("resnet_tiny.onnx", "bomb.onnx")
                .replace(BundleFiles.sha256(folder.resolve("resnet_tiny.onnx")), BundleFiles.sha256(zeros));
        Path zip = work.resolve("bomb.zip");
        try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(zip))) {
            out.putNextEntry(new ZipEntry(ManifestJson.FILE_NAME));
            out.write(manifest.getBytes(StandardCharsets.UTF_8));
            out.closeEntry();
            out.putNextEntry(new ZipEntry("bomb.onnx"));
            out.write(zeros);
            out.closeEntry();
        }
        return zip;
    }

    @Test
    void zipBombIsRefusedByTheRatioLimitWithoutWritingAnything() throws IOException {
        Path zip = bombZip();
        assertThat(Files.size(zip)).isLessThan(1 << 20);
        Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
        List<Path> before = bundleTempFolders(tmp);
        assertThatThrownBy(() -> ModelBundle.load(zip)).isInstanceOf(ModelBundleException.class)
                .hasMessageContaining(zip.toString())
                .hasMessageContaining("zip entry 'bomb.onnx'")
                .hasMessageContaining("BundleLimits.maxCompressionRatio");
        assertThat(bundleTempFolders(tmp)).as("nothing is extracted").isSubsetOf(before);
    }

    @Test
    void entryOverTheSizeLimitIsRefusedAndTheLimitIsOverridable() throws IOException {
        Path zip = bombZip();
        BundleLimits small = BundleLimits.defaults().withMaxEntryBytes(16 << 20).withMaxCompressionRatio(1e6);
        assertThatThrownBy(() -> ModelBundle.load(zip, small)).isInstanceOf(ModelBundleException.class)
                .hasMessageContaining("zip entry 'bomb.onnx' declares 67108864 bytes, over the limit of 16777216 bytes")
                .hasMessageContaining("BundleLimits.maxEntryBytes");
        // Raised limits let the same zip through: the bytes are then checked (and here, loaded) as usual.
        BundleLimits generous = BundleLimits.defaults().withMaxCompressionRatio(1e6);
        try (ModelBundle bundle = ModelBundle.load(zip, generous)) {
            assertThat(bundle.readWeights(NetworkRole.AGNOSTIC)).hasSize(64 << 20);
        }
        assertThatThrownBy(() -> ModelBundle.load(zip, generous.withMaxTotalBytes(32 << 20)))
                .isInstanceOf(ModelBundleException.class).hasMessageContaining("BundleLimits.maxTotalBytes");
    }

    @Test
    void entryCountIsLimited() throws IOException {
        Path folder = agnosticFolder();
        Extra[] many = new Extra[20];
        for (int i = 0; i < many.length; i++) {
            many[i] = new Extra("extra/" + i + ".txt", 1);
        }
        Path zip = zipWith(folder, "many.zip", many);
        try (ModelBundle bundle = ModelBundle.load(zip)) {
            assertThat(bundle.roles()).containsExactly(NetworkRole.AGNOSTIC);
        }
        assertThatThrownBy(() -> ModelBundle.load(zip, BundleLimits.defaults().withMaxEntries(10)))
                .isInstanceOf(ModelBundleException.class).hasMessageContaining("more than 10 entries");
    }

    @Test
    void unnamedEntriesAreNeverInflated() throws IOException {
        // A 64 MiB bomb the manifest does not name is never read, so it breaks no limit.
        Path zip = zipWith(agnosticFolder(), "unnamed-bomb.zip", new Extra("junk.bin", 64 << 20));
        try (ModelBundle bundle = ModelBundle.load(zip)) {
            assertThat(bundle.roles()).containsExactly(NetworkRole.AGNOSTIC);
        }
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "../escaped.txt|climbs out of the bundle",
        "a/../../escaped.txt|climbs out of the bundle",
        "/etc/escaped.txt|is an absolute path",
        "C:/escaped.txt|is an absolute path",
        "a\\escaped.txt|holds a backslash"})
    void unsafeEntryNamesAreRefused(String name, String reason) throws IOException {
        Path zip = zipWith(agnosticFolder(), "unsafe.zip", new Extra(name, 1));
        assertThatThrownBy(() -> ModelBundle.load(zip)).isInstanceOf(ModelBundleException.class)
                .hasMessageContaining(zip.toString()).hasMessageContaining("zip entry '" + name + "' " + reason);
    }

    @Test
    void duplicateEntryNamesAreRefused() throws IOException {
        // ZipOutputStream refuses duplicates, so write a same-length name and patch it in the zip's bytes (local
        // header and central directory alike), as a crafted zip would have it.
        Path zip = zipWith(agnosticFolder(), "dup.zip", new Extra("resnet_tiny.onnY", 10));
        byte[] bytes = Files.readAllBytes(zip);
        String latin = new String(bytes, StandardCharsets.ISO_8859_1).replace("resnet_tiny.onnY", "resnet_tiny.onnx");
        Files.write(zip, latin.getBytes(StandardCharsets.ISO_8859_1));
        assertThatThrownBy(() -> ModelBundle.load(zip)).isInstanceOf(ModelBundleException.class)
                .hasMessageContaining("zip entry 'resnet_tiny.onnx' appears twice");
    }

    private static List<Path> bundleTempFolders(Path tmp) throws IOException {
        try (Stream<Path> s = Files.list(tmp)) {
            return s.filter(p -> p.getFileName().toString().startsWith("boneage-bundle-")).toList();
        }
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "\"offset\" : 100.0|\"offset\" : -1000.0|output.offset -1000.0 must be a finite number in [-240.0, 240.0] months",
        "\"scale\" : 24.0|\"scale\" : 1e300|output.scale 1.0E300 must be a finite number",
        "\"scale\" : 24.0|\"scale\" : 0.0|output.scale 0.0 must be a finite number",
        "\"size\" : 32|\"size\" : 100000|preprocessing.size 100000 is over 2048",
        "\"name\" : \"resnet_tiny-onnx\"|\"name\" : \"x\\nestimate: 0 months\"|name holds control characters"})
    void hostileManifestNumbersAreRefusedNamingTheField(String from, String to, String message) throws IOException {
        Path folder = agnosticFolder();
        Path manifest = folder.resolve(ManifestJson.FILE_NAME);
        String json = Files.readString(manifest);
        assertThat(json).contains(from);
        String hostile = json.replace(from, to);
        if (from.startsWith("\"size\"")) {
            // The input tensor's declared size must agree with preprocessing.size, or that check fires first.
            hostile = hostile.replace("\"height\" : 32", "\"height\" : 100000").replace("\"width\" : 32", "\"width\" : 100000");
        }
        Files.writeString(manifest, hostile);
        assertThatThrownBy(() -> ModelBundle.load(folder)).isInstanceOf(ModelBundleException.class)
                .hasMessageContaining(folder.toString()).hasMessageContaining(message);
    }

    @Test
    void ageBinCentresOutsideTheAgeRangeAreRefused() throws IOException {
        Path folder = Fixtures.write(ModelBundleWriter.builder().setName("bins").setArchitecture("twohead_tiny")
                .setFormat(ModelFormat.ONNX).setPreprocessing(Fixtures.spec())
                .addWeights(NetworkRole.AGNOSTIC, Fixtures.file(work.resolve("src"), "twohead_tiny.onnx"))
                .optOutput(OutputSpec.ageBins(new double[] {60, 180}, OutputSpec.Activation.SOFTMAX)), work, "bins");
        Path manifest = folder.resolve(ManifestJson.FILE_NAME);
        Files.writeString(manifest, Files.readString(manifest).replaceFirst("180\\.0", "1.0E9"));
        assertThatThrownBy(() -> ModelBundle.load(folder)).isInstanceOf(ModelBundleException.class)
                .hasMessageContaining("output.binCentresMonths[1] 1.0E9 must be a finite number in [0, 240.0] months");
    }

    private static EstimationRequest grey(String id, int value, Sex sex) {
        byte[] pixels = new byte[Fixtures.SIZE * Fixtures.SIZE];
        Arrays.fill(pixels, (byte) value);
        return EstimationRequest.builder().setImage(new GreyImage8(Fixtures.SIZE, Fixtures.SIZE, pixels)).optSourceId(id)
                .optSex(sex).build();
    }

    @Test
    void everyImplausibleOutputIsThatItemsTypedErrorNeverClamped() {
        // Valid numbers (centres in range) that a network with unbounded outputs still turns into impossible ages:
        // twohead_tiny returns about (-0.98, 0.81), not probabilities, so with activation none the expectation is
        // 240 * -0.98, about -235 months.
        Path folder = Fixtures.write(ModelBundleWriter.builder().setName("negative-bins").setArchitecture("twohead_tiny")
                .setFormat(ModelFormat.ONNX).setPreprocessing(Fixtures.spec())
                .addWeights(NetworkRole.AGNOSTIC, Fixtures.file(work.resolve("src"), "twohead_tiny.onnx"))
                .optOutput(OutputSpec.ageBins(new double[] {240, 0}, OutputSpec.Activation.NONE)), work, "negative");
        try (DjlBoneAgeEstimator estimator = DjlBoneAgeEstimator.builder().setBundle(folder).build()) {
            List<EstimationOutcome> outcomes = estimator.estimateBatch(List.of(grey("a", 0, Sex.MALE), grey("b", 200, Sex.FEMALE)));
            for (EstimationOutcome o : outcomes) {
                assertThat(o.estimate()).isEmpty();
                assertThat(o.error().orElseThrow()).isInstanceOfSatisfying(ImplausibleEstimateException.class, e -> {
                    assertThat(e.months()).isLessThan(0);
                    assertThat(e.model()).contains("negative-bins").contains(folder.toString());
                    assertThat(e.sourceId()).isEqualTo(o.sourceId());
                    assertThat(e.getMessage()).startsWith(o.sourceId() + ": model negative-bins")
                            .contains("outside the plausible range [0, 240] months");
                });
            }
            assertThatThrownBy(() -> estimator.estimate(grey("single", 0, Sex.MALE)))
                    .isInstanceOf(ImplausibleEstimateException.class);
        }
    }

    @Test
    void inABatchOnlyTheImplausibleItemFails() {
        // Per sex: resnet_tiny for boys, alexnet_tiny for girls. First measure both networks' raw outputs on one
        // image (scale 1, offset 100 keeps them plausible), then pick a valid scale and offset that put the boy at
        // 120 months and the girl outside 0-240.
        Path probe = Fixtures.write(perSex(1, 100), work, "probe");
        double[] raw = new double[2];
        int best = -1;
        double bestGap = 0;
        try (DjlBoneAgeEstimator estimator = DjlBoneAgeEstimator.builder().setBundle(probe).build()) {
            for (int v = 0; v <= 255; v += 51) {
                List<EstimationOutcome> out = estimator.estimateBatch(List.of(grey("m", v, Sex.MALE), grey("f", v, Sex.FEMALE)));
                double m = out.get(0).estimate().orElseThrow().months() - 100;
                double f = out.get(1).estimate().orElseThrow().months() - 100;
                double gap = Math.abs(f - m) / Math.max(Math.abs(m), 1e-3);
                if (gap > bestGap) {
                    bestGap = gap;
                    best = v;
                    raw[0] = m;
                    raw[1] = f;
                }
            }
        }
        // months = s * y + o with o = 120 - s * yMale; |o| <= 240 and girl = 120 + s * (yFemale - yMale) beyond 0-240.
        double s = Math.min(ModelManifestLimits.MAX_SCALE, 240 / Math.max(Math.abs(raw[0]), 1e-3));
        double o = 120 - s * raw[0];
        double girl = 120 + s * (raw[1] - raw[0]);
        assertThat(ImplausibleEstimateException.isPlausible(girl)).as("fixture outputs allow the test: raw %s", Arrays.toString(raw))
                .isFalse();
        Path hostile = Fixtures.write(perSex(s, o), work, "hostile");
        try (DjlBoneAgeEstimator estimator = DjlBoneAgeEstimator.builder().setBundle(hostile).build()) {
            List<EstimationOutcome> out = estimator.estimateBatch(List.of(grey("boy", best, Sex.MALE),
                    grey("girl", best, Sex.FEMALE), grey("boy2", best, Sex.MALE)));
            assertThat(out.get(0).estimate().orElseThrow().months()).isCloseTo(120, org.assertj.core.api.Assertions.within(1e-3));
            assertThat(out.get(2).estimate()).isPresent();
            assertThat(out.get(1).error().orElseThrow()).isInstanceOfSatisfying(ImplausibleEstimateException.class,
                    e -> assertThat(e.months()).isCloseTo(girl, org.assertj.core.api.Assertions.within(1e-2))
                            .satisfies(m -> assertThat(e.model()).contains("female network")));
        }
    }

    private ModelBundleWriter.Builder perSex(double scale, double offset) {
        Path src = work.resolve("src");
        return ModelBundleWriter.builder().setName("per-sex").setArchitecture("mixed-tiny").setFormat(ModelFormat.ONNX)
                .setPreprocessing(Fixtures.spec())
                .addWeights(NetworkRole.MALE, Fixtures.file(src, "resnet_tiny.onnx"))
                .addWeights(NetworkRole.FEMALE, Fixtures.file(src, "alexnet_tiny.onnx"))
                .optSexHandling(SexHandling.perSex()).optOutput(OutputSpec.regression(scale, offset));
    }

    /** The manifest's scale limit, named here so the test reads as the arithmetic it does. */
    private static final class ModelManifestLimits {
        static final double MAX_SCALE = io.github.boneage.djl.manifest.ModelManifest.MAX_ABS_SCALE;
    }

    @ParameterizedTest
    @ValueSource(ints = {0, -1})
    void limitsMustBePositive(int bad) {
        assertThatThrownBy(() -> BundleLimits.defaults().withMaxEntries(bad)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("maxEntries");
    }

    @Test
    void openAndCloseOfAZipLeavesNoFolderBehind() throws IOException {
        Path zip = zipWith(agnosticFolder(), "plain.zip");
        Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
        List<Path> before = new ArrayList<>(bundleTempFolders(tmp));
        try (DjlBoneAgeEstimator estimator = DjlBoneAgeEstimator.builder().setBundle(zip).build()) {
            assertThat(estimator.bundle().folder()).isEmpty();
            assertThat(estimator.network(NetworkRole.AGNOSTIC).model().getModelPath()).doesNotExist();
        }
        assertThat(bundleTempFolders(tmp)).isSubsetOf(before);
    }
}

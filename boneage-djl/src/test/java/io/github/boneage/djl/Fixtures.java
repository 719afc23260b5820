package io.github.boneage.djl;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.boneage.core.RoiScheme;
import io.github.boneage.djl.manifest.ModelFormat;
import io.github.boneage.djl.manifest.NetworkRole;
import io.github.boneage.djl.manifest.OutputSpec;
import io.github.boneage.djl.manifest.SexHandling;
import io.github.boneage.preprocess.EqualizerSpec;
import io.github.boneage.preprocess.PreprocessSpec;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The tiny regressors of {@code src/test/resources/fixtures} (made by {@code tools/make_fixtures.py}) and helpers that
 * package them as bundles.
 */
final class Fixtures {

    /** Every fixture network takes float [N, 3, 32, 32]. */
    static final int SIZE = 32;
    static final int CHANNELS = 3;
    static final int VALUES_PER_IMAGE = CHANNELS * SIZE * SIZE;
    /** Regression head used by the fixture bundles: months = SCALE * y + OFFSET. */
    static final double SCALE = 24;
    static final double OFFSET = 100;
    static final String[] ARCHITECTURES = {"googlenet_tiny", "resnet_tiny", "alexnet_tiny"};

    private static JsonNode expected;

    private Fixtures() {
    }

    /** Whole image, no equalization, 32 px, 3 channels, identity normalization: the tensor is the grey value / max. */
    static PreprocessSpec spec() {
        return new PreprocessSpec(RoiScheme.WHOLE, EqualizerSpec.none(), SIZE, CHANNELS, new double[] {0, 0, 0},
                new double[] {1, 1, 1});
    }

    /** @return the fixture file, copied out of the class path into {@code dir} */
    static Path file(Path dir, String name) {
        Path target = dir.resolve(name);
        if (Files.exists(target)) {
            return target;
        }
        try (InputStream in = Fixtures.class.getResourceAsStream("/fixtures/" + name)) {
            if (in == null) {
                throw new IllegalStateException("fixture " + name + " missing; run tools/make_fixtures.py");
            }
            Files.createDirectories(dir);
            Files.copy(in, target);
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static ModelFormat format(String extension) {
        return extension.equals("onnx") ? ModelFormat.ONNX : ModelFormat.TORCHSCRIPT;
    }

    /** A writer for a one-network agnostic regression bundle of the named fixture. */
    static ModelBundleWriter.Builder agnostic(Path work, String architecture, String extension) {
        return ModelBundleWriter.builder()
                .setName(architecture + "-" + extension)
                .setArchitecture(architecture)
                .setFormat(format(extension))
                .setPreprocessing(spec())
                .addWeights(NetworkRole.AGNOSTIC, file(work.resolve("src"), architecture + "." + extension))
                .optOutput(OutputSpec.regression(SCALE, OFFSET));
    }

    /** Writes the bundle into a fresh folder under {@code work} and returns it. */
    static Path write(ModelBundleWriter.Builder builder, Path work, String folder) {
        return builder.build().writeFolder(work.resolve(folder));
    }

    /** A per-sex bundle: resnet for boys, alexnet for girls, googlenet (optional) for unknown sex. */
    static ModelBundleWriter.Builder perSex(Path work, String extension, boolean withAgnostic) {
        Path src = work.resolve("src");
        ModelBundleWriter.Builder b = ModelBundleWriter.builder()
                .setName("per-sex-" + extension)
                .setArchitecture("mixed-tiny")
                .setFormat(format(extension))
                .setPreprocessing(spec())
                .addWeights(NetworkRole.MALE, file(src, "resnet_tiny." + extension))
                .addWeights(NetworkRole.FEMALE, file(src, "alexnet_tiny." + extension))
                .optSexHandling(SexHandling.perSex())
                .optOutput(OutputSpec.regression(SCALE, OFFSET));
        if (withAgnostic) {
            b.addWeights(NetworkRole.AGNOSTIC, file(src, "googlenet_tiny." + extension));
        }
        return b;
    }

    /** A sex-input bundle of sexinput_tiny with the standard encoding. */
    static ModelBundleWriter.Builder sexInput(Path work, String extension) {
        return ModelBundleWriter.builder()
                .setName("sex-input-" + extension)
                .setArchitecture("sexinput_tiny")
                .setFormat(format(extension))
                .setPreprocessing(spec())
                .addWeights(NetworkRole.AGNOSTIC, file(work.resolve("src"), "sexinput_tiny." + extension))
                .optSexHandling(SexHandling.sexInput(SexHandling.SexInput.standard()))
                .optOutput(OutputSpec.regression(SCALE, OFFSET));
    }

    /**
     * A regression head that keeps sexinput_tiny's estimates on synthetic radiographs plausible: that network's output
     * is unbounded (about -4.5 on {@code SyntheticRadiographs.request(2, ...)}), which the fixture head
     * {@code 24 y + 100} turns into about -9 months, an {@code ImplausibleEstimateException}. With {@code 4 y + 120}
     * outputs within +-30 stay in 0-240 months.
     */
    static OutputSpec plausibleSexInputHead() {
        return OutputSpec.regression(4, 120);
    }

    /** The reference batch of make_fixtures.py: value(i) = ((i * 7919) % 2001 - 1000) / 1000. */
    static float[] referenceBatch() {
        int n = expectedJson().get("input").get("shape").get(0).asInt() * VALUES_PER_IMAGE;
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) ((((long) i * 7919) % 2001 - 1000) / 1000.0);
        }
        return x;
    }

    /** @return the number of images in the reference batch */
    static int referenceCount() {
        return expectedJson().get("input").get("shape").get(0).asInt();
    }

    /** @return PyTorch's outputs for the reference batch, one row per image */
    static float[][] expectedOutputs(String architecture) {
        JsonNode rows = expectedJson().get("outputs").get(architecture);
        float[][] out = new float[rows.size()][];
        for (int i = 0; i < rows.size(); i++) {
            out[i] = new float[rows.get(i).size()];
            for (int j = 0; j < out[i].length; j++) {
                out[i][j] = (float) rows.get(i).get(j).asDouble();
            }
        }
        return out;
    }

    private static synchronized JsonNode expectedJson() {
        if (expected == null) {
            try (InputStream in = Fixtures.class.getResourceAsStream("/fixtures/expected.json")) {
                expected = new ObjectMapper().readTree(in);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return expected;
    }

    /** @return image {@code index} of a stacked batch */
    static float[] image(float[] batch, int index) {
        float[] one = new float[VALUES_PER_IMAGE];
        System.arraycopy(batch, index * VALUES_PER_IMAGE, one, 0, VALUES_PER_IMAGE);
        return one;
    }
}

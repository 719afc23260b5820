package io.github.boneage.djl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.boneage.core.BoneAgeEstimator;
import io.github.boneage.core.EnsembleEstimator;
import io.github.boneage.core.RoiScheme;
import io.github.boneage.djl.landmarks.LandmarkBundle;
import io.github.boneage.preprocess.PreprocessSpec;
import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Model bundles packaged as jars, as boneage-model-default packages the default model: found, copied, deleted. */
class ClasspathModelsTest {

    @TempDir
    Path work;

    /** A real bundle folder (ONNX, per-sex) written by ModelBundleWriter. */
    private Path bundle() {
        return Fixtures.write(Fixtures.perSex(work, "onnx", true), work, "bundle");
    }

    private static List<String> names(Path folder) throws IOException {
        try (Stream<Path> s = Files.list(folder)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    /** Packages a folder as a model jar: the descriptor with {@code files} as given, the files under a versioned root. */
    private Path modelJar(String jarName, String name, Path folder, String files) throws IOException {
        Path jar = work.resolve(jarName);
        String root = "io/github/boneage/models/" + name + "/1.2.3";
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
            out.putNextEntry(new JarEntry(ClasspathModels.descriptorPath(name)));
            out.write(("# test\nname=" + name + "\nversion=1.2.3\nroot=" + root + "\nfiles=" + files + "\n")
                    .getBytes(StandardCharsets.UTF_8));
            out.closeEntry();
            for (String f : relativeFiles(folder)) {
                out.putNextEntry(new JarEntry(root + "/" + f));
                Files.copy(folder.resolve(f), out);
                out.closeEntry();
            }
        }
        return jar;
    }

    /** Every file under a folder, as '/'-separated paths relative to it, sorted. */
    private static List<String> relativeFiles(Path folder) throws IOException {
        try (Stream<Path> s = Files.walk(folder)) {
            return s.filter(Files::isRegularFile).map(p -> folder.relativize(p).toString().replace('\\', '/'))
                    .sorted().toList();
        }
    }

    private static URLClassLoader loader(Path... jars) throws IOException {
        URL[] urls = new URL[jars.length];
        for (int i = 0; i < jars.length; i++) {
            urls[i] = jars[i].toUri().toURL();
        }
        // No parent: the test's own classpath must not leak a model in.
        return new URLClassLoader(urls, null);
    }

    @Test
    void copiesTheBundleOutOfAJarAndDeletesItOnClose() throws IOException {
        Path folder = bundle();
        List<String> files = names(folder);
        Path jar = modelJar("tiny.jar", "tiny", folder, String.join(",", files));
        Path copy;
        try (URLClassLoader loader = loader(jar); ClasspathModel model = ClasspathModels.open("tiny", loader)) {
            copy = model.path();
            assertThat(model.name()).isEqualTo("tiny");
            assertThat(model.version()).isEqualTo("1.2.3");
            assertThat(model.origin().toString()).startsWith("jar:").endsWith("META-INF/boneage/models/tiny.properties");
            assertThat(names(copy)).isEqualTo(files);
            for (String f : files) {
                assertThat(Files.mismatch(folder.resolve(f), copy.resolve(f))).as(f).isEqualTo(-1L);
            }
            // The copy is an ordinary bundle: the manifest parses and every weight file's SHA-256 matches.
            try (ModelBundle loaded = ModelBundle.load(copy)) {
                assertThat(loaded.roles()).isNotEmpty();
            }
        }
        assertThat(copy).doesNotExist();
    }

    @Test
    void pathAfterCloseIsAnError() throws IOException {
        Path folder = bundle();
        Path jar = modelJar("tiny.jar", "tiny", folder, String.join(",", names(folder)));
        try (URLClassLoader loader = loader(jar)) {
            ClasspathModel model = ClasspathModels.open("tiny", loader);
            model.close();
            model.close();
            assertThatThrownBy(model::path).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
        }
    }

    @Test
    void aMissingDefaultModelNamesTheDependencyToAdd() throws IOException {
        try (URLClassLoader loader = loader()) {
            assertThatThrownBy(() -> ClasspathModels.open(ClasspathModels.DEFAULT, loader))
                    .isInstanceOf(ModelBundleException.class)
                    .hasMessageContaining("not on the classpath")
                    .hasMessageContaining("io.github.boneage:boneage-model-v2");
            assertThatThrownBy(() -> ClasspathModels.open(ClasspathModels.V1, loader))
                    .hasMessageContaining("io.github.boneage:boneage-model-default");
            assertThatThrownBy(() -> ClasspathModels.open("other", loader))
                    .isInstanceOf(ModelBundleException.class)
                    .hasMessageContaining("META-INF/boneage/models/other.properties");
        }
    }

    @Test
    void twoCopiesOnTheClasspathAreRefused() throws IOException {
        Path folder = bundle();
        String files = String.join(",", names(folder));
        Path a = modelJar("a.jar", "tiny", folder, files);
        Path b = modelJar("b.jar", "tiny", folder, files);
        try (URLClassLoader loader = loader(a, b)) {
            assertThatThrownBy(() -> ClasspathModels.open("tiny", loader))
                    .isInstanceOf(ModelBundleException.class)
                    .hasMessageContaining("found 2 times")
                    .hasMessageContaining("a.jar")
                    .hasMessageContaining("b.jar");
        }
    }

    @Test
    void aDescriptorCannotWriteOutsideTheCopy() throws IOException {
        Path folder = bundle();
        int n = 0;
        for (String bad : List.of("../escape.txt", "member/../../escape.txt", "/etc/escape.txt", "a//b", "./x")) {
            // A new jar each time: the JDK caches an opened jar file by its path.
            Path jar = modelJar("evil" + n++ + ".jar", "evil", folder, "boneage-model.json," + bad);
            try (URLClassLoader loader = loader(jar)) {
                assertThatThrownBy(() -> ClasspathModels.open("evil", loader)).as(bad)
                        .isInstanceOf(ModelBundleException.class)
                        .hasMessageContaining("\"" + bad + "\"")
                        .hasMessageContaining("sub-folder/name paths");
            }
        }
    }

    @Test
    void anEnsembleKeepsItsMembersSubFoldersAndOpensAsAnEnsemble() throws Exception {
        Path folder = EnsembleEstimatorTest.writeEnsemble(work, work.resolve("ensemble"),
                PreprocessSpec.paper(RoiScheme.WHOLE, Fixtures.SIZE), PreprocessSpec.paper(RoiScheme.ROI1, Fixtures.SIZE));
        List<String> files = relativeFiles(folder);
        assertThat(files).contains(EnsembleBundle.FILE_NAME).anyMatch(f -> f.startsWith("first/"));
        Path jar = modelJar("ensemble.jar", "pair", folder, String.join(",", files));
        try (URLClassLoader loader = loader(jar); ClasspathModel model = ClasspathModels.open("pair", loader)) {
            assertThat(relativeFiles(model.path())).isEqualTo(files);
            for (String f : files) {
                assertThat(Files.mismatch(folder.resolve(f), model.path().resolve(f))).as(f).isEqualTo(-1L);
            }
            try (BoneAgeEstimator e = BoneAgeEstimators.open(model.path())) {
                assertThat(e).isInstanceOf(EnsembleEstimator.class);
            }
        }
    }

    @Test
    void aLandmarkBundleIsAccepted() throws IOException {
        Path folder = Files.createDirectories(work.resolve("landmarks"));
        Files.writeString(folder.resolve(LandmarkBundle.MANIFEST), "{}");
        Path jar = modelJar("landmarks.jar", "landmarks", folder, LandmarkBundle.MANIFEST);
        try (URLClassLoader loader = loader(jar); ClasspathModel model = ClasspathModels.open("landmarks", loader)) {
            assertThat(model.path().resolve(LandmarkBundle.MANIFEST)).hasContent("{}");
        }
    }

    @Test
    void aFolderWithoutAManifestIsRefused() throws IOException {
        Path jar = modelJar("bare.jar", "bare", bundle(), "weights.onnx");
        try (URLClassLoader loader = loader(jar)) {
            assertThatThrownBy(() -> ClasspathModels.open("bare", loader))
                    .isInstanceOf(ModelBundleException.class)
                    .hasMessageContaining("lists none of")
                    .hasMessageContaining(EnsembleBundle.FILE_NAME);
        }
    }

    @Test
    void aListedFileMissingFromTheJarIsNamed() throws IOException {
        Path jar = modelJar("damaged.jar", "damaged", bundle(), "boneage-model.json,weights-gone.onnx");
        try (URLClassLoader loader = loader(jar)) {
            assertThatThrownBy(() -> ClasspathModels.open("damaged", loader))
                    .isInstanceOf(ModelBundleException.class)
                    .hasMessageContaining("weights-gone.onnx")
                    .hasMessageContaining("is not on the classpath");
        }
        // The partial copy is removed with the failure.
        try (Stream<Path> s = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            assertThat(s.filter(p -> p.getFileName().toString().startsWith("boneage-model-damaged-"))).isEmpty();
        }
    }

    @Test
    void namesAreChecked() {
        assertThatThrownBy(() -> ClasspathModels.open("../x")).isInstanceOf(IllegalArgumentException.class);
        assertThat(ClasspathModels.isAvailable("surely-not-packaged")).isFalse();
    }
}

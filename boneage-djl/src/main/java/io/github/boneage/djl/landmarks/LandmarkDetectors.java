package io.github.boneage.djl.landmarks;

import io.github.boneage.core.image.GreyImage;
import io.github.boneage.core.landmarks.LandmarkDetection;
import io.github.boneage.core.landmarks.LandmarkDetector;
import io.github.boneage.djl.ClasspathModel;
import io.github.boneage.djl.ClasspathModels;
import io.github.boneage.djl.ModelBundleException;
import io.github.boneage.preprocess.landmarks.ClassicalLandmarkDetector;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place that decides which landmark detector the tools use by default, so that the CLI's commands and the
 * pipeline agree.
 *
 * <p>The default is the learned detector ({@link LearnedLandmarkDetector}) on the shipped bundle, one instance per JVM
 * shared by every caller (it is thread-safe and holds a pool of predictors; loading it once keeps a batch fast). Where
 * no bundle is found or its engine (ONNX Runtime for the shipped bundle) is missing, the default is the classical detector, and a warning says why
 * once. The measured comparison is in docs/landmarks.md, "Learned detector".
 */
public final class LandmarkDetectors {

    /** System property or environment variable naming the learned landmark bundle folder. */
    public static final String BUNDLE_VARIABLE = "BONEAGE_LANDMARK_MODEL";

    private LandmarkDetectors() {
    }

    /** The name the learned bundle has as a classpath model (packaged by {@code boneage-model-default}). */
    public static final String CLASSPATH_NAME = ClasspathModels.LANDMARKS;

    private static final Logger LOG = LoggerFactory.getLogger(LandmarkDetectors.class);
    private static final Object LOCK = new Object();
    private static LearnedLandmarkDetector shared;
    private static boolean sharedTried;

    /**
     * @return the default detector for {@code --landmarks auto} and the quality gate: the JVM's shared learned detector
     *         (not to be closed: it lives as long as the JVM), or the classical detector where the learned one cannot
     *         be loaded
     */
    public static LandmarkDetector defaultDetector() {
        LearnedLandmarkDetector learned = sharedLearned();
        return learned == null ? ClassicalLandmarkDetector.builder().build() : new Shared(learned);
    }

    /**
     * @param detector a landmark detector
     * @return what to call it in reports: the shared learned detector with its weights' digest, else the class name
     */
    public static String describe(LandmarkDetector detector) {
        return detector instanceof Shared s ? s.toString() + " (" + LearnedLandmarkDetector.class.getName() + ")"
                : detector.getClass().getName();
    }

    /** @return whether {@link #defaultDetector()} is the learned detector in this JVM */
    public static boolean defaultIsLearned() {
        return sharedLearned() != null;
    }

    private static LearnedLandmarkDetector sharedLearned() {
        synchronized (LOCK) {
            if (!sharedTried) {
                sharedTried = true;
                try {
                    shared = openShipped(LearnedLandmarkDetector.builder()).orElse(null);
                    if (shared == null) {
                        LOG.warn("no learned landmark bundle found (set {} to its folder, or add {}); using the classical "
                                + "landmark detector", BUNDLE_VARIABLE, "io.github.boneage:boneage-model-default");
                    }
                } catch (RuntimeException | LinkageError e) {
                    LOG.warn("the learned landmark detector cannot be loaded from {} ({}); using the classical "
                            + "landmark detector", shippedBundle().map(Path::toString).orElse("classpath model "
                            + CLASSPATH_NAME), e.getMessage());
                }
            }
            return shared;
        }
    }

    /** The shared learned detector behind a view that cannot close it. */
    private record Shared(LearnedLandmarkDetector learned) implements LandmarkDetector {
        @Override
        public LandmarkDetection detect(GreyImage image, String sourceId) {
            return learned.detect(image, sourceId);
        }

        @Override
        public boolean readsAnyOrientation() {
            return learned.readsAnyOrientation();
        }

        @Override
        public String toString() {
            return "learned landmark detector " + learned.bundle().sha256().substring(0, 12);
        }
    }

    /**
     * @param classicalFallback whether images the learned detector does not pass go to the classical detector
     * @return the learned detector on the shipped bundle; close it when done
     * @throws ModelBundleException when no bundle is found or it does not load
     */
    public static LearnedLandmarkDetector learned(boolean classicalFallback) {
        return learned(classicalFallback ? ClassicalLandmarkDetector.builder().build() : null);
    }

    /**
     * The learned detector on the shipped bundle: {@link #shippedBundle()}, else the copy packaged by
     * {@code boneage-model-default} on the classpath (as {@link #defaultDetector()} finds it).
     *
     * @param fallback where images the learned detector does not pass go, or {@code null} for none
     * @return the detector; close it when done
     * @throws ModelBundleException when no bundle is found or it does not load
     */
    public static LearnedLandmarkDetector learned(LandmarkDetector fallback) {
        LearnedLandmarkDetector.Builder b = LearnedLandmarkDetector.builder();
        if (fallback != null) {
            b.optClassicalFallback(fallback);
        }
        return openShipped(b).orElseThrow(() -> new ModelBundleException("models/landmarks", "no learned landmark bundle "
                + "found: set " + BUNDLE_VARIABLE + " to its folder, or add io.github.boneage:boneage-model-default"));
    }

    /**
     * @param builder a detector builder with everything but the bundle set
     * @return the detector built on {@link #shippedBundle()}, else on the classpath copy of {@value #CLASSPATH_NAME};
     *         empty when there is neither
     */
    private static Optional<LearnedLandmarkDetector> openShipped(LearnedLandmarkDetector.Builder builder) {
        Optional<Path> bundle = shippedBundle();
        if (bundle.isPresent()) {
            return Optional.of(builder.setBundle(bundle.get()).build());
        }
        if (!ClasspathModels.isAvailable(CLASSPATH_NAME)) {
            return Optional.empty();
        }
        // The weights are read into memory at load, so the temporary copy can go at once.
        try (ClasspathModel copy = ClasspathModels.open(CLASSPATH_NAME)) {
            return Optional.of(builder.setBundle(copy.path()).build());
        }
    }

    /**
     * @return the learned landmark bundle: {@value #BUNDLE_VARIABLE} (system property, then environment) if set, else
     *         {@code models/landmarks} in the folder holding this library's jar or one of its parents (the
     *         repository layout), else empty
     */
    public static Optional<Path> shippedBundle() {
        String configured = System.getProperty(BUNDLE_VARIABLE, System.getenv(BUNDLE_VARIABLE));
        if (configured != null) {
            return Optional.of(Paths.get(configured));
        }
        try {
            Path jar = Paths.get(LandmarkDetectors.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            for (Path dir = jar.getParent(); dir != null; dir = dir.getParent()) {
                Path candidate = dir.resolve("models").resolve("landmarks");
                if (Files.isRegularFile(candidate.resolve(LandmarkBundle.MANIFEST))) {
                    return Optional.of(candidate);
                }
            }
        } catch (URISyntaxException | SecurityException | NullPointerException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }
}

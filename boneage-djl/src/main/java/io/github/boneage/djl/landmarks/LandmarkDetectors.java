package io.github.boneage.djl.landmarks;

import io.github.boneage.core.landmarks.LandmarkDetector;
import io.github.boneage.djl.ModelBundleException;
import io.github.boneage.preprocess.landmarks.ClassicalLandmarkDetector;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Optional;

/**
 * The one place that decides which landmark detector the tools use by default, so that the CLI's commands and the
 * pipeline agree.
 *
 * <p>Today the default is the classical detector: on the 64 held-out annotated radiographs the learned detector does
 * not beat it yet (docs/landmarks.md, "Learned detector"). The learned one is available on request
 * ({@link #learned(boolean)}).
 */
public final class LandmarkDetectors {

    /** System property or environment variable naming the learned landmark bundle folder. */
    public static final String BUNDLE_VARIABLE = "BONEAGE_LANDMARK_MODEL";

    private LandmarkDetectors() {
    }

    /** @return the default detector for {@code --landmarks auto} and the quality gate (currently the classical one) */
    public static LandmarkDetector defaultDetector() {
        return ClassicalLandmarkDetector.builder().build();
    }

    /**
     * @param classicalFallback whether images the learned detector does not pass go to the classical detector
     * @return the learned detector on the shipped bundle; close it when done
     * @throws ModelBundleException when no bundle is found or it does not load
     */
    public static LearnedLandmarkDetector learned(boolean classicalFallback) {
        LearnedLandmarkDetector.Builder b = LearnedLandmarkDetector.builder().setBundle(requireBundle());
        if (classicalFallback) {
            b.optClassicalFallback(ClassicalLandmarkDetector.builder().build());
        }
        return b.build();
    }

    /**
     * @return {@link #shippedBundle()}'s folder
     * @throws ModelBundleException when there is none
     */
    public static Path requireBundle() {
        return shippedBundle().orElseThrow(() -> new ModelBundleException("models/landmarks",
                "no learned landmark bundle found: set " + BUNDLE_VARIABLE + " to its folder"));
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

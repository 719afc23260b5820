package io.github.boneage.cli;

import io.github.boneage.core.BoneAgeException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/** Finds the model bundle to use: the one given, else the default model shipped with the project. */
final class ModelLocator {

    /** Environment variable or system property that overrides the default model's location. */
    static final String DEFAULT_MODEL_VARIABLE = "BONEAGE_DEFAULT_MODEL";

    private ModelLocator() {
    }

    static Path resolve(Path given) {
        if (given != null) {
            return given;
        }
        String configured = System.getProperty(DEFAULT_MODEL_VARIABLE, System.getenv(DEFAULT_MODEL_VARIABLE));
        if (configured != null) {
            return Paths.get(configured);
        }
        Path shipped = shippedDefault();
        if (shipped == null) {
            throw new BoneAgeException("no default model is shipped with this build: pass --model BUNDLE");
        }
        return shipped;
    }

    /** The default bundle in the repository's models/ folder, found relative to the CLI jar. */
    private static Path shippedDefault() {
        try {
            Path jar = Paths.get(ModelLocator.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            for (Path dir = jar.getParent(); dir != null; dir = dir.getParent()) {
                Path candidate = dir.resolve("models").resolve("default");
                if (Files.isRegularFile(candidate.resolve("boneage-model.json"))) {
                    return candidate;
                }
            }
        } catch (java.net.URISyntaxException | SecurityException e) {
            return null;
        }
        return null;
    }
}

package io.github.boneage.cli;

import io.github.boneage.core.BoneAgeException;
import io.github.boneage.djl.ClasspathModel;
import io.github.boneage.djl.ClasspathModels;
import io.github.boneage.djl.EnsembleBundle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * Finds the model to use: the one given; else the one named by {@value #DEFAULT_MODEL_VARIABLE}; else the
 * repository's {@code models/v2} when the CLI runs from a checkout (so a retrained model is used at once); else model
 * v2 packaged in {@code boneage-model-v2} on the classpath, which a copied CLI carries in its {@code lib/} folder.
 *
 * <p>The default is model v2, the ensemble of a whole-image, an ROI1 and an ROI2 network, more accurate than model v1
 * ({@code models/default}, the single whole-image network its members were fine-tuned from; docs/default-model.md gives
 * both models' held-out figures): where the landmark detector finds no reliable points it estimates with its
 * whole-image network alone and its result says so.
 */
final class ModelLocator {

    /** Environment variable or system property that overrides the default model's location. */
    static final String DEFAULT_MODEL_VARIABLE = "BONEAGE_DEFAULT_MODEL";

    /** The default model's folder under models/ (ONNX Runtime). */
    static final String DEFAULT_FOLDER = "v2";
    /** The training weights of model v1, the network the default's members were fine-tuned from (DJL parameters, PyTorch). */
    static final String TRAINABLE_FOLDER = "default-pytorch";

    /** The classpath copy, made once per process and deleted when the JVM exits. */
    private static ClasspathModel classpathCopy;

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
        Path shipped = inCheckout(DEFAULT_FOLDER);
        if (shipped != null) {
            return shipped;
        }
        if (!ClasspathModels.isAvailable(ClasspathModels.DEFAULT)) {
            throw new BoneAgeException("no default model: pass --model BUNDLE, set " + DEFAULT_MODEL_VARIABLE
                    + ", or put io.github.boneage:boneage-model-v2 on the classpath");
        }
        return classpathDefault();
    }

    /**
     * The default model from the classpath, copied into a temporary folder that a shutdown hook deletes (the CLI's
     * commands take a bundle path and run to the end of the process).
     */
    static synchronized Path classpathDefault() {
        if (classpathCopy == null) {
            ClasspathModel model = ClasspathModels.open(ClasspathModels.DEFAULT);
            Runtime.getRuntime().addShutdownHook(new Thread(model::close, "boneage-model-cleanup"));
            classpathCopy = model;
        }
        return classpathCopy.path();
    }

    /**
     * The training weights {@code train} fine-tunes when no {@code --from} is given: model v1's network, from which each
     * of the default ensemble's members was fine-tuned. The shipped models run on ONNX Runtime, whose export cannot be
     * trained, so its DJL parameters (PyTorch engine) are kept in the repository's {@code models/default-pytorch}.
     *
     * @return that folder
     * @throws BoneAgeException when the CLI does not run from a checkout that has it
     */
    static Path trainableDefault() {
        Path folder = inCheckout(TRAINABLE_FOLDER);
        if (folder == null) {
            throw new BoneAgeException("no trainable default model: the shipped default runs on ONNX Runtime and cannot be"
                    + " fine-tuned; pass --from BUNDLE (a bundle written by train, e.g. the source tree's models/"
                    + TRAINABLE_FOLDER + ") or --backbone");
        }
        return folder;
    }

    /**
     * A model bundle or ensemble folder in the repository's models/ folder, found relative to the CLI jar; null when
     * there is none.
     */
    private static Path inCheckout(String name) {
        try {
            Path jar = Paths.get(ModelLocator.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            for (Path dir = jar.getParent(); dir != null; dir = dir.getParent()) {
                Path candidate = dir.resolve("models").resolve(name);
                if (Files.isRegularFile(candidate.resolve("boneage-model.json")) || EnsembleBundle.isEnsemble(candidate)) {
                    return candidate;
                }
            }
        } catch (java.net.URISyntaxException | SecurityException e) {
            return null;
        }
        return null;
    }
}

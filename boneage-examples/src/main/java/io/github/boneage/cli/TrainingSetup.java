package io.github.boneage.cli;

import io.github.boneage.core.RoiScheme;
import io.github.boneage.core.dataset.DatasetSplit;
import io.github.boneage.core.dataset.FractionSplit;
import io.github.boneage.core.dataset.Sample;
import io.github.boneage.djl.train.TrainingSettings;
import io.github.boneage.djl.train.net.BackboneSpec;
import io.github.boneage.preprocess.EqualizerSpec;
import io.github.boneage.preprocess.PreprocessSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;

/** What {@code train} and {@code experiment} share: the held-out split with an image limit, preprocessing, solver. */
final class TrainingSetup {

    /** The optimizers {@code --solver} offers. */
    enum Solver {
        /** The 2018 paper's Caffe SGD solver ({@link TrainingSettings#seedPaper()}). */
        seed,
        /** AdamW with a cosine schedule and augmentation (the trainer's defaults). */
        adamw
    }

    private TrainingSetup() {
    }

    /**
     * Holds out {@code validationFraction} of all samples with a seeded {@link FractionSplit} (not stratified, as for the
     * shipped default model), then keeps at most {@code limit} images: the first {@code round(limit * f)} held-out and
     * {@code limit} minus those training images by id. The split is made before the limit so that an image held out
     * from the full set is never trained on at any limit.
     *
     * @param samples            the dataset's samples
     * @param validationFraction share held out, in [0, 1); 0 trains on everything without validation
     * @param seed               the split's seed
     * @param limit              the most images to use, or {@code null} for all
     * @return the split
     */
    static DatasetSplit split(List<Sample> samples, double validationFraction, long seed, Integer limit) {
        return split(samples, validationFraction, seed, limit, s -> true);
    }

    /**
     * As {@link #split(List, double, long, Integer)}, keeping only the samples {@code keep} accepts after splitting all
     * of them (so the held-out part stays a subset of the full set's held-out part) and before the limit.
     */
    static DatasetSplit split(List<Sample> samples, double validationFraction, long seed, Integer limit, Predicate<Sample> keep) {
        DatasetSplit full = validationFraction > 0
                ? FractionSplit.builder().setValidationFraction(validationFraction).setSeed(seed).build().split(samples)
                : new DatasetSplit(samples, List.of(), "no validation (all " + samples.size() + " images trained on)", Map.of());
        List<Sample> train = full.train().stream().filter(keep).toList();
        List<Sample> validation = full.validation().stream().filter(keep).toList();
        boolean filtered = train.size() + validation.size() < samples.size();
        if (limit == null || limit >= train.size() + validation.size()) {
            return filtered ? new DatasetSplit(train, validation, full.description() + String.format(Locale.ROOT,
                    "; %d training and %d held-out images selected", train.size(), validation.size()), full.manifestFields()) : full;
        }
        int validationCount = (int) Math.min(validation.size(), Math.round(limit * validationFraction));
        int trainCount = Math.min(train.size(), limit - validationCount);
        Map<String, String> fields = new LinkedHashMap<>(full.manifestFields());
        fields.put("split.limit", Integer.toString(limit));
        return new DatasetSplit(train.subList(0, trainCount), validation.subList(0, validationCount),
                full.description() + String.format(Locale.ROOT, "; first %d training and %d held-out images%s used", trainCount,
                        validationCount, filtered ? " of those selected" : ""), fields);
    }

    /** @return grey replicated to 3 channels with ImageNet normalization, as the papers fed their networks */
    static PreprocessSpec preprocess(RoiScheme roi, EqualizerSpec equalizer, int size) {
        return new PreprocessSpec(roi, equalizer, size, 3, PreprocessSpec.IMAGENET_MEAN, PreprocessSpec.IMAGENET_STD);
    }

    /**
     * @param solver the optimizer
     * @param epochs passes over the training images, or {@code null} for the solver's own length (10 epochs for AdamW,
     *               the paper's 3000 iterations for {@code seed})
     * @param batch  images per iteration, or {@code null} for 32
     * @param seed   the seed for data order, augmentation and initialization
     * @return the settings
     */
    static TrainingSettings settings(Solver solver, Integer epochs, Integer batch, long seed) {
        TrainingSettings.Builder b = solver == Solver.seed ? TrainingSettings.seedPaper() : TrainingSettings.builder();
        if (epochs != null) {
            b.optEpochs(epochs);
        }
        if (batch != null) {
            b.optBatchSize(batch);
        }
        return b.optSeed(seed).build();
    }

    /**
     * @param text a path to a TorchScript {@code .pt} backbone
     * @return the backbone, named after the file
     * @throws IllegalArgumentException for a URL (nothing is downloaded at run time) or a missing file
     */
    static BackboneSpec pretrained(String text) {
        return pretrained(text, null);
    }

    /**
     * @param text a path to a TorchScript {@code .pt} backbone
     * @param name the name recorded in the manifest, or {@code null} for the file's name without {@code .pt}
     * @return the backbone
     * @throws IllegalArgumentException for a URL (nothing is downloaded at run time) or a missing file
     */
    static BackboneSpec pretrained(String text, String name) {
        if (text.contains("://")) {
            throw new IllegalArgumentException("--pretrained takes a local TorchScript file, not a URL: boneage never downloads at"
                    + " run time; download " + text + " first and pass the file");
        }
        Path file = Path.of(text);
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("--pretrained: TorchScript backbone file not found: " + file);
        }
        return BackboneSpec.torchScript(file, name != null ? name : file.getFileName().toString().replaceFirst("\\.pt$", ""));
    }
}

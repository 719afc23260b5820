package io.github.boneage.core.dataset;

import io.github.boneage.core.BoneAgeException;
import io.github.boneage.core.InputFormatException;
import io.github.boneage.core.Sex;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Training and validation samples that share no image, with a record of how they were drawn. Both lists are sorted by
 * id. {@link #description()} and {@link #manifestFields()} go into a model's provenance; {@link #writeValidationIds(Path)}
 * writes the held-out ids so that an evaluation can prove with {@link #checkHeldOut(Collection, Set, String)} that it
 * used none of the training images.
 */
public final class DatasetSplit {

    private final List<Sample> train;
    private final List<Sample> validation;
    private final String strategy;
    private final Map<String, String> strategyFields;

    /**
     * @param train          the training samples
     * @param validation     the validation (held-out) samples
     * @param strategy       how they were drawn, in one line
     * @param strategyFields the strategy's settings as manifest fields ({@code split.*})
     * @throws IllegalArgumentException if an id is in both sets or twice in one
     */
    public DatasetSplit(List<Sample> train, List<Sample> validation, String strategy, Map<String, String> strategyFields) {
        this.train = sortedUnique(train);
        this.validation = sortedUnique(validation);
        Set<String> trainIds = ids(this.train);
        for (Sample s : this.validation) {
            if (trainIds.contains(s.id())) {
                throw new IllegalArgumentException("sample " + s.id() + " is in both the training and the validation set");
            }
        }
        this.strategy = strategy;
        this.strategyFields = new LinkedHashMap<>(strategyFields);
    }

    /**
     * Rebuilds a recorded split: the samples whose ids are listed are the validation set, all others the training set.
     *
     * @param samples       the samples, e.g. of the same dataset the split was made on
     * @param validationIds the recorded validation ids (see {@link #readIds(Path)})
     * @param description   how the split was made, as recorded
     * @return the split
     * @throws BoneAgeException naming the ids that are recorded but not among the samples
     */
    public static DatasetSplit fromValidationIds(List<Sample> samples, Set<String> validationIds, String description) {
        List<Sample> train = new ArrayList<>();
        List<Sample> validation = new ArrayList<>();
        for (Sample s : samples) {
            (validationIds.contains(s.id()) ? validation : train).add(s);
        }
        if (validation.size() != validationIds.size()) {
            Set<String> absent = new TreeSet<>(validationIds);
            absent.removeAll(ids(validation));
            throw new BoneAgeException(absent.size() + " recorded validation ids are not among the samples, e.g. "
                    + first(absent));
        }
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("split.strategy", "recorded");
        return new DatasetSplit(train, validation, description, fields);
    }

    /** @return the training samples, sorted by id */
    public List<Sample> train() {
        return train;
    }

    /** @return the validation (held-out) samples, sorted by id */
    public List<Sample> validation() {
        return validation;
    }

    /** @return the training ids, sorted */
    public Set<String> trainIds() {
        return ids(train);
    }

    /** @return the validation ids, sorted */
    public Set<String> validationIds() {
        return ids(validation);
    }

    /** @return the strategy's one-line description, e.g. {@code paper2020 per-sex counts train=1000 ...} */
    public String strategy() {
        return strategy;
    }

    /**
     * @return the split in one line for a model's provenance: strategy, set sizes and the validation ids' digest, e.g.
     *     {@code fraction validation=0.2 seed=42; train 8000, validation 2000 (ids sha256 1a2b3c4d5e6f)}
     */
    public String description() {
        return strategy + "; train " + train.size() + ", validation " + validation.size()
                + " (ids sha256 " + validationIdsSha256().substring(0, 12) + ")";
    }

    /**
     * @return the strategy's settings plus {@code split.trainSize}, {@code split.validationSize},
     *     {@code split.trainIdsSha256} and {@code split.validationIdsSha256} (see {@link #validationIdsSha256()})
     */
    public Map<String, String> manifestFields() {
        Map<String, String> m = new LinkedHashMap<>(strategyFields);
        m.put("split.description", strategy);
        m.put("split.trainSize", Integer.toString(train.size()));
        m.put("split.validationSize", Integer.toString(validation.size()));
        m.put("split.trainIdsSha256", sha256(train));
        m.put("split.validationIdsSha256", validationIdsSha256());
        return m;
    }

    /**
     * @return SHA-256 (hex) of the validation ids, sorted, each followed by a line feed: exactly the bytes
     *     {@link #writeValidationIds(Path)} writes, so {@code sha256sum} of that file gives the same value
     */
    public String validationIdsSha256() {
        return sha256(validation);
    }

    /**
     * @param sex the sex to keep
     * @return this split restricted to one sex (for sex-specific models)
     */
    public DatasetSplit ofSex(Sex sex) {
        List<Sample> t = train.stream().filter(s -> s.sex() == sex).toList();
        List<Sample> v = validation.stream().filter(s -> s.sex() == sex).toList();
        Map<String, String> fields = new LinkedHashMap<>(strategyFields);
        fields.put("split.sex", sex.label());
        return new DatasetSplit(t, v, strategy + " sex=" + sex.label(), fields);
    }

    /**
     * Writes the validation ids, sorted, one per line (UTF-8, LF), nothing else.
     *
     * @param file the file to create or replace
     * @throws IOException if it cannot be written
     */
    public void writeValidationIds(Path file) throws IOException {
        Files.writeString(file, idLines(validation), StandardCharsets.UTF_8);
    }

    /**
     * Writes the training ids, sorted, one per line (UTF-8, LF), nothing else.
     *
     * @param file the file to create or replace
     * @throws IOException if it cannot be written
     */
    public void writeTrainIds(Path file) throws IOException {
        Files.writeString(file, idLines(train), StandardCharsets.UTF_8);
    }

    /**
     * Reads an id list as written by {@link #writeValidationIds(Path)}; blank lines and lines starting with {@code #}
     * are ignored, surrounding spaces trimmed.
     *
     * @param file the file
     * @return the ids, sorted
     * @throws IOException           if it cannot be read
     * @throws InputFormatException naming file and line if an id is listed twice
     */
    public static Set<String> readIds(Path file) throws IOException {
        Set<String> ids = new TreeSet<>();
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        for (int i = 0; i < lines.size(); i++) {
            String id = lines.get(i).strip();
            if (id.isEmpty() || id.startsWith("#")) {
                continue;
            }
            if (!ids.add(id)) {
                throw new InputFormatException(file.toString(), i + 1, null, "id " + id + " is listed twice");
            }
        }
        return ids;
    }

    /**
     * Proves an evaluation used only held-out images.
     *
     * @param evaluatedIds  the ids the evaluation estimated
     * @param validationIds the split's validation ids (e.g. from {@link #readIds(Path)})
     * @param source        where the validation ids came from, for the message
     * @throws BoneAgeException naming how many evaluated ids are not held out, and the first few
     */
    public static void checkHeldOut(Collection<String> evaluatedIds, Set<String> validationIds, String source) {
        Set<String> leaked = new TreeSet<>(evaluatedIds);
        leaked.removeAll(validationIds);
        if (!leaked.isEmpty()) {
            throw new BoneAgeException(leaked.size() + " evaluated images are not in the validation ids of " + source
                    + " (possibly training images), e.g. " + first(leaked));
        }
    }

    @Override
    public String toString() {
        return "DatasetSplit[" + description() + "]";
    }

    /** @return a copy sorted by id */
    static List<Sample> sortedUnique(List<Sample> samples) {
        List<Sample> sorted = new ArrayList<>(samples);
        sorted.sort(Comparator.comparing(Sample::id));
        for (int i = 1; i < sorted.size(); i++) {
            if (sorted.get(i).id().equals(sorted.get(i - 1).id())) {
                throw new IllegalArgumentException("sample id " + sorted.get(i).id() + " occurs more than once");
            }
        }
        return List.copyOf(sorted);
    }

    private static Set<String> ids(List<Sample> samples) {
        Set<String> ids = new TreeSet<>();
        samples.forEach(s -> ids.add(s.id()));
        return ids;
    }

    private static String idLines(List<Sample> sortedSamples) {
        StringBuilder sb = new StringBuilder();
        sortedSamples.forEach(s -> sb.append(s.id()).append('\n'));
        return sb.toString();
    }

    private static String sha256(List<Sample> sortedSamples) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(digest.digest(idLines(sortedSamples).getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform must provide SHA-256", e);
        }
    }

    private static String first(Set<String> ids) {
        List<String> some = ids.stream().limit(5).toList();
        return String.join(", ", some) + (ids.size() > some.size() ? ", ..." : "");
    }
}

package io.github.boneage.core.dataset;

import io.github.boneage.core.InputFormatException;
import io.github.boneage.core.Sex;
import io.github.boneage.core.impl.CsvTable;
import io.github.boneage.core.landmarks.LandmarksTable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A dataset in the RSNA Pediatric Bone Age Challenge (2017) format: a labels CSV {@code id,boneage,male} (bone age in
 * months, {@code male} {@code True}/{@code False}; further columns are ignored) and a folder of images
 * {@code <id>.png} or {@code <id>.jpg}. Build with {@link #builder()}.
 *
 * <p>A malformed label row always fails the read with an {@link InputFormatException} naming file, line and column,
 * in strict and lenient mode alike: among them a bone age that is not a finite number in
 * {@value #MIN_BONE_AGE_MONTHS}..{@value #MAX_BONE_AGE_MONTHS} months.
 * A label whose image is missing is a {@link DatasetProblem}: in strict mode (the default) it fails the read, in
 * lenient mode the sample is excluded; either way it is listed in {@link #problems()} and logged. Samples are held in id
 * order, so everything derived from them (splits) is independent of file order and platform.
 */
public final class RsnaDataset {

    /** File name of the challenge's training labels. */
    public static final String TRAINING_LABELS = "boneage-training-dataset.csv";

    /** Smallest bone age a label may hold, in months. */
    public static final double MIN_BONE_AGE_MONTHS = 0;
    /**
     * Largest bone age a label may hold, in months: 20 years, past the end of skeletal maturation (Greulich-Pyle ends at
     * 19 years for boys, 18 for girls). Anything larger is a wrong column, unit or a corrupt file.
     */
    public static final double MAX_BONE_AGE_MONTHS = 240;

    private static final Logger LOG = LoggerFactory.getLogger(RsnaDataset.class);
    private static final int PROBLEMS_LOGGED_ONE_BY_ONE = 20;
    private static final List<String> IMAGE_EXTENSIONS = List.of("png", "jpg", "jpeg");

    private final String name;
    private final Path labelsFile;
    private final Path imageDir;
    private final List<Sample> samples;
    private final Map<String, Sample> byId;
    private final List<DatasetProblem> problems;
    private final LandmarksTable landmarks;

    private RsnaDataset(String name, Path labelsFile, Path imageDir, List<Sample> samples, List<DatasetProblem> problems,
            LandmarksTable landmarks) {
        this.name = name;
        this.labelsFile = labelsFile;
        this.imageDir = imageDir;
        this.samples = List.copyOf(samples);
        Map<String, Sample> index = new HashMap<>();
        for (Sample s : this.samples) {
            index.put(s.id(), s);
        }
        this.byId = Collections.unmodifiableMap(index);
        this.problems = List.copyOf(problems);
        this.landmarks = landmarks;
    }

    /** @return a new builder */
    public static Builder builder() {
        return new Builder();
    }

    /** @return the dataset's name for descriptions and manifests (by default the labels file's folder name) */
    public String name() {
        return name;
    }

    /** @return the labels CSV */
    public Path labelsFile() {
        return labelsFile;
    }

    /** @return the image folder */
    public Path imageDir() {
        return imageDir;
    }

    /** @return the samples, sorted by id */
    public List<Sample> samples() {
        return samples;
    }

    /**
     * @param sex the sex
     * @return the samples of one sex, sorted by id
     */
    public List<Sample> samples(Sex sex) {
        return samples.stream().filter(s -> s.sex() == sex).toList();
    }

    /** @return the number of samples */
    public int size() {
        return samples.size();
    }

    /** @return the samples' ids */
    public Set<String> ids() {
        return byId.keySet();
    }

    /**
     * @param id the image id, as in the labels CSV
     * @return the sample with the given id, if it is in the dataset
     */
    public Optional<Sample> sample(String id) {
        return Optional.ofNullable(byId.get(id));
    }

    /** @return every problem found while reading (missing, ambiguous and unlabelled images), in labels-file order first */
    public List<DatasetProblem> problems() {
        return problems;
    }

    /** @return the attached landmarks table, if any */
    public Optional<LandmarksTable> landmarks() {
        return Optional.ofNullable(landmarks);
    }

    /** @return e.g. {@code rsna-299: 10000 samples (5400 male, 4600 female), 0 problems} */
    public String describe() {
        long male = samples.stream().filter(s -> s.sex() == Sex.MALE).count();
        long female = samples.stream().filter(s -> s.sex() == Sex.FEMALE).count();
        return name + ": " + samples.size() + " samples (" + male + " male, " + female + " female), "
                + problems.size() + " problems";
    }

    @Override
    public String toString() {
        return "RsnaDataset[" + describe() + "]";
    }

    /** Builder: {@code setX} for required fields, {@code optX} for optional ones. */
    public static final class Builder {
        private Path labelsFile;
        private Path imageDir;
        private String name;
        private boolean strict = true;
        private LandmarksTable landmarks;

        private Builder() {
        }

        /**
         * @param labelsFile the labels CSV ({@code id,boneage,male})
         * @return this builder, with the labels CSV set (required)
         */
        public Builder setLabels(Path labelsFile) {
            this.labelsFile = Objects.requireNonNull(labelsFile);
            return this;
        }

        /**
         * @param imageDir the folder holding the images
         * @return this builder, with the folder holding {@code <id>.png} / {@code <id>.jpg} set (required)
         */
        public Builder setImageDir(Path imageDir) {
            this.imageDir = Objects.requireNonNull(imageDir);
            return this;
        }

        /**
         * Sets both paths for the usual layout: {@code folder/boneage-training-dataset.csv} and the images in
         * {@code folder/images} if that exists, else in {@code folder/boneage-training-dataset} (the challenge's
         * archive layout).
         *
         * @param folder the dataset's folder
         * @return this builder
         */
        public Builder setFolder(Path folder) {
            this.labelsFile = folder.resolve(TRAINING_LABELS);
            Path images = folder.resolve("images");
            this.imageDir = Files.isDirectory(images) ? images : folder.resolve("boneage-training-dataset");
            return this;
        }

        /**
         * @param name the dataset's name in descriptions
         * @return this builder, with the name used in descriptions set (default: the labels file's folder name)
         */
        public Builder optName(String name) {
            this.name = Objects.requireNonNull(name);
            return this;
        }

        /**
         * @param strict {@code true} (default): a label whose image is missing or ambiguous fails the read;
         *               {@code false}: such samples are excluded, and still reported in {@link RsnaDataset#problems()}
         * @return this builder
         */
        public Builder optStrict(boolean strict) {
            this.strict = strict;
            return this;
        }

        /**
         * @param landmarks the landmarks table
         * @return this builder, with a landmarks table the samples look their landmarks up in
         */
        public Builder optLandmarks(LandmarksTable landmarks) {
            this.landmarks = landmarks;
            return this;
        }

        /**
         * Reads the labels and lists the image folder (images are not opened).
         *
         * @return the dataset
         * @throws IOException           if the labels file or the image folder cannot be read
         * @throws InputFormatException naming file, line and column for a malformed label row (missing column,
         *                               non-numeric or non-finite age, age outside
     *                               {@value #MIN_BONE_AGE_MONTHS}..{@value #MAX_BONE_AGE_MONTHS} months, bad male flag, empty or repeated id),
         *                               and in strict mode for a label whose image is missing or ambiguous
         */
        public RsnaDataset build() throws IOException {
            Objects.requireNonNull(labelsFile, "labels file is required (setLabels or setFolder)");
            Objects.requireNonNull(imageDir, "image folder is required (setImageDir or setFolder)");
            return read(this);
        }
    }

    private static RsnaDataset read(Builder b) throws IOException {
        CsvTable csv = CsvTable.read(b.labelsFile);
        String source = csv.source();
        int idCol = column(csv, "id");
        int ageCol = column(csv, "boneage");
        int maleCol = column(csv, "male");
        Map<String, List<String>> imagesById = listImages(b.imageDir);

        List<Sample> samples = new ArrayList<>(csv.rows().size());
        List<DatasetProblem> problems = new ArrayList<>();
        Map<String, Long> lineOfId = new HashMap<>();
        for (CsvTable.Row row : csv.rows()) {
            String id = checkId(source, row, idCol, lineOfId);
            double age = CsvTable.finiteNumber(row.cell(ageCol), source, row.line(), "boneage");
            if (age < MIN_BONE_AGE_MONTHS || age > MAX_BONE_AGE_MONTHS) {
                throw new InputFormatException(source, row.line(), "boneage", "bone age " + row.cell(ageCol)
                        + " months is outside " + (int) MIN_BONE_AGE_MONTHS + ".." + (int) MAX_BONE_AGE_MONTHS
                        + " months (a child's bone age; a larger value is a wrong column or unit)");
            }
            Sex sex;
            try {
                sex = Sex.fromRsnaMaleFlag(row.cell(maleCol));
            } catch (IllegalArgumentException e) {
                throw new InputFormatException(source, row.line(), "male",
                        "'" + row.cell(maleCol) + "' is neither True nor False", e);
            }
            List<String> files = imagesById.remove(id);
            if (files == null) {
                problems.add(new DatasetProblem(DatasetProblem.Kind.MISSING_IMAGE, source, row.line(), id,
                        "no image " + id + ".png or " + id + ".jpg in " + b.imageDir));
            } else if (files.size() > 1) {
                problems.add(new DatasetProblem(DatasetProblem.Kind.AMBIGUOUS_IMAGE, source, row.line(), id,
                        "several images for id " + id + " in " + b.imageDir + ": " + String.join(", ", files)));
            } else {
                samples.add(new Sample(id, age, sex, b.imageDir.resolve(files.get(0)), source, row.line(), b.landmarks));
            }
        }
        // what is left in the listing has no label
        imagesById.forEach((id, files) -> files.forEach(f -> problems.add(new DatasetProblem(
                DatasetProblem.Kind.UNLABELLED_IMAGE, b.imageDir.resolve(f).toString(), 0, id,
                "image " + f + " has no label in " + source))));

        report(source, problems, b.strict);
        samples.sort(Comparator.comparing(Sample::id));
        String name = b.name != null ? b.name : folderName(b.labelsFile);
        return new RsnaDataset(name, b.labelsFile, b.imageDir, samples, problems, b.landmarks);
    }

    private static int column(CsvTable csv, String name) {
        int index = csv.header().indexOf(name);
        if (index < 0) {
            throw new InputFormatException(csv.source(), 1, name, "missing column " + name
                    + " (expected the RSNA header id,boneage,male; found " + String.join(",", csv.header()) + ")");
        }
        if (csv.header().lastIndexOf(name) != index) {
            throw new InputFormatException(csv.source(), 1, name, "column " + name + " appears more than once");
        }
        return index;
    }

    private static String checkId(String source, CsvTable.Row row, int idCol, Map<String, Long> lineOfId) {
        String id = row.cell(idCol);
        if (id.isEmpty()) {
            throw new InputFormatException(source, row.line(), "id", "the image id is empty");
        }
        if (id.contains("/") || id.contains("\\") || id.equals(".") || id.equals("..")) {
            throw new InputFormatException(source, row.line(), "id", "'" + id + "' is not a file name without extension");
        }
        Long first = lineOfId.putIfAbsent(id, row.line());
        if (first != null) {
            throw new InputFormatException(source, row.line(), "id", "duplicate id " + id + " (first on line " + first + ")");
        }
        return id;
    }

    /** @return image file names by id (file name without extension), sorted so that messages are reproducible */
    private static Map<String, List<String>> listImages(Path dir) throws IOException {
        Map<String, List<String>> byId = new TreeMap<>();
        try (Stream<Path> files = Files.list(dir)) {
            files.map(p -> p.getFileName().toString()).sorted().forEach(file -> {
                int dot = file.lastIndexOf('.');
                if (dot > 0 && IMAGE_EXTENSIONS.contains(file.substring(dot + 1).toLowerCase(Locale.ROOT))) {
                    byId.computeIfAbsent(file.substring(0, dot), k -> new ArrayList<>()).add(file);
                }
            });
        }
        return byId;
    }

    private static void report(String source, List<DatasetProblem> problems, boolean strict) {
        List<DatasetProblem> excluding = problems.stream().filter(p -> p.kind().excludesSample()).toList();
        if (strict && !excluding.isEmpty()) {
            DatasetProblem first = excluding.get(0);
            String more = excluding.size() == 1 ? ""
                    : " (and " + (excluding.size() - 1) + " more; read in lenient mode to exclude them and list all)";
            throw new InputFormatException(source, first.line(), "id", first.reason() + more);
        }
        for (int i = 0; i < Math.min(problems.size(), PROBLEMS_LOGGED_ONE_BY_ONE); i++) {
            LOG.warn("{}", problems.get(i));
        }
        if (!problems.isEmpty()) {
            LOG.warn("{}: {} dataset problems ({} samples excluded, {} unlabelled images){}", source, problems.size(),
                    excluding.size(), problems.size() - excluding.size(),
                    problems.size() > PROBLEMS_LOGGED_ONE_BY_ONE ? "; see RsnaDataset.problems() for the full list" : "");
        }
    }

    private static String folderName(Path file) {
        Path parent = file.toAbsolutePath().normalize().getParent();
        return parent == null || parent.getFileName() == null ? file.getFileName().toString()
                : parent.getFileName().toString();
    }
}

package io.github.boneage.djl.manifest;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.github.boneage.core.HeldOutMetrics;
import io.github.boneage.core.ModelProvenance;
import io.github.boneage.preprocess.PreprocessSpec;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The content of {@code boneage-model.json}: everything needed to run a bundle's networks and to reproduce the
 * preprocessing they were trained with. Read and written by {@link ManifestJson}; checked by {@link #validate()}.
 *
 * @param formatVersion {@link #FORMAT_VERSION}
 * @param name          the model's name, shown in estimates
 * @param description   free text, may be {@code null}
 * @param architecture  the network architecture, e.g. {@code googlenet}, {@code resnet50}, {@code caffenet}
 * @param engine        the DJL engine that runs the weights: {@code OnnxRuntime} or {@code PyTorch}
 * @param format        how the weights are stored
 * @param weights       the weight files, one per network role
 * @param block         for {@code djl-params}: the block factory and its settings; otherwise {@code null}
 * @param input         the image input tensor
 * @param preprocessing how a radiograph becomes the input tensor
 * @param sexHandling   how sex is taken into account
 * @param output        how the output becomes months
 * @param provenance    how the model was made; {@code null} when not recorded
 * @param heldOutMetrics its accuracy on held-out images used neither for training nor for selecting it, the figures
 *                      reports quote; {@code null} when not recorded (reports then fall back to the provenance's
 *                      validation figures, labelled as used for selection)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"formatVersion", "name", "description", "architecture", "engine", "format", "weights", "block", "input",
    "preprocessing", "sexHandling", "output", "provenance", "heldOutMetrics"})
public record ModelManifest(
        @JsonProperty(required = true) int formatVersion,
        @JsonProperty(required = true) String name,
        String description,
        @JsonProperty(required = true) String architecture,
        @JsonProperty(required = true) String engine,
        @JsonProperty(required = true) ModelFormat format,
        @JsonProperty(required = true) List<WeightsFile> weights,
        BlockSpec block,
        @JsonProperty(required = true) InputSpec input,
        @JsonProperty(required = true) PreprocessSpec preprocessing,
        @JsonProperty(required = true) SexHandling sexHandling,
        @JsonProperty(required = true) OutputSpec output,
        ModelProvenance provenance,
        HeldOutMetrics heldOutMetrics) {

    /** The manifest format this library reads and writes. */
    public static final int FORMAT_VERSION = 1;

    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");
    /** The smallest magnitude of {@code output.scale}: below it every output maps to about the offset. */
    public static final double MIN_ABS_SCALE = 1e-3;
    /** The largest magnitude of {@code output.scale}, in months per output unit. */
    public static final double MAX_ABS_SCALE = 1000;
    /** The largest magnitude of {@code output.offset}, in months. */
    public static final double MAX_ABS_OFFSET_MONTHS = 240;
    /** The largest age-bin centre, in months (bins start at 0). */
    public static final double MAX_BIN_MONTHS = 240;
    /** The most age bins. */
    public static final int MAX_BINS = 10_000;
    /** The largest input side, in pixels. */
    public static final int MAX_INPUT_SIZE = 2048;
    /** The largest magnitude of a normalization mean or standard deviation, and of a sex-input value. */
    public static final double MAX_ABS_NORMALIZATION = 1000;
    /** The smallest normalization standard deviation. */
    public static final double MIN_STD = 1e-6;
    /** The longest name, architecture or engine text. */
    public static final int MAX_TEXT = 200;

    /** What {@code Model.save(dir, prefix)} writes: {@code <prefix>-<4-digit epoch>.params}. */
    public static final Pattern DJL_PARAMS_FILE = Pattern.compile("(.+)-(\\d{4})\\.params");

    /** The longest {@code heldOutMetrics.data} or {@code heldOutMetrics.command} text. */
    public static final int MAX_HELD_OUT_TEXT = 2000;

    /**
     * Copies the weight list.
     *
     * @param formatVersion {@link #FORMAT_VERSION}
     * @param name the model's name, shown in estimates
     * @param description free text, may be {@code null}
     * @param architecture the network architecture, e.g. {@code googlenet}, {@code resnet50}, {@code caffenet}
     * @param engine the DJL engine that runs the weights: {@code OnnxRuntime} or {@code PyTorch}
     * @param block for {@code djl-params}: the block factory and its settings; otherwise {@code null}
     * @param format how the weights are stored
     * @param input the image input tensor
     * @param output how the output becomes months
     * @param preprocessing how a radiograph becomes the input tensor
     * @param provenance how the model was made; {@code null} when not recorded
     * @param sexHandling how sex is taken into account
     * @param weights the weight files, one per network role
     * @param heldOutMetrics figures measured on untouched held-out images; {@code null} when not recorded
     */
    public ModelManifest {
        weights = weights == null ? null : List.copyOf(weights);
    }

    /**
     * A manifest without held-out figures.
     *
     * @param formatVersion {@link #FORMAT_VERSION}
     * @param name          the model's name
     * @param description   free text, may be {@code null}
     * @param architecture  the network architecture
     * @param engine        the DJL engine
     * @param format        how the weights are stored
     * @param weights       the weight files
     * @param block         for {@code djl-params}: the block factory; otherwise {@code null}
     * @param input         the image input tensor
     * @param preprocessing how a radiograph becomes the input tensor
     * @param sexHandling   how sex is taken into account
     * @param output        how the output becomes months
     * @param provenance    how the model was made; {@code null} when not recorded
     */
    public ModelManifest(int formatVersion, String name, String description, String architecture, String engine,
            ModelFormat format, List<WeightsFile> weights, BlockSpec block, InputSpec input, PreprocessSpec preprocessing,
            SexHandling sexHandling, OutputSpec output, ModelProvenance provenance) {
        this(formatVersion, name, description, architecture, engine, format, weights, block, input, preprocessing,
                sexHandling, output, provenance, null);
    }

    /**
     * @param metrics the held-out figures, or {@code null}
     * @return a copy of this manifest with them
     */
    public ModelManifest withHeldOutMetrics(HeldOutMetrics metrics) {
        return new ModelManifest(formatVersion, name, description, architecture, engine, format, weights, block, input,
                preprocessing, sexHandling, output, provenance, metrics);
    }

    /**
     * @param role the network role
     * @return the weight file of the given role, or {@code null} if the bundle has none
     */
    public WeightsFile weightsFor(NetworkRole role) {
        for (WeightsFile w : weights) {
            if (w.role() == role) {
                return w;
            }
        }
        return null;
    }

    /** @return the provenance, or {@link ModelProvenance#unknown()} when not recorded */
    public ModelProvenance provenanceOrUnknown() {
        return provenance == null ? ModelProvenance.unknown() : provenance;
    }

    /**
     * Checks that the fields are complete, agree with each other, and hold plausible numbers: every number finite;
     * regression {@code output.scale} of magnitude in [{@value #MIN_ABS_SCALE}, {@value #MAX_ABS_SCALE}] and
     * {@code output.offset} in [-{@value #MAX_ABS_OFFSET_MONTHS}, {@value #MAX_ABS_OFFSET_MONTHS}] months; age-bin
     * centres in [0, {@value #MAX_BIN_MONTHS}] months (at most {@value #MAX_BINS}); input size at most
     * {@value #MAX_INPUT_SIZE}; normalization mean and std and sex-input values within
     * {@value #MAX_ABS_NORMALIZATION} in magnitude (std at least {@value #MIN_STD}); name, architecture and engine
     * without control characters and at most {@value #MAX_TEXT} characters. A hostile manifest (offset -1000, scale
     * 1e300) is refused here; the estimator also range-checks every estimate.
     *
     * @throws IllegalArgumentException naming the field and what is wrong
     */
    public void validate() {
        if (formatVersion != FORMAT_VERSION) {
            throw new IllegalArgumentException("formatVersion " + formatVersion + " is not supported (this library reads "
                    + FORMAT_VERSION + ")");
        }
        requireText(name, "name");
        requireText(architecture, "architecture");
        requireText(engine, "engine");
        requirePrintable(name, "name");
        requirePrintable(architecture, "architecture");
        requirePrintable(engine, "engine");
        require(format != null, "format is missing (onnx, torchscript or djl-params)");
        require(input != null, "input is missing");
        require(preprocessing != null, "preprocessing is missing");
        require(sexHandling != null, "sexHandling is missing");
        require(output != null, "output is missing");
        validateEngine();
        validateWeights();
        validateInput();
        validateSexHandling();
        validateOutput();
        if (heldOutMetrics != null) {
            require(heldOutMetrics.data().length() <= MAX_HELD_OUT_TEXT, "heldOutMetrics.data is longer than "
                    + MAX_HELD_OUT_TEXT + " characters");
            require(heldOutMetrics.data().chars().noneMatch(Character::isISOControl), "heldOutMetrics.data holds control"
                    + " characters (line breaks, escapes), which could forge report lines");
            String command = heldOutMetrics.command();
            require(command == null || (command.length() <= MAX_HELD_OUT_TEXT && command.chars().noneMatch(Character::isISOControl)),
                    "heldOutMetrics.command must be at most " + MAX_HELD_OUT_TEXT + " characters without control characters");
        }
    }

    private void validateEngine() {
        if (format == ModelFormat.ONNX || format == ModelFormat.TORCHSCRIPT) {
            require(engine.equals(format.defaultEngine()), "format " + format.label() + " runs on engine " + format.defaultEngine()
                    + ", but engine is " + engine);
            require(block == null, "block is only for format djl-params");
        } else {
            require(block != null, "format djl-params needs block (the block factory's name and arguments)");
            requireText(block.factory(), "block.factory");
        }
    }

    private void validateWeights() {
        require(weights != null && !weights.isEmpty(), "weights is missing or empty");
        Set<NetworkRole> seen = EnumSet.noneOf(NetworkRole.class);
        for (WeightsFile w : weights) {
            require(seen.add(w.role()), "weights has two files for role " + w.role().label());
            String file = w.file();
            require(!file.isBlank() && !file.startsWith("/") && !file.contains("\\") && !file.contains(":")
                    && !List.of(file.split("/")).contains(".."), "weights file '" + file + "' must be a relative path inside the bundle");
            require(SHA256.matcher(w.sha256()).matches(), "weights file " + file + ": sha256 must be 64 lower-case hex digits, got '"
                    + w.sha256() + "'");
            if (format == ModelFormat.ONNX || format == ModelFormat.TORCHSCRIPT) {
                require(file.endsWith(format.fileSuffix()), format.label() + " weights file " + file + " must end in "
                        + format.fileSuffix());
            } else {
                String fileName = file.substring(file.lastIndexOf('/') + 1);
                require(DJL_PARAMS_FILE.matcher(fileName).matches(), "djl-params weights file " + file
                        + " must be named <prefix>-<4-digit epoch>.params, as Model.save writes it");
            }
        }
    }

    private void validateInput() {
        requireText(input.name(), "input.name");
        require(preprocessing.size() <= MAX_INPUT_SIZE, "preprocessing.size " + preprocessing.size() + " is over "
                + MAX_INPUT_SIZE + " pixels (a batch of such tensors would exhaust memory)");
        double[] mean = preprocessing.mean();
        double[] std = preprocessing.std();
        for (int c = 0; c < mean.length; c++) {
            require(Double.isFinite(mean[c]) && Math.abs(mean[c]) <= MAX_ABS_NORMALIZATION, "preprocessing.mean[" + c + "] "
                    + mean[c] + " must be a finite number in [-" + MAX_ABS_NORMALIZATION + ", " + MAX_ABS_NORMALIZATION + "]");
            require(Double.isFinite(std[c]) && std[c] >= MIN_STD && std[c] <= MAX_ABS_NORMALIZATION, "preprocessing.std[" + c
                    + "] " + std[c] + " must be a finite number in [" + MIN_STD + ", " + MAX_ABS_NORMALIZATION + "]");
        }
        require(InputSpec.NCHW.equals(input.layout().toUpperCase(Locale.ROOT)), "input.layout " + input.layout()
                + " is not supported (format version 1 knows NCHW)");
        require(preprocessing.size() > 0, "preprocessing.size must be > 0: a batch needs one image size");
        require(input.channels() == preprocessing.channels(), "input.channels " + input.channels()
                + " differs from preprocessing.channels " + preprocessing.channels());
        require(input.height() == preprocessing.size() && input.width() == preprocessing.size(), "input "
                + input.height() + "x" + input.width() + " differs from preprocessing.size " + preprocessing.size());
    }

    private void validateSexHandling() {
        Set<NetworkRole> roles = EnumSet.noneOf(NetworkRole.class);
        weights.forEach(w -> roles.add(w.role()));
        switch (sexHandling.mode()) {
            case AGNOSTIC:
            case SEX_INPUT:
                require(roles.equals(EnumSet.of(NetworkRole.AGNOSTIC)), "sexHandling " + sexHandling.mode().label()
                        + " needs exactly one weights file, with role agnostic; got " + roles);
                break;
            case PER_SEX:
                require(roles.contains(NetworkRole.MALE) && roles.contains(NetworkRole.FEMALE),
                        "sexHandling per-sex needs weights with roles male and female (agnostic optional); got " + roles);
                break;
            default:
                throw new AssertionError(sexHandling.mode());
        }
        if (sexHandling.mode() == SexHandling.Mode.SEX_INPUT) {
            require(sexHandling.sexInput() != null, "sexHandling sex-input needs sexInput (name, male, female, unknown)");
            requireText(sexHandling.sexInput().name(), "sexHandling.sexInput.name");
            require(!sexHandling.sexInput().name().equals(input.name()), "sexHandling.sexInput.name equals input.name "
                    + input.name());
            SexHandling.SexInput si = sexHandling.sexInput();
            Float[] values = {si.male(), si.female(), si.unknown()};
            String[] fields = {"male", "female", "unknown"};
            for (int i = 0; i < values.length; i++) {
                require(values[i] == null || (Float.isFinite(values[i]) && Math.abs(values[i]) <= MAX_ABS_NORMALIZATION),
                        "sexHandling.sexInput." + fields[i] + " " + values[i] + " must be a finite number in [-"
                        + MAX_ABS_NORMALIZATION + ", " + MAX_ABS_NORMALIZATION + "]");
            }
        } else {
            require(sexHandling.sexInput() == null, "sexHandling.sexInput is only for mode sex-input");
        }
    }

    private void validateOutput() {
        if (output.kind() == OutputSpec.Kind.REGRESSION) {
            require(output.scale() != null && Double.isFinite(output.scale()) && Math.abs(output.scale()) >= MIN_ABS_SCALE
                    && Math.abs(output.scale()) <= MAX_ABS_SCALE, "output.scale " + output.scale() + " must be a finite number"
                    + " whose magnitude is in [" + MIN_ABS_SCALE + ", " + MAX_ABS_SCALE + "] (months per output unit)");
            require(output.offset() != null && Double.isFinite(output.offset()) && output.offset() >= -MAX_ABS_OFFSET_MONTHS
                    && output.offset() <= MAX_ABS_OFFSET_MONTHS, "output.offset " + output.offset() + " must be a finite number"
                    + " in [" + -MAX_ABS_OFFSET_MONTHS + ", " + MAX_ABS_OFFSET_MONTHS + "] months");
            require(output.binCentresMonths() == null && output.activation() == null,
                    "output.binCentresMonths and output.activation are only for kind age-bins");
        } else {
            double[] bins = output.binCentresMonths();
            require(bins != null && bins.length >= 2 && bins.length <= MAX_BINS,
                    "output kind age-bins needs between 2 and " + MAX_BINS + " binCentresMonths");
            for (int i = 0; i < bins.length; i++) {
                require(Double.isFinite(bins[i]) && bins[i] >= 0 && bins[i] <= MAX_BIN_MONTHS, "output.binCentresMonths[" + i
                        + "] " + bins[i] + " must be a finite number in [0, " + MAX_BIN_MONTHS + "] months");
            }
            require(output.activation() != null, "output kind age-bins needs activation (softmax or none)");
            require(output.scale() == null && output.offset() == null, "output.scale and output.offset are only for kind regression");
        }
    }

    private static void requirePrintable(String value, String field) {
        require(value.length() <= MAX_TEXT, field + " is longer than " + MAX_TEXT + " characters");
        require(value.chars().noneMatch(Character::isISOControl), field + " holds control characters (line breaks, escapes),"
                + " which could forge report lines");
    }

    private static void requireText(String value, String field) {
        require(value != null && !value.isBlank(), field + " is missing or empty");
    }

    private static void require(boolean condition, String reason) {
        if (!condition) {
            throw new IllegalArgumentException(reason);
        }
    }
}

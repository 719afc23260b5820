package io.github.boneage.clinical.uncertainty;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.github.boneage.core.BoneAgeException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A fitted interval rule for one model and one {@link TestTimeAugmentation} policy, stored as JSON next to the model
 * ({@value #BUNDLE_FILE_NAME} in a bundle folder). Immutable.
 *
 * <p>The interval for target coverage {@code c} is {@code point ± q_c · method.scale(spread, minSpreadMonths)}; see
 * {@link IntervalMethod}. It is valid only for the model whose digest it records and the policy it stores.
 *
 * @param formatVersion   the file format version ({@value #FORMAT_VERSION})
 * @param model           the model it was fitted for
 * @param method          the interval rule
 * @param minSpreadMonths the spread floor of {@link IntervalMethod#SCALED} (stored, unused, for {@code absolute})
 * @param augmentation    the TTA policy the scores were computed with
 * @param n               the number of calibration images
 * @param data            which images, for people
 * @param createdAt       when it was fitted (ISO-8601)
 * @param levels          the fitted half-width per target coverage, ascending
 * @param evaluation      the check on held-out images, when one was made
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record UncertaintyCalibration(@JsonProperty("formatVersion") int formatVersion,
                                     @JsonProperty("model") CalibratedModel model,
                                     @JsonProperty("method") IntervalMethod method,
                                     @JsonProperty("minSpreadMonths") double minSpreadMonths,
                                     @JsonProperty("augmentation") TestTimeAugmentation augmentation,
                                     @JsonProperty("n") int n,
                                     @JsonProperty("data") String data,
                                     @JsonProperty("createdAt") String createdAt,
                                     @JsonProperty("levels") List<CalibrationLevel> levels,
                                     @JsonProperty("evaluation") CalibrationEvaluation evaluation) {

    /** The format version this library writes and reads. */
    public static final int FORMAT_VERSION = 1;
    /** The calibration's file name inside a model bundle folder. */
    public static final String BUNDLE_FILE_NAME = "uncertainty-calibration.json";

    private static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    /**
     * @param formatVersion the file format version ({@value #FORMAT_VERSION})
     * @param model the model it was fitted for
     * @param method the interval rule
     * @param minSpreadMonths the spread floor of {@link IntervalMethod#SCALED} (stored, unused, for {@code absolute})
     * @param augmentation the TTA policy the scores were computed with
     * @param n the number of calibration images
     * @param createdAt when it was fitted (ISO-8601)
     * @param data which images, for people
     * @param evaluation the check on held-out images, when one was made
     * @param levels the fitted half-width per target coverage, ascending
     * @throws IllegalArgumentException for a wrong format version or no levels
     * @throws NullPointerException     naming a missing field
     */
    public UncertaintyCalibration {
        if (formatVersion != FORMAT_VERSION) {
            throw new IllegalArgumentException("uncertainty calibration format version " + formatVersion
                    + " is not supported (this library reads version " + FORMAT_VERSION + ")");
        }
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(augmentation, "augmentation");
        if (!(minSpreadMonths > 0) || Double.isInfinite(minSpreadMonths)) {
            throw new IllegalArgumentException("minSpreadMonths must be finite and > 0, got " + minSpreadMonths);
        }
        if (levels == null || levels.isEmpty()) {
            throw new IllegalArgumentException("an uncertainty calibration needs at least one coverage level");
        }
        levels = List.copyOf(levels);
    }

    /**
     * @param targetCoverage a coverage this calibration was fitted for, e.g. 0.9
     * @return its level
     * @throws IllegalArgumentException naming the calibrated levels when this one is not among them
     */
    public CalibrationLevel level(double targetCoverage) {
        for (CalibrationLevel l : levels) {
            if (Math.abs(l.coverage() - targetCoverage) < 1e-9) {
                return l;
            }
        }
        throw new IllegalArgumentException("the uncertainty calibration of model " + model.name() + " has no level for "
                + "coverage " + targetCoverage + "; calibrated: "
                + levels.stream().map(l -> String.valueOf(l.coverage())).toList());
    }

    /**
     * @param pointMonths    the point estimate
     * @param spreadMonths   the TTA spread
     * @param targetCoverage one of the calibrated coverages
     * @return {@code {lower, upper}} in months
     */
    public double[] interval(double pointMonths, double spreadMonths, double targetCoverage) {
        double half = level(targetCoverage).q() * method.scale(spreadMonths, minSpreadMonths);
        return new double[] {pointMonths - half, pointMonths + half};
    }

    /**
     * @param evaluation the held-out check of this calibration
     * @return a copy with the given held-out check attached
     */
    public UncertaintyCalibration withEvaluation(CalibrationEvaluation evaluation) {
        return new UncertaintyCalibration(formatVersion, model, method, minSpreadMonths, augmentation, n, data,
                createdAt, levels, evaluation);
    }

    /** @return this calibration as indented JSON */
    public String toJson() {
        try {
            return MAPPER.writeValueAsString(this) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialize uncertainty calibration", e);
        }
    }

    /**
     * @param json   the JSON text
     * @param source its name, for messages
     * @return the calibration
     * @throws BoneAgeException naming the source when the JSON is malformed or invalid
     */
    public static UncertaintyCalibration fromJson(String json, String source) {
        try {
            return MAPPER.readValue(json, UncertaintyCalibration.class);
        } catch (JsonProcessingException e) {
            // A missing or invalid field surfaces as the record constructor's exception: its message is the useful one.
            String reason = e.getCause() instanceof RuntimeException r && r.getMessage() != null
                    ? (r instanceof NullPointerException ? "missing field " : "") + r.getMessage()
                    : e.getOriginalMessage();
            throw new BoneAgeException(source + ": not a valid uncertainty calibration: " + reason, e);
        }
    }

    /**
     * @param file a calibration JSON file
     * @return the calibration
     * @throws BoneAgeException naming the file when it cannot be read or is invalid
     */
    public static UncertaintyCalibration read(Path file) {
        try {
            return fromJson(Files.readString(file, StandardCharsets.UTF_8), file.toString());
        } catch (IOException e) {
            throw new BoneAgeException(file + ": cannot read uncertainty calibration: " + e, e);
        }
    }

    /**
     * Writes this calibration as JSON, replacing the file.
     *
     * @param file where to write it
     */
    public void write(Path file) {
        try {
            Files.writeString(file, toJson(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write uncertainty calibration " + file, e);
        }
    }

    /**
     * Where a model's calibration lives: {@value #BUNDLE_FILE_NAME} inside a bundle folder, or
     * {@code <name>.uncertainty-calibration.json} beside a bundle file (e.g. {@code model.zip}).
     *
     * @param bundle a model bundle folder or file
     * @return the calibration file's path (it may not exist)
     */
    public static Path fileFor(Path bundle) {
        if (Files.isDirectory(bundle)) {
            return bundle.resolve(BUNDLE_FILE_NAME);
        }
        String name = bundle.getFileName().toString();
        int dot = name.lastIndexOf('.');
        String stem = dot > 0 ? name.substring(0, dot) : name;
        return bundle.resolveSibling(stem + "." + BUNDLE_FILE_NAME);
    }

    /**
     * @param bundle a model bundle folder or file
     * @return its calibration, if {@link #fileFor(Path)} exists
     * @throws BoneAgeException when the file exists but is invalid
     */
    public static Optional<UncertaintyCalibration> forBundle(Path bundle) {
        Path file = fileFor(bundle);
        return Files.isRegularFile(file) ? Optional.of(read(file)) : Optional.empty();
    }
}

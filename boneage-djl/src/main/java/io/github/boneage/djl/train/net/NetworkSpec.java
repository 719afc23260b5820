package io.github.boneage.djl.train.net;

import com.fasterxml.jackson.annotation.JsonIgnore;
import io.github.boneage.core.Sex;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Everything needed to rebuild a trained bone-age network and turn its outputs into months; stored (as JSON) next to
 * the network's files in a model bundle.
 *
 * <p>Inputs: {@code [N, channels, inputSize, inputSize]} images and, when {@link #auxiliaryInputs()} is not zero, an
 * {@code [N, A]} tensor with, in this order, the encoded sex ({@link #encodeSex}) and the encoded chronological age
 * ({@link #encodeChronologicalAge}). Outputs: {@code [N, head.outputs()]}, decoded by {@link #decodeMonths}.
 *
 * @param architecture          the backbone architecture's label ({@link Architecture#label()})
 * @param backbone              the backbone's name (e.g. {@code mobilenetv2-imagenet-int8})
 * @param format                {@link #FORMAT_TORCHSCRIPT_BACKBONE} or {@link #FORMAT_DJL}
 * @param inputSize             image side length in pixels
 * @param channels              image channels (1 or 3)
 * @param head                  the output head
 * @param sexInput              whether the encoded sex is concatenated to the pooled features
 * @param chronologicalAgeInput whether the encoded chronological age is concatenated to the pooled features
 * @param targetMean            the training targets' mean in months (regression output scaling)
 * @param targetStd             the training targets' standard deviation in months (regression output scaling)
 */
public record NetworkSpec(
        String architecture,
        String backbone,
        String format,
        int inputSize,
        int channels,
        HeadSpec head,
        boolean sexInput,
        boolean chronologicalAgeInput,
        double targetMean,
        double targetStd) {

    /** Backbone stored as a TorchScript file ({@value #BACKBONE_FILE}) and head as DJL parameters ({@value #HEAD_FILE}). */
    public static final String FORMAT_TORCHSCRIPT_BACKBONE = "torchscript-backbone+djl-head";
    /** Whole network stored as DJL parameters ({@value #NETWORK_FILE}), rebuilt from the architecture. */
    public static final String FORMAT_DJL = "djl";
    /** TorchScript backbone file name. */
    public static final String BACKBONE_FILE = "backbone.pt";
    /** DJL head parameter file name. */
    public static final String HEAD_FILE = "head.params";
    /** DJL whole-network parameter file name. */
    public static final String NETWORK_FILE = "network.params";

    /**
     * Validates the fields.
     *
     * @param architecture the backbone architecture's label ({@link Architecture#label()})
     * @param backbone the backbone's name (e.g. {@code mobilenetv2-imagenet-int8})
     * @param format {@link #FORMAT_TORCHSCRIPT_BACKBONE} or {@link #FORMAT_DJL}
     * @param inputSize image side length in pixels
     * @param channels image channels (1 or 3)
     * @param chronologicalAgeInput whether the encoded chronological age is concatenated to the pooled features
     * @param head the output head
     * @param sexInput whether the encoded sex is concatenated to the pooled features
     * @param targetMean the training targets' mean in months (regression output scaling)
     * @param targetStd the training targets' standard deviation in months (regression output scaling)
     */
    public NetworkSpec {
        Objects.requireNonNull(architecture, "architecture");
        Objects.requireNonNull(head, "head");
        if (!FORMAT_TORCHSCRIPT_BACKBONE.equals(format) && !FORMAT_DJL.equals(format)) {
            throw new IllegalArgumentException("unknown network format '" + format + "'");
        }
        if (inputSize < 8) {
            throw new IllegalArgumentException("input size must be at least 8 pixels, got " + inputSize);
        }
        if (channels != 1 && channels != 3) {
            throw new IllegalArgumentException("channels must be 1 or 3, got " + channels);
        }
        if (!(targetStd > 0) || !Double.isFinite(targetMean)) {
            throw new IllegalArgumentException("target scaling needs a finite mean and std > 0, got " + targetMean + ", " + targetStd);
        }
    }

    /**
     * @return whether the same weights read any input size, so that fine-tuning may change it: true for a TorchScript
     *         backbone (every one the trainer takes ends in global average pooling), false for a DJL-built one (ResNetV1
     *         chooses its stem from the size)
     */
    @JsonIgnore
    public boolean readsAnyInputSize() {
        return torchScriptBackbone();
    }

    /**
     * @param newInputSize the image side of the copy, in pixels
     * @return a copy reading images of another size (meaningful where {@link #readsAnyInputSize()})
     */
    public NetworkSpec withInputSize(int newInputSize) {
        return new NetworkSpec(architecture, backbone, format, newInputSize, channels, head, sexInput, chronologicalAgeInput,
                targetMean, targetStd);
    }

    /** @return how many auxiliary inputs (sex, chronological age) follow the image */
    @JsonIgnore
    public int auxiliaryInputs() {
        return (sexInput ? 1 : 0) + (chronologicalAgeInput ? 1 : 0);
    }

    /** @return whether the backbone is a TorchScript module */
    @JsonIgnore
    public boolean torchScriptBackbone() {
        return FORMAT_TORCHSCRIPT_BACKBONE.equals(format);
    }

    /**
     * Sex as a network input: male {@code +1}, female {@code -1}, unknown {@code 0} (halfway, so a sex-input model still
     * answers when the sex is not known).
     *
     * @param sex the sex
     * @return the encoded value
     */
    public static float encodeSex(Sex sex) {
        return switch (sex) {
            case MALE -> 1f;
            case FEMALE -> -1f;
            case UNKNOWN -> 0f;
        };
    }

    /**
     * Chronological age as a network input: months / 120, a fixed scale (independent of the training data) that keeps
     * the input near the pooled features' range.
     *
     * @param months chronological age in months
     * @return the encoded value
     */
    public static float encodeChronologicalAge(double months) {
        return (float) (months / 120.0);
    }

    /**
     * @param months bone age in months
     * @return the regression target {@code (months - mean) / std}
     */
    public float encodeTarget(double months) {
        return (float) ((months - targetMean) / targetStd);
    }

    /**
     * Turns one row of network outputs into months: {@code y * std + mean} for regression, the softmax-weighted mean of
     * the bin centres for age bins.
     *
     * @param outputs the outputs of all rows, row-major {@code [N, head.outputs()]}
     * @param row     the row
     * @return the estimated bone age in months
     */
    public double decodeMonths(float[] outputs, int row) {
        int k = head.outputs();
        int base = row * k;
        if (!head.isAgeBins()) {
            return outputs[base] * targetStd + targetMean;
        }
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < k; i++) {
            max = Math.max(max, outputs[base + i]);
        }
        double sum = 0;
        double weighted = 0;
        for (int i = 0; i < k; i++) {
            double e = Math.exp(outputs[base + i] - max);
            sum += e;
            weighted += e * head.binCentre(i);
        }
        return weighted / sum;
    }

    /**
     * @return the spec as the string arguments of a bundle manifest's {@code block} entry (read back by
     *         {@link #fromArguments})
     */
    public Map<String, String> toArguments() {
        Map<String, String> a = new LinkedHashMap<>();
        a.put("architecture", architecture);
        a.put("backbone", backbone == null ? architecture : backbone);
        a.put("format", format);
        a.put("inputSize", Integer.toString(inputSize));
        a.put("channels", Integer.toString(channels));
        a.put("head", head.type());
        a.put("bins", Integer.toString(head.bins()));
        a.put("binMinMonths", Double.toString(head.minMonths()));
        a.put("binMaxMonths", Double.toString(head.maxMonths()));
        a.put("dropout", Double.toString(head.dropout()));
        a.put("sexInput", Boolean.toString(sexInput));
        a.put("chronologicalAgeInput", Boolean.toString(chronologicalAgeInput));
        a.put("targetMean", Double.toString(targetMean));
        a.put("targetStd", Double.toString(targetStd));
        return a;
    }

    /**
     * @param arguments what {@link #toArguments()} wrote
     * @return the spec
     * @throws IllegalArgumentException naming the argument that is missing or malformed
     */
    public static NetworkSpec fromArguments(Map<String, String> arguments) {
        HeadSpec head = new HeadSpec(text(arguments, "head"), integer(arguments, "bins"), number(arguments, "binMinMonths"),
                number(arguments, "binMaxMonths"), number(arguments, "dropout"));
        return new NetworkSpec(text(arguments, "architecture"), arguments.getOrDefault("backbone", text(arguments, "architecture")),
                text(arguments, "format"), integer(arguments, "inputSize"), integer(arguments, "channels"), head,
                Boolean.parseBoolean(text(arguments, "sexInput")), Boolean.parseBoolean(text(arguments, "chronologicalAgeInput")),
                number(arguments, "targetMean"), number(arguments, "targetStd"));
    }

    private static String text(Map<String, String> arguments, String key) {
        String v = arguments.get(key);
        if (v == null || v.isBlank()) {
            throw new IllegalArgumentException("block argument '" + key + "' is missing");
        }
        return v;
    }

    private static int integer(Map<String, String> arguments, String key) {
        try {
            return Integer.parseInt(text(arguments, key).trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("block argument '" + key + "' is not an integer: " + arguments.get(key), e);
        }
    }

    private static double number(Map<String, String> arguments, String key) {
        try {
            return Double.parseDouble(text(arguments, key).trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("block argument '" + key + "' is not a number: " + arguments.get(key), e);
        }
    }
}

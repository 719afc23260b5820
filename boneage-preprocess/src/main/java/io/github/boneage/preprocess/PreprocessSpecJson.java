package io.github.boneage.preprocess;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.boneage.core.InputFormatException;
import io.github.boneage.core.RoiScheme;
import io.github.boneage.preprocess.equalize.ClaheEqualizer;
import io.github.boneage.preprocess.equalize.Equalizers;
import io.github.boneage.preprocess.equalize.HistogramEqualizer;
import io.github.boneage.preprocess.equalize.MatlabHistogramEqualizer;
import io.github.boneage.preprocess.equalize.NoEqualizer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

/**
 * Reads and writes {@link PreprocessSpec} as JSON, the form stored in model bundles. Format version 1:
 *
 * <pre>{@code
 * {
 *   "formatVersion" : 1,
 *   "roi" : "roi2",
 *   "equalizer" : { "method" : "histeq-matlab", "bins" : 64 },
 *   "size" : 224,
 *   "channels" : 3,
 *   "mean" : [ 0.485, 0.456, 0.406 ],
 *   "std" : [ 0.229, 0.224, 0.225 ]
 * }
 * }</pre>
 *
 * Every field is required. The equalizer object holds {@code method} and exactly that method's parameters:
 * {@code bins} for {@code histeq-matlab}; {@code clipLimit}, {@code tileGridWidth} and {@code tileGridHeight} for
 * {@code clahe}; none for {@code none} and {@code histeq}. Unknown or duplicate fields, wrong types, an unknown
 * {@code formatVersion} and invalid values are refused with an {@link InputFormatException} naming the source, the
 * line and the field (as a path such as {@code equalizer.bins}).
 */
public final class PreprocessSpecJson {

    /** The format version this class writes and the only one it reads. */
    public static final int FORMAT_VERSION = 1;

    private static final JsonFactory FACTORY = JsonFactory.builder()
            .enable(com.fasterxml.jackson.core.StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();
    private static final ObjectMapper MAPPER = new ObjectMapper(FACTORY).enable(SerializationFeature.INDENT_OUTPUT);
    private static final Set<String> TOP_FIELDS = Set.of("formatVersion", "roi", "equalizer", "size", "channels", "mean", "std");

    private PreprocessSpecJson() {
    }

    /**
     * @param spec the specification to write
     * @return the spec as a JSON tree, for embedding in a larger document
     */
    public static ObjectNode toTree(PreprocessSpec spec) {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("formatVersion", FORMAT_VERSION);
        root.put("roi", spec.roi().label());
        ObjectNode eq = root.putObject("equalizer");
        EqualizerSpec e = spec.equalizer();
        eq.put("method", e.method());
        switch (e.method()) {
            case MatlabHistogramEqualizer.NAME -> eq.put("bins", e.bins());
            case ClaheEqualizer.NAME -> {
                eq.put("clipLimit", e.clipLimit());
                eq.put("tileGridWidth", e.tileGridWidth());
                eq.put("tileGridHeight", e.tileGridHeight());
            }
            default -> {
                // none and histeq have no parameters
            }
        }
        root.put("size", spec.size());
        root.put("channels", spec.channels());
        ArrayNode mean = root.putArray("mean");
        for (double m : spec.mean()) {
            mean.add(m);
        }
        ArrayNode std = root.putArray("std");
        for (double s : spec.std()) {
            std.add(s);
        }
        return root;
    }

    /**
     * @param spec the specification to write
     * @return the spec as indented JSON text
     */
    public static String write(PreprocessSpec spec) {
        try {
            return MAPPER.writeValueAsString(toTree(spec)) + System.lineSeparator();
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialize " + spec, e);
        }
    }

    /**
     * @param spec the spec
     * @param file the destination, created or replaced (UTF-8)
     * @throws UncheckedIOException if the file cannot be written
     */
    public static void write(PreprocessSpec spec, Path file) {
        try {
            Files.writeString(file, write(spec), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * @param file a spec file (UTF-8)
     * @return the spec
     * @throws InputFormatException naming the file, line and field when the file is unreadable or invalid
     */
    public static PreprocessSpec read(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new InputFormatException(file.toString(), "cannot read the file: " + e, e);
        }
        return read(text, file.toString());
    }

    /**
     * @param json   the JSON text
     * @param source a name for error messages
     * @return the spec
     * @throws InputFormatException naming the source, line and field when the text is invalid
     */
    public static PreprocessSpec read(String json, String source) {
        Map<String, Long> lines = fieldLines(json, source);
        JsonNode root;
        try {
            root = MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw syntaxError(source, e);
        }
        return new Reader(source, lines).spec(root);
    }

    /**
     * Reads a spec embedded in a larger document, where lines are not known.
     *
     * @param tree   the spec object
     * @param source a name for error messages
     * @return the spec
     * @throws InputFormatException naming the source and field when the tree is invalid
     */
    public static PreprocessSpec fromTree(JsonNode tree, String source) {
        return new Reader(source, Map.of()).spec(tree);
    }

    private static InputFormatException syntaxError(String source, JsonProcessingException e) {
        long line = e.getLocation() == null ? 0 : Math.max(0, e.getLocation().getLineNr());
        return new InputFormatException(source, line, null, "malformed JSON: " + e.getOriginalMessage());
    }

    /** The 1-based line of every field, keyed by its dotted path, so that errors found later can point at it. */
    private static Map<String, Long> fieldLines(String json, String source) {
        Map<String, Long> lines = new HashMap<>();
        try (JsonParser p = FACTORY.createParser(json)) {
            JsonToken t;
            while ((t = p.nextToken()) != null) {
                if (t == JsonToken.FIELD_NAME) {
                    String path = p.getParsingContext().pathAsPointer().toString().substring(1).replace('/', '.');
                    lines.putIfAbsent(path, (long) p.currentTokenLocation().getLineNr());
                }
            }
        } catch (JsonProcessingException e) {
            throw syntaxError(source, e);
        } catch (IOException e) {
            throw new InputFormatException(source, "cannot read JSON: " + e.getMessage(), e);
        }
        return lines;
    }

    /** Validates a tree field by field. */
    private static final class Reader {
        private final String source;
        private final Map<String, Long> lines;

        Reader(String source, Map<String, Long> lines) {
            this.source = source;
            this.lines = lines;
        }

        private InputFormatException error(String field, String reason) {
            return new InputFormatException(source, lines.getOrDefault(field, 0L), field, reason);
        }

        PreprocessSpec spec(JsonNode root) {
            if (root == null || !root.isObject()) {
                throw new InputFormatException(source, 1, null, "a preprocessing spec must be a JSON object");
            }
            rejectUnknown(root, TOP_FIELDS, "");
            JsonNode version = require(root, "formatVersion", "");
            if (!version.isIntegralNumber() || !version.canConvertToInt() || version.intValue() != FORMAT_VERSION) {
                throw error("formatVersion", "unsupported formatVersion " + version + " (this library reads " + FORMAT_VERSION + ")");
            }
            RoiScheme roi;
            String roiLabel = text(root, "roi", "");
            try {
                roi = RoiScheme.parse(roiLabel);
            } catch (IllegalArgumentException e) {
                throw error("roi", e.getMessage());
            }
            EqualizerSpec equalizer = equalizer(require(root, "equalizer", ""));
            int size = integer(root, "size", "");
            int channels = integer(root, "channels", "");
            double[] mean = numbers(root, "mean");
            double[] std = numbers(root, "std");
            if (size < 0) {
                throw error("size", "size must be >= 0 (0 keeps the crop's size), got " + size);
            }
            if (channels != 1 && channels != 3) {
                throw error("channels", "channels must be 1 or 3, got " + channels);
            }
            if (mean.length != channels) {
                throw error("mean", "mean needs " + channels + " entries (one per channel), got " + mean.length);
            }
            if (std.length != channels) {
                throw error("std", "std needs " + channels + " entries (one per channel), got " + std.length);
            }
            for (double s : std) {
                if (!(s > 0)) {
                    throw error("std", "std entries must be > 0, got " + s);
                }
            }
            return new PreprocessSpec(roi, equalizer, size, channels, mean, std);
        }

        private EqualizerSpec equalizer(JsonNode node) {
            if (!node.isObject()) {
                throw error("equalizer", "equalizer must be an object with a method, got " + node);
            }
            String method = text(node, "method", "equalizer").trim().toLowerCase(java.util.Locale.ROOT);
            EqualizerSpec spec;
            switch (method) {
                case NoEqualizer.NAME, HistogramEqualizer.NAME -> {
                    rejectUnknown(node, Set.of("method"), "equalizer");
                    spec = new EqualizerSpec(method, 0, 0, 0, 0);
                }
                case MatlabHistogramEqualizer.NAME -> {
                    rejectUnknown(node, Set.of("method", "bins"), "equalizer");
                    spec = new EqualizerSpec(method, integer(node, "bins", "equalizer"), 0, 0, 0);
                }
                case ClaheEqualizer.NAME -> {
                    rejectUnknown(node, Set.of("method", "clipLimit", "tileGridWidth", "tileGridHeight"), "equalizer");
                    JsonNode clip = require(node, "clipLimit", "equalizer");
                    if (!clip.isNumber()) {
                        throw error("equalizer.clipLimit", "clipLimit must be a number, got " + clip);
                    }
                    spec = new EqualizerSpec(method, 0, clip.doubleValue(), integer(node, "tileGridWidth", "equalizer"),
                            integer(node, "tileGridHeight", "equalizer"));
                }
                default -> throw error("equalizer.method", "unknown equalizer '" + method
                        + "' (expected none, histeq, histeq-matlab or clahe)");
            }
            try {
                Equalizers.create(spec);
            } catch (IllegalArgumentException e) {
                throw error("equalizer", e.getMessage());
            }
            return spec;
        }

        private void rejectUnknown(JsonNode node, Set<String> allowed, String parent) {
            Iterator<String> names = node.fieldNames();
            while (names.hasNext()) {
                String name = names.next();
                if (!allowed.contains(name)) {
                    String path = parent.isEmpty() ? name : parent + "." + name;
                    throw error(path, "unknown field '" + name + "'" + (parent.isEmpty() ? "" : " in " + parent)
                            + " (expected " + String.join(", ", new java.util.TreeSet<>(allowed)) + ")");
                }
            }
        }

        private JsonNode require(JsonNode node, String name, String parent) {
            JsonNode value = node.get(name);
            String path = parent.isEmpty() ? name : parent + "." + name;
            if (value == null || value.isNull()) {
                throw new InputFormatException(source, lines.getOrDefault(parent, 0L), path, path + " is missing");
            }
            return value;
        }

        private String text(JsonNode node, String name, String parent) {
            JsonNode value = require(node, name, parent);
            if (!value.isTextual()) {
                String path = parent.isEmpty() ? name : parent + "." + name;
                throw error(path, path + " must be a string, got " + value);
            }
            return value.textValue();
        }

        private int integer(JsonNode node, String name, String parent) {
            JsonNode value = require(node, name, parent);
            if (!value.isIntegralNumber() || !value.canConvertToInt()) {
                String path = parent.isEmpty() ? name : parent + "." + name;
                throw error(path, path + " must be an integer, got " + value);
            }
            return value.intValue();
        }

        private double[] numbers(JsonNode node, String name) {
            JsonNode value = require(node, name, "");
            if (!value.isArray()) {
                throw error(name, name + " must be an array of numbers, got " + value);
            }
            double[] out = new double[value.size()];
            for (int i = 0; i < out.length; i++) {
                JsonNode v = value.get(i);
                if (!v.isNumber() || !Double.isFinite(v.doubleValue())) {
                    throw error(name, name + "[" + i + "] must be a finite number, got " + v);
                }
                out[i] = v.doubleValue();
            }
            return out;
        }
    }
}

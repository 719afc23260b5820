package io.github.boneage.djl.manifest;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import io.github.boneage.core.HeldOutMetrics;
import io.github.boneage.core.InputFormatException;
import io.github.boneage.preprocess.PreprocessSpec;
import io.github.boneage.preprocess.PreprocessSpecJson;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.stream.Collectors;

/**
 * Reads and writes {@code boneage-model.json}. Reading is strict: unknown fields, missing required fields, a missing
 * or unknown {@code formatVersion} and inconsistent fields are errors, reported with the line and field where JSON
 * gives one.
 *
 * <p>The {@code preprocessing} object is the preprocessing module's own format ({@link PreprocessSpecJson}, with its
 * own {@code formatVersion}), so a spec reads and writes the same inside a bundle and on its own.
 */
public final class ManifestJson {

    /** The manifest's file name inside a bundle. */
    public static final String FILE_NAME = "boneage-model.json";

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .addModule(new SimpleModule("boneage-manifest")
                    .addSerializer(PreprocessSpec.class, new PreprocessSpecSerializer())
                    .addDeserializer(PreprocessSpec.class, new PreprocessSpecDeserializer()))
            // Optional figures are left out rather than written as null, as everywhere else in the manifest.
            .addMixIn(HeldOutMetrics.class, NonNullFields.class)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
            .enable(SerializationFeature.INDENT_OUTPUT)
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            .build();

    private ManifestJson() {
    }

    /**
     * Parses and validates a manifest.
     *
     * @param json   the file's bytes (UTF-8)
     * @param source the file's name for messages
     * @return the manifest, validated
     * @throws InputFormatException naming the source, and where known the line and field, when the JSON is malformed,
     *                              its {@code formatVersion} is missing or unknown, or its fields are inconsistent
     */
    public static ModelManifest read(byte[] json, String source) {
        JsonNode tree;
        try {
            tree = MAPPER.readTree(json);
        } catch (IOException e) {
            throw formatError(source, e);
        }
        if (tree == null || !tree.isObject()) {
            throw new InputFormatException(source, 1, null, "not a JSON object");
        }
        JsonNode version = tree.get("formatVersion");
        if (version == null || !version.isInt()) {
            throw new InputFormatException(source, 0, "formatVersion", "missing or not an integer");
        }
        if (version.intValue() != ModelManifest.FORMAT_VERSION) {
            throw new InputFormatException(source, 0, "formatVersion", "unknown format version " + version.intValue()
                    + " (this library reads version " + ModelManifest.FORMAT_VERSION + ")");
        }
        ModelManifest manifest;
        try {
            manifest = MAPPER.readValue(json, ModelManifest.class);
        } catch (IOException e) {
            throw formatError(source, e);
        }
        try {
            manifest.validate();
        } catch (IllegalArgumentException e) {
            throw new InputFormatException(source, 0, null, e.getMessage());
        }
        return manifest;
    }

    /**
     * @param manifest the manifest (validated first)
     * @return its JSON text, indented, with a final line break
     * @throws IllegalArgumentException if the manifest is invalid
     */
    public static String write(ModelManifest manifest) {
        manifest.validate();
        try {
            return MAPPER.writeValueAsString(manifest) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialize manifest " + manifest.name(), e);
        }
    }

    /**
     * @param manifest the manifest to write
     * @return {@link #write(ModelManifest)} as UTF-8 bytes
     */
    public static byte[] writeBytes(ModelManifest manifest) {
        return write(manifest).getBytes(StandardCharsets.UTF_8);
    }

    private static InputFormatException formatError(String source, IOException e) {
        long line = 0;
        if (e instanceof JsonProcessingException jpe) {
            JsonLocation loc = jpe.getLocation();
            line = loc == null ? 0 : Math.max(0, loc.getLineNr());
        }
        String field = null;
        String reason = e.getMessage();
        if (e instanceof JsonMappingException jme) {
            if (!jme.getPath().isEmpty()) {
                field = jme.getPath().stream()
                        .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
                        .collect(Collectors.joining(".")).replace(".[", "[");
            }
            reason = jme.getOriginalMessage();
        } else if (e instanceof JsonProcessingException jpe) {
            reason = jpe.getOriginalMessage();
        }
        if (reason != null && reason.length() > 300) {
            reason = reason.substring(0, 300) + "...";
        }
        InputFormatException ife = new InputFormatException(source, line, field, "malformed manifest: " + reason);
        ife.initCause(e);
        return ife;
    }

    /** Jackson mix-in: the core record carries no Jackson annotations. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    private abstract static class NonNullFields {
    }

    private static final class PreprocessSpecSerializer extends JsonSerializer<PreprocessSpec> {
        @Override
        public void serialize(PreprocessSpec value, JsonGenerator gen, SerializerProvider serializers) throws IOException {
            gen.writeTree(PreprocessSpecJson.toTree(value));
        }
    }

    private static final class PreprocessSpecDeserializer extends JsonDeserializer<PreprocessSpec> {
        @Override
        public PreprocessSpec deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            JsonNode tree = p.readValueAsTree();
            try {
                return PreprocessSpecJson.fromTree(tree, "preprocessing");
            } catch (InputFormatException e) {
                throw JsonMappingException.from(p, e.getMessage(), e);
            }
        }
    }
}

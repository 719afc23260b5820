package io.github.boneage.djl;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.github.boneage.core.BoneAgeEstimator;
import io.github.boneage.core.EnsembleEstimator;
import io.github.boneage.core.HeldOutMetrics;
import io.github.boneage.core.LinearCorrection;
import io.github.boneage.core.ModelInfo;
import io.github.boneage.core.ModelProvenance;
import io.github.boneage.core.Sex;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * A folder holding several model bundles and {@value #FILE_NAME}, which names them and their weights: the bundle form
 * of an {@link EnsembleEstimator}. Each member is an ordinary model bundle in a sub-folder, checked as
 * {@link ModelBundle#load(Path)} checks any bundle. The file:
 *
 * <pre>{@code
 * {
 *   "format": "boneage-ensemble/1",
 *   "name": "boneage-v2",
 *   "members": [ { "bundle": "whole", "weight": 0.5 }, { "bundle": "roi1", "weight": 0.5 } ],
 *   "correction": { "male": { "intercept": -1.2, "slope": 1.015 }, "female": { "intercept": -0.9, "slope": 1.02 } },
 *   "provenance": { "trainingData": "...", "split": "...", "trainerSettings": { }, "validationMetrics": { },
 *                   "libraryVersion": "...", "createdAt": "..." },
 *   "heldOutMetrics": { "n": 1000, "mad": 8.1, "ccc": 0.95, "data": "...", "command": "..." }
 * }
 * }</pre>
 *
 * {@code correction}, {@code provenance} and {@code heldOutMetrics} are optional. {@code correction} holds a
 * {@link LinearCorrection} for {@code male}, {@code female} or both, applied to the weighted mean of that sex's
 * estimates ({@link EnsembleEstimator.Builder#optCorrection}). A member's folder must lie inside the ensemble's folder.
 */
public final class EnsembleBundle {

    /** The file that makes a folder an ensemble bundle. */
    public static final String FILE_NAME = "boneage-ensemble.json";
    /** The format this version reads and writes. */
    public static final String FORMAT = "boneage-ensemble/1";

    private static final ObjectMapper MAPPER = JsonMapper.builder().build();

    private EnsembleBundle() {
    }

    /**
     * @param path a folder (or a file)
     * @return whether it is an ensemble bundle folder (it holds {@value #FILE_NAME})
     */
    public static boolean isEnsemble(Path path) {
        return Files.isRegularFile(path.resolve(FILE_NAME));
    }

    /**
     * Loads every member with default estimator settings.
     *
     * @param folder the ensemble bundle's folder
     * @return the ensemble, owning its members
     * @throws ModelBundleException naming the file and field when the description is malformed, or a member's
     *                              bundle is refused
     */
    public static EnsembleEstimator open(Path folder) {
        return open(folder, b -> { });
    }

    /**
     * Loads every member, each with a {@link DjlBoneAgeEstimator.Builder} that {@code options} may configure (device,
     * batch size, pool size...). Members already loaded are closed when a later one fails.
     *
     * @param folder  the ensemble bundle's folder
     * @param options applied to each member's builder after its bundle is set
     * @return the ensemble, owning its members
     * @throws ModelBundleException naming the file and field when the description is malformed, or a member's
     *                              bundle is refused
     */
    public static EnsembleEstimator open(Path folder, Consumer<DjlBoneAgeEstimator.Builder> options) {
        Objects.requireNonNull(options, "options");
        Description d = read(folder);
        List<BoneAgeEstimator> opened = new ArrayList<>();
        try {
            EnsembleEstimator.Builder b = EnsembleEstimator.builder().optName(d.name());
            for (MemberEntry m : d.members()) {
                DjlBoneAgeEstimator.Builder member = DjlBoneAgeEstimator.builder().setBundle(m.folder());
                options.accept(member);
                DjlBoneAgeEstimator estimator = member.build();
                opened.add(estimator);
                b.addMember(estimator, m.weight());
            }
            d.corrections().forEach(b::optCorrection);
            if (d.provenance() != null) {
                b.optProvenance(d.provenance());
            }
            if (d.heldOut() != null) {
                b.optHeldOutMetrics(d.heldOut());
            }
            return b.build();
        } catch (RuntimeException e) {
            for (BoneAgeEstimator o : opened) {
                try {
                    o.close();
                } catch (RuntimeException suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            throw e;
        }
    }

    /**
     * Reads an ensemble's identity from its files without starting an engine: the name, architecture and digest that
     * {@link #open(Path)}'s estimator reports ({@link EnsembleEstimator#architectureOf}, and
     * {@link EnsembleEstimator#digestOf} over the members' manifests, weights and correction, every weight file checked
     * against its SHA-256), the described provenance ({@code null} when the description records none) and held-out
     * figures.
     *
     * @param folder the ensemble bundle's folder
     * @return its identity
     * @throws ModelBundleException as {@link #open(Path)}
     */
    public static ModelInfo modelInfo(Path folder) {
        Description d = read(folder);
        List<ModelInfo> members = new ArrayList<>();
        for (MemberEntry m : d.members()) {
            try (ModelBundle bundle = ModelBundle.load(m.folder())) {
                members.add(bundle.modelInfo());
            }
        }
        String digest = EnsembleEstimator.digestOf(members, d.members().stream().map(MemberEntry::weight).toList(),
                d.corrections());
        return new ModelInfo(d.name(), EnsembleEstimator.architectureOf(members), digest, d.provenance(), d.heldOut());
    }

    /**
     * One member as described.
     *
     * @param folder its bundle folder, resolved inside the ensemble's folder
     * @param weight its weight
     */
    public record MemberEntry(Path folder, double weight) {
    }

    /**
     * What {@value #FILE_NAME} says.
     *
     * @param name       the ensemble's name
     * @param members    its members, in order
     * @param corrections the correction per sex (empty: none)
     * @param provenance how it was made; {@code null} when not recorded
     * @param heldOut    its accuracy on untouched held-out images; {@code null} when not recorded
     */
    public record Description(String name, List<MemberEntry> members, Map<Sex, LinearCorrection> corrections,
            ModelProvenance provenance, HeldOutMetrics heldOut) {
    }

    /**
     * Reads and checks {@value #FILE_NAME} without loading any network.
     *
     * @param folder the ensemble bundle's folder
     * @return what it describes
     * @throws ModelBundleException naming the file and field when it is missing or malformed
     */
    public static Description read(Path folder) {
        Path file = folder.resolve(FILE_NAME);
        String where = file.toString();
        JsonNode root;
        try {
            root = MAPPER.readTree(Files.readAllBytes(file));
        } catch (IOException e) {
            throw new ModelBundleException(where, "cannot read the ensemble description: " + e.getMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new ModelBundleException(where, "not a JSON object");
        }
        String format = root.path("format").asText(null);
        if (!FORMAT.equals(format)) {
            throw new ModelBundleException(where, "field 'format' must be \"" + FORMAT + "\", got " + root.get("format"));
        }
        String name = text(root, "name", where);
        JsonNode members = root.get("members");
        if (members == null || !members.isArray() || members.isEmpty()) {
            throw new ModelBundleException(where, "field 'members' must be a non-empty array");
        }
        Path base = folder.toAbsolutePath().normalize();
        List<MemberEntry> entries = new ArrayList<>();
        for (int i = 0; i < members.size(); i++) {
            JsonNode m = members.get(i);
            String field = "members[" + i + "]";
            String bundle = text(m, "bundle", where + ", " + field);
            Path resolved = base.resolve(bundle).normalize();
            if (!resolved.startsWith(base) || resolved.equals(base)) {
                throw new ModelBundleException(where, field + ".bundle '" + bundle + "' must name a sub-folder of " + base);
            }
            JsonNode w = m.get("weight");
            if (w == null || !w.isNumber() || !(w.asDouble() > 0) || Double.isInfinite(w.asDouble())) {
                throw new ModelBundleException(where, field + ".weight must be a positive number, got " + w);
            }
            entries.add(new MemberEntry(resolved, w.asDouble()));
        }
        Map<Sex, LinearCorrection> corrections = new EnumMap<>(Sex.class);
        if (root.hasNonNull("correction")) {
            JsonNode c = root.get("correction");
            if (!c.isObject() || c.isEmpty()) {
                throw new ModelBundleException(where, "field 'correction' must be an object with 'male' and/or 'female', got " + c);
            }
            var fields = c.fields();
            while (fields.hasNext()) {
                var e = fields.next();
                Sex sex = switch (e.getKey()) {
                    case "male" -> Sex.MALE;
                    case "female" -> Sex.FEMALE;
                    default -> throw new ModelBundleException(where, "correction." + e.getKey()
                            + " is not a sex: the correction's fields are 'male' and 'female'");
                };
                corrections.put(sex, correction(e.getValue(), "correction." + e.getKey(), where));
            }
        }
        ModelProvenance provenance = null;
        if (root.hasNonNull("provenance")) {
            JsonNode p = root.get("provenance");
            provenance = new ModelProvenance(p.path("trainingData").asText("unknown"), p.path("split").asText("unknown"),
                    strings(p.path("trainerSettings")), numbers(p.path("validationMetrics"), where), p.path("libraryVersion")
                    .asText("unknown"), p.path("createdAt").asText("unknown"));
        }
        HeldOutMetrics heldOut = null;
        if (root.hasNonNull("heldOutMetrics")) {
            JsonNode h = root.get("heldOutMetrics");
            try {
                heldOut = new HeldOutMetrics(h.path("n").asInt(0), h.path("mad").asDouble(Double.NaN), optional(h, "ccc"),
                        optional(h, "rmse"), optional(h, "within12"), h.path("data").asText(null), h.path("command").asText(null));
            } catch (IllegalArgumentException e) {
                throw new ModelBundleException(where, e.getMessage(), e);
            }
        }
        return new Description(name, List.copyOf(entries), Collections.unmodifiableMap(corrections), provenance, heldOut);
    }

    private static LinearCorrection correction(JsonNode node, String field, String where) {
        JsonNode intercept = node.get("intercept");
        JsonNode slope = node.get("slope");
        if (intercept == null || !intercept.isNumber() || slope == null || !slope.isNumber()) {
            throw new ModelBundleException(where, field + " must hold the numbers 'intercept' and 'slope', got " + node);
        }
        try {
            return new LinearCorrection(intercept.asDouble(), slope.asDouble());
        } catch (IllegalArgumentException e) {
            throw new ModelBundleException(where, field + ": " + e.getMessage(), e);
        }
    }

    private static String text(JsonNode node, String field, String where) {
        JsonNode v = node.get(field);
        if (v == null || !v.isTextual() || v.asText().isBlank()) {
            throw new ModelBundleException(where, "field '" + field + "' must be a non-empty string, got " + v);
        }
        return v.asText();
    }

    private static Double optional(JsonNode node, String field) {
        return node.hasNonNull(field) ? node.get(field).asDouble() : null;
    }

    private static Map<String, String> strings(JsonNode node) {
        Map<String, String> out = new LinkedHashMap<>();
        node.fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().asText()));
        return out;
    }

    private static Map<String, Double> numbers(JsonNode node, String where) {
        Map<String, Double> out = new LinkedHashMap<>();
        node.fields().forEachRemaining(e -> {
            if (!e.getValue().isNumber()) {
                throw new ModelBundleException(where, "provenance.validationMetrics." + e.getKey() + " must be a number");
            }
            out.put(e.getKey(), e.getValue().asDouble());
        });
        return out;
    }
}

package io.github.boneage.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.boneage.core.BoneAgeEstimate;
import io.github.boneage.core.BoneAgeException;
import io.github.boneage.core.EstimationOutcome;
import io.github.boneage.core.EstimationRequest;
import io.github.boneage.core.HandLandmarks;
import io.github.boneage.core.Sex;
import io.github.boneage.core.image.GreyImage;
import io.github.boneage.core.landmarks.LandmarksTable;
import io.github.boneage.djl.DjlBoneAgeEstimator;
import io.github.boneage.preprocess.io.ImageDecoder;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code boneage estimate}: one bone-age estimate per image, with the shipped default model or a given bundle. */
@Command(name = "estimate",
        mixinStandardHelpOptions = true,
        description = "Estimate bone age for each IMAGE (PNG/JPEG files or folders, walked recursively).")
final class EstimateCommand implements Callable<Integer> {

    /** Output formats. */
    enum Format { table, json, csv }

    /** Images decoded and estimated together; bounds memory for large folders. */
    private static final int CHUNK = 16;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(arity = "1..*", paramLabel = "IMAGE", description = "Image files or folders.")
    List<Path> inputs;

    @Option(names = "--sex", paramLabel = "SEX", converter = Converters.SexConverter.class, defaultValue = "unknown",
            description = "male, female or unknown, for all images (default: ${DEFAULT-VALUE}).")
    Sex sex;

    @Option(names = "--age-months", paramLabel = "N", description = "Chronological age in months, for all images.")
    Double ageMonths;

    @Option(names = "--landmarks", paramLabel = "FILE", description = "Landmarks CSV; rows matched by image name without extension.")
    Path landmarks;

    @Option(names = "--model", paramLabel = "BUNDLE", description = "Model bundle folder or zip (default: the shipped default model).")
    Path model;

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "table",
            description = "table, json or csv (default: ${DEFAULT-VALUE}).")
    Format format;

    @Override
    public Integer call() {
        if (ageMonths != null && (!Double.isFinite(ageMonths) || ageMonths < 0)) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--age-months must be >= 0, got " + ageMonths);
        }
        List<Path> images = ImageFiles.expand(inputs);
        LandmarksTable table = landmarks == null ? null : Inputs.readLandmarks(landmarks);
        List<Row> rows = new ArrayList<>(images.size());
        ImageDecoder decoder = ImageDecoder.create();
        try (DjlBoneAgeEstimator estimator = DjlBoneAgeEstimator.builder().setBundle(ModelLocator.resolve(model)).build()) {
            for (int start = 0; start < images.size(); start += CHUNK) {
                List<Path> chunk = images.subList(start, Math.min(images.size(), start + CHUNK));
                // Rows stay in input order: undecodable images fill their slot now, estimates fill the rest below.
                Row[] chunkRows = new Row[chunk.size()];
                List<EstimationRequest> requests = new ArrayList<>();
                List<Integer> slots = new ArrayList<>();
                for (int i = 0; i < chunk.size(); i++) {
                    try {
                        requests.add(request(decoder, chunk.get(i), table));
                        slots.add(i);
                    } catch (BoneAgeException e) {
                        chunkRows[i] = Row.failed(chunk.get(i), e.getMessage());
                    }
                }
                List<EstimationOutcome> outcomes = estimator.estimateBatch(requests);
                for (int k = 0; k < outcomes.size(); k++) {
                    EstimationOutcome o = outcomes.get(k);
                    Path image = chunk.get(slots.get(k));
                    chunkRows[slots.get(k)] = o.isSuccess() ? Row.ok(image, o.estimate().orElseThrow(), sex)
                            : Row.failed(image, o.error().orElseThrow().getMessage());
                }
                rows.addAll(Arrays.asList(chunkRows));
            }
        }
        print(rows, spec.commandLine().getOut());
        long failed = rows.stream().filter(r -> r.error != null).count();
        for (Row r : rows) {
            if (r.error != null) {
                spec.commandLine().getErr().println("boneage: " + r.error);
            }
        }
        return failed == 0 ? ExitCode.OK : ExitCode.PARTIAL;
    }

    private EstimationRequest request(ImageDecoder decoder, Path image, LandmarksTable table) {
        GreyImage decoded = decoder.decode(image);
        EstimationRequest.Builder b = EstimationRequest.builder().setImage(decoded).optSourceId(image.toString()).optSex(sex);
        if (ageMonths != null) {
            b.optChronologicalAgeMonths(ageMonths);
        }
        if (table != null) {
            HandLandmarks lm = table.forImage(Inputs.imageId(image), decoded.width(), decoded.height()).orElse(null);
            b.optLandmarks(lm);
        }
        return b.build();
    }

    private void print(List<Row> rows, PrintWriter out) {
        switch (format) {
            case json -> out.println(json(rows));
            case csv -> {
                out.println("file,sex,boneAgeMonths,roi,model,error");
                for (Row r : rows) {
                    out.println(String.join(",", Csv.quote(r.file.toString()), r.sex == null ? "" : r.sex,
                            r.estimate == null ? "" : String.format(Locale.ROOT, "%.2f", r.estimate.months()),
                            r.estimate == null ? "" : r.estimate.roiScheme().label(),
                            r.estimate == null ? "" : Csv.quote(r.estimate.model().name()),
                            r.error == null ? "" : Csv.quote(r.error)));
                }
            }
            default -> {
                out.printf("%-40s %-8s %10s  %-20s %-6s %s%n", "file", "sex", "months", "bone age", "roi", "model");
                for (Row r : rows) {
                    if (r.estimate == null) {
                        out.printf("%-40s FAILED: %s%n", r.file, r.error);
                    } else {
                        out.printf(Locale.ROOT, "%-40s %-8s %10.1f  %-20s %-6s %s%n", r.file, r.sex, r.estimate.months(),
                                r.estimate.humanReadable(), r.estimate.roiScheme().label(), r.estimate.model().name());
                    }
                }
            }
        }
        out.flush();
    }

    private static String json(List<Row> rows) {
        ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ArrayNode array = mapper.createArrayNode();
        for (Row r : rows) {
            ObjectNode o = array.addObject();
            o.put("file", r.file.toString());
            if (r.estimate != null) {
                o.put("boneAgeMonths", r.estimate.months());
                o.put("sex", r.sex);
                o.put("roi", r.estimate.roiScheme().label());
                o.put("model", r.estimate.model().name());
            } else {
                o.putNull("boneAgeMonths");
                o.put("error", r.error);
            }
        }
        try {
            return mapper.writeValueAsString(array);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** One line of output. */
    private static final class Row {
        final Path file;
        final BoneAgeEstimate estimate;
        final String sex;
        final String error;

        private Row(Path file, BoneAgeEstimate estimate, Sex sex, String error) {
            this.file = file;
            this.estimate = estimate;
            this.sex = sex == null ? null : sex.label();
            this.error = error;
        }

        /** The patient's sex as given is reported; a sex-agnostic model runs with {@link Sex#UNKNOWN} regardless. */
        static Row ok(Path file, BoneAgeEstimate estimate, Sex sex) {
            return new Row(file, estimate, sex, null);
        }

        static Row failed(Path file, String error) {
            return new Row(file, null, null, error);
        }
    }
}

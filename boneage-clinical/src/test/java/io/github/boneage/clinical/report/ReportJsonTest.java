package io.github.boneage.clinical.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.boneage.core.BoneAgeEstimate;
import io.github.boneage.core.Roi;
import io.github.boneage.core.RoiScheme;
import io.github.boneage.core.Sex;
import io.github.boneage.core.landmarks.HandMask;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The JSON report format against a golden file, and the sections that are null when they do not apply. */
class ReportJsonTest {

    @Test
    void fullReportMatchesTheGoldenFile() throws IOException {
        String actual = ReportJson.toJson(ReportFixtures.full(true));
        String golden;
        try (InputStream in = getClass().getResourceAsStream("/golden/report-full.json")) {
            golden = in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        if (!actual.equals(golden)) {
            // kept for diffing and, after review, for copying over the golden file
            Path out = Path.of("target", "golden-actual", "report-full.json");
            Files.createDirectories(out.getParent());
            Files.writeString(out, actual);
        }
        assertThat(actual).isEqualTo(golden);
    }

    @Test
    void theHandMaskIsItsAreaAndBox() throws IOException {
        JsonNode root = new ObjectMapper().readTree(ReportJson.toJson(ReportFixtures.full(false)));
        // 6 x 11 of 12 x 16 cells of 10 x 10 px: 34.4% of the image, the box x 30-90, y 40-150.
        assertThat(root.at("/handMask/areaPercent").asDouble()).isEqualTo(34.4);
        assertThat(root.at("/handMask/box/x").asInt()).isEqualTo(30);
        assertThat(root.at("/handMask/box/y").asInt()).isEqualTo(40);
        assertThat(root.at("/handMask/box/width").asInt()).isEqualTo(60);
        assertThat(root.at("/handMask/box/height").asInt()).isEqualTo(110);
        assertThatThrownBy(() -> BoneAgeReport.builder().setEstimate(ReportFixtures.full(false).estimate())
                .optImage(ReportFixtures.image()).optHandMask(new HandMask(100, 160, 10, 16, new float[160])).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("100x160").hasMessageContaining("120x160");
    }

    @Test
    void sdsFieldsAreTheHandComputedOnes() throws IOException {
        JsonNode root = new ObjectMapper().readTree(ReportJson.toJson(ReportFixtures.full(false)));
        // girl, 120 months: SD 11.73; (131.25 - 120) / 11.73 = 0.95908...
        assertThat(root.at("/reference/sdMonths").asDouble()).isEqualTo(11.73);
        assertThat(root.at("/reference/sds").asDouble()).isCloseTo(0.9590792839, within(1e-9));
        assertThat(root.at("/reference/verdict").asText()).isEqualTo("WITHIN_NORMAL_LIMITS");
        assertThat(root.get("heatmap").isNull()).isTrue();
    }

    @Test
    void sectionsThatDoNotApplyAreNullAndTheReasonIsAWarning() throws IOException {
        BoneAgeEstimate estimate = new BoneAgeEstimate("x.png", 60, Sex.UNKNOWN, RoiScheme.WHOLE, new Roi(0, 0, 8, 8),
                ReportFixtures.model());
        BoneAgeReport report = BoneAgeReport.builder().setEstimate(estimate).optChronologicalAgeMonths(50, "--age-months")
                .optGeneratedAt(Instant.EPOCH).build();
        JsonNode root = new ObjectMapper().readTree(ReportJson.toJson(report));
        for (String section : new String[] {"pixelSpacing", "interval", "reference", "landmarks", "handMask", "quality",
                "heatmap"}) {
            assertThat(root.get(section).isNull()).as(section).isTrue();
        }
        assertThat(root.at("/patient/sex").asText()).isEqualTo("unknown");
        assertThat(root.at("/patient/chronologicalAgeMonths").asDouble()).isEqualTo(50);
        assertThat(root.get("warnings").get(0).asText()).contains("sex-specific");

        BoneAgeReport tooOld = BoneAgeReport.builder().setEstimate(estimate).optPatientSex(Sex.FEMALE, "--sex")
                .optChronologicalAgeMonths(200, "--age-months").build();
        assertThat(tooOld.sds()).isEmpty();
        assertThat(tooOld.warnings()).singleElement().asString().contains("outside").contains("3 to 192");
    }

    @Test
    void reportsQuoteTheHeldOutFiguresAndLabelTheFallback() throws IOException {
        JsonNode full = new ObjectMapper().readTree(ReportJson.toJson(ReportFixtures.full(false)));
        assertThat(full.at("/model/heldOutMetrics/n").asInt()).isEqualTo(40);
        assertThat(full.at("/model/heldOutMetrics/mad").asDouble()).isEqualTo(11.25);
        assertThat(full.at("/model/accuracyBasis").asText()).isEqualTo(ModelAccuracy.HELD_OUT);
        assertThat(full.at("/model/accuracy").asText()).startsWith("MAD 11.25 months, CCC 0.875, RMSE 14.50 months, "
                + "60.0% within 12 months on 40 held-out images used neither for training nor for selection");
        String html = HtmlReport.toHtml(ReportFixtures.full(false));
        assertThat(html).contains("Model accuracy, held-out (untouched)").contains("MAD 11.25 months")
                .doesNotContain("MAD 9.50");
        assertThat(io.github.boneage.clinical.fhir.FhirObservation.toJson(ReportFixtures.full(false)))
                .contains("model accuracy, held-out (untouched): MAD 11.25 months");

        BoneAgeEstimate estimate = new BoneAgeEstimate("x", 60, Sex.UNKNOWN, RoiScheme.WHOLE, new Roi(0, 0, 8, 8),
                ReportFixtures.model());
        BoneAgeReport fallback = BoneAgeReport.builder().setEstimate(estimate).optGeneratedAt(Instant.EPOCH).build();
        JsonNode root = new ObjectMapper().readTree(ReportJson.toJson(fallback));
        assertThat(root.at("/model/heldOutMetrics").isNull()).isTrue();
        assertThat(root.at("/model/accuracyBasis").asText()).isEqualTo(ModelAccuracy.VALIDATION);
        assertThat(root.at("/model/accuracy").asText()).isEqualTo("MAD 9.50 months, CCC 0.910 on 20 validation images "
                + "that were used to select the model (optimistic; the bundle records no untouched held-out figures)");
        assertThat(HtmlReport.toHtml(fallback)).contains("Model accuracy, validation (used for selection)");
    }
}

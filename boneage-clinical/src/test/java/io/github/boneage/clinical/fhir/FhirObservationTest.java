package io.github.boneage.clinical.fhir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.boneage.clinical.report.ReportFixtures;
import java.io.IOException;
import org.junit.jupiter.api.Test;

/** The Observation's coding, value, reference range and interpretation. */
class FhirObservationTest {

    @Test
    void observationIsCodedWithLoincBoneAgeInMonths() throws IOException {
        JsonNode o = new ObjectMapper().readTree(FhirObservation.toJson(ReportFixtures.full(false)));
        assertThat(o.get("resourceType").asText()).isEqualTo("Observation");
        assertThat(o.get("status").asText()).isEqualTo("preliminary");
        assertThat(o.at("/code/coding/0/system").asText()).isEqualTo("http://loinc.org");
        assertThat(o.at("/code/coding/0/code").asText()).isEqualTo("85151-9");
        assertThat(o.at("/valueQuantity/value").asDouble()).isEqualTo(131.3);
        assertThat(o.at("/valueQuantity/system").asText()).isEqualTo("http://unitsofmeasure.org");
        assertThat(o.at("/valueQuantity/code").asText()).isEqualTo("mo");
        assertThat(o.at("/interpretation/0/coding/0/code").asText()).isEqualTo("N");
        // 120 +- 2 * 11.73
        assertThat(o.at("/referenceRange/0/low/value").asDouble()).isCloseTo(96.5, within(1e-9));
        assertThat(o.at("/referenceRange/0/high/value").asDouble()).isCloseTo(143.5, within(1e-9));
        assertThat(o.at("/note/0/text").asText()).contains("90% interval 118.5 to 144.0").contains("SDS +0.96");
        assertThat(o.has("subject")).isFalse();
    }
}

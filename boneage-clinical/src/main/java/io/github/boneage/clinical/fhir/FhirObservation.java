package io.github.boneage.clinical.fhir;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.boneage.clinical.reference.StandardDeviationScore;
import io.github.boneage.clinical.report.BoneAgeReport;
import io.github.boneage.clinical.report.ModelAccuracy;
import io.github.boneage.core.BoneAgeEstimate;
import java.util.Locale;

/**
 * A FHIR R4 Observation for a bone-age estimate, coded with LOINC {@value #LOINC_BONE_AGE} "XR Bone age" (the LOINC
 * term for reporting the bone age itself; LOINC 85150-1 would name the method). The value is in UCUM months
 * ({@code mo}); the status is {@code preliminary} because a clinician has not yet read it. When the SDS is known the
 * Observation carries the +-2 SD reference range and an interpretation ({@code L}, {@code N} or {@code H} from the HL7
 * v3 ObservationInterpretation code system for delayed, within normal limits and advanced). No subject is written:
 * the caller links the patient.
 */
public final class FhirObservation {

    /** LOINC code "XR Bone age". */
    public static final String LOINC_BONE_AGE = "85151-9";
    private static final String UCUM = "http://unitsofmeasure.org";
    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private FhirObservation() {
    }

    /**
     * @param report the report to express as an Observation
     * @return the Observation as an indented JSON document
     */
    public static String toJson(BoneAgeReport report) {
        try {
            return MAPPER.writeValueAsString(toTree(report)) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write FHIR JSON", e);
        }
    }

    /**
     * @param report the report to express as an Observation
     * @return the Observation as a JSON tree
     */
    public static ObjectNode toTree(BoneAgeReport report) {
        BoneAgeEstimate e = report.estimate();
        ObjectNode o = MAPPER.createObjectNode();
        o.put("resourceType", "Observation");
        o.put("status", "preliminary");
        ObjectNode category = o.putArray("category").addObject();
        coding(category, "http://terminology.hl7.org/CodeSystem/observation-category", "imaging", "Imaging");
        ObjectNode code = o.putObject("code");
        coding(code, "http://loinc.org", LOINC_BONE_AGE, "XR Bone age");
        code.put("text", "Bone age");
        o.put("issued", report.generatedAt().toString());
        quantity(o.putObject("valueQuantity"), e.months());
        o.putObject("method").put("text", "Automated estimate from a hand radiograph by the model " + e.model().name()
                + " (" + e.model().architecture() + "); model accuracy, " + ModelAccuracy.basis(e.model()) + ": "
                + ModelAccuracy.summary(e.model()));
        StringBuilder note = new StringBuilder("Source image: ").append(report.sourceId()).append('.');
        report.interval().ifPresent(i -> note.append(String.format(Locale.ROOT, " %.0f%% interval %.1f to %.1f months (%s).",
                i.coverage() * 100, i.lowerMonths(), i.upperMonths(), i.method())));
        if (report.sds().isPresent()) {
            StandardDeviationScore s = report.sds().get();
            String[] interpretation = switch (s.verdict()) {
                case DELAYED -> new String[] {"L", "Low", "bone age delayed"};
                case ADVANCED -> new String[] {"H", "High", "bone age advanced"};
                case WITHIN_NORMAL_LIMITS -> new String[] {"N", "Normal", "bone age within normal limits"};
            };
            ObjectNode interp = o.putArray("interpretation").addObject();
            coding(interp, "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation", interpretation[0], interpretation[1]);
            interp.put("text", interpretation[2]);
            ObjectNode range = o.putArray("referenceRange").addObject();
            quantity(range.putObject("low"), s.chronologicalAgeMonths() - 2 * s.sdMonths());
            quantity(range.putObject("high"), s.chronologicalAgeMonths() + 2 * s.sdMonths());
            range.put("text", String.format(Locale.ROOT, "+-2 SD of skeletal age at chronological age %.1f months, %s",
                    s.chronologicalAgeMonths(), s.reference()));
            note.append(String.format(Locale.ROOT, " SDS %+.2f (SD %.2f months, %s).", s.sds(), s.sdMonths(), s.reference()));
        }
        o.putArray("note").addObject().put("text", note.toString());
        return o;
    }

    private static void coding(ObjectNode concept, String system, String code, String display) {
        ObjectNode c = concept.putArray("coding").addObject();
        c.put("system", system);
        c.put("code", code);
        c.put("display", display);
    }

    private static void quantity(ObjectNode q, double months) {
        q.put("value", Math.round(months * 10) / 10.0);
        q.put("unit", "mo");
        q.put("system", UCUM);
        q.put("code", "mo");
    }
}

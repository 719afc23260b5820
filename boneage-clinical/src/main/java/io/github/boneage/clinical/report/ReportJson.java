package io.github.boneage.clinical.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.boneage.clinical.reference.GreulichPyleReference;
import io.github.boneage.clinical.reference.StandardDeviationScore;
import io.github.boneage.core.BoneAgeEstimate;
import io.github.boneage.core.Finger;
import io.github.boneage.core.HandLandmarks;
import io.github.boneage.core.HeldOutMetrics;
import io.github.boneage.core.ModelInfo;
import io.github.boneage.core.ModelProvenance;
import io.github.boneage.core.Point;
import io.github.boneage.core.ReferencePoint;
import io.github.boneage.core.Roi;
import io.github.boneage.core.landmarks.HandMask;
import java.util.Map;
import java.util.TreeMap;

/**
 * The per-image JSON report, format {@value #FORMAT} (documented in docs/clinical.md). Field order is fixed and map
 * keys are sorted, so equal reports give byte-equal documents. Sections that do not apply are {@code null}, never
 * left out. Thread-safe.
 */
public final class ReportJson {

    /** The format's name and version, written as {@code "format"}. */
    public static final String FORMAT = "boneage-report/1";

    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private ReportJson() {
    }

    /**
     * @param report the report to write
     * @return the report as an indented JSON document
     */
    public static String toJson(BoneAgeReport report) {
        try {
            return MAPPER.writeValueAsString(toTree(report)) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write report JSON", e);
        }
    }

    /**
     * @param report the report to write
     * @return the report as a JSON tree
     */
    public static ObjectNode toTree(BoneAgeReport report) {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("format", FORMAT);
        root.put("source", report.sourceId());
        root.put("generatedAt", report.generatedAt().toString());

        ObjectNode patient = root.putObject("patient");
        patient.put("sex", report.patientSex().label());
        patient.put("sexSource", report.sexSource().orElse(null));
        if (report.chronologicalAgeMonths().isPresent()) {
            patient.put("chronologicalAgeMonths", report.chronologicalAgeMonths().get());
        } else {
            patient.putNull("chronologicalAgeMonths");
        }
        patient.put("chronologicalAgeSource", report.chronologicalAgeSource().orElse(null));

        if (report.pixelSpacingMm().isPresent()) {
            double[] mm = report.pixelSpacingMm().get();
            ObjectNode spacing = root.putObject("pixelSpacing");
            spacing.put("rowMm", mm[0]);
            spacing.put("columnMm", mm[1]);
            spacing.put("source", report.pixelSpacingSource().orElse(null));
        } else {
            root.putNull("pixelSpacing");
        }

        BoneAgeEstimate e = report.estimate();
        ObjectNode estimate = root.putObject("estimate");
        estimate.put("boneAgeMonths", e.months());
        estimate.put("boneAge", e.humanReadable());
        estimate.put("sexUsed", e.sexUsed().label());
        estimate.put("roiScheme", e.roiScheme().label());
        roi(estimate.putObject("roi"), e.roi());

        if (report.interval().isPresent()) {
            PredictionInterval i = report.interval().get();
            ObjectNode interval = root.putObject("interval");
            interval.put("lowerMonths", i.lowerMonths());
            interval.put("upperMonths", i.upperMonths());
            interval.put("coverage", i.coverage());
            interval.put("method", i.method());
        } else {
            root.putNull("interval");
        }

        if (report.sds().isPresent()) {
            StandardDeviationScore s = report.sds().get();
            ObjectNode ref = root.putObject("reference");
            ref.put("name", s.reference());
            ref.put("source", GreulichPyleReference.SOURCE);
            ref.put("sdMonths", s.sdMonths());
            ref.put("sds", s.sds());
            ref.put("verdict", s.verdict().name());
        } else {
            root.putNull("reference");
        }

        if (report.landmarks().isPresent()) {
            landmarks(root.putObject("landmarks"), report.landmarks().get());
        } else {
            root.putNull("landmarks");
        }

        if (report.handMask().isPresent()) {
            HandMask m = report.handMask().get();
            ObjectNode mask = root.putObject("handMask");
            mask.put("areaPercent", Math.round(1000 * m.areaFraction()) / 10.0);
            if (m.bounds().isPresent()) {
                roi(mask.putObject("box"), m.bounds().get());
            } else {
                mask.putNull("box");
            }
            mask.put("gridWidth", m.gridWidth());
            mask.put("gridHeight", m.gridHeight());
        } else {
            root.putNull("handMask");
        }

        if (report.quality().isPresent()) {
            ObjectNode q = root.putObject("quality");
            q.put("verdict", report.quality().get().name());
            q.put("reason", report.qualityReason().orElse(null));
        } else {
            root.putNull("quality");
        }

        if (report.heatmap().isPresent()) {
            Heatmap h = report.heatmap().get();
            ObjectNode heat = root.putObject("heatmap");
            heat.put("method", h.method());
            heat.put("gridWidth", h.width());
            heat.put("gridHeight", h.height());
            roi(heat.putObject("roi"), h.roi());
        } else {
            root.putNull("heatmap");
        }

        model(root.putObject("model"), e.model());
        report.warnings().forEach(root.putArray("warnings")::add);
        return root;
    }

    private static void roi(ObjectNode node, Roi roi) {
        node.put("x", roi.x());
        node.put("y", roi.y());
        node.put("width", roi.width());
        node.put("height", roi.height());
    }

    private static void landmarks(ObjectNode node, HandLandmarks lm) {
        for (ReferencePoint rp : ReferencePoint.values()) {
            point(node.putObject(rp.columnPrefix()), lm.point(rp));
        }
        if (lm.hasFingertips()) {
            for (Finger f : Finger.values()) {
                point(node.putObject(f.tipColumnPrefix()), lm.fingertip(f).orElseThrow());
            }
        }
    }

    private static void point(ObjectNode node, Point p) {
        node.put("x", p.x());
        node.put("y", p.y());
    }

    private static void model(ObjectNode node, ModelInfo m) {
        node.put("name", m.name());
        node.put("architecture", m.architecture());
        node.put("digest", m.digest());
        ModelProvenance p = m.provenance();
        ObjectNode prov = node.putObject("provenance");
        prov.put("trainingData", p.trainingData());
        prov.put("split", p.split());
        ObjectNode settings = prov.putObject("trainerSettings");
        new TreeMap<>(p.trainerSettings()).forEach(settings::put);
        ObjectNode metrics = prov.putObject("validationMetrics");
        for (Map.Entry<String, Double> en : new TreeMap<>(p.validationMetrics()).entrySet()) {
            metrics.put(en.getKey(), en.getValue());
        }
        prov.put("libraryVersion", p.libraryVersion());
        prov.put("createdAt", p.createdAt());
        if (m.heldOut().isPresent()) {
            HeldOutMetrics h = m.heldOut().get();
            ObjectNode held = node.putObject("heldOutMetrics");
            held.put("n", h.n());
            held.put("mad", h.mad());
            held.put("ccc", h.ccc());
            held.put("rmse", h.rmse());
            held.put("within12", h.within12());
            held.put("data", h.data());
            held.put("command", h.command());
        } else {
            node.putNull("heldOutMetrics");
        }
        // Which figures a reader should quote, and the sentence the HTML report and the FHIR note print.
        node.put("accuracyBasis", ModelAccuracy.basis(m));
        node.put("accuracy", ModelAccuracy.summary(m));
    }
}

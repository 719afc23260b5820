package io.github.boneage.clinical.report;

import io.github.boneage.clinical.reference.GreulichPyleReference;
import io.github.boneage.clinical.reference.StandardDeviationScore;
import io.github.boneage.core.BoneAgeEstimate;
import io.github.boneage.core.ModelInfo;
import io.github.boneage.core.Sex;
import java.util.Base64;
import java.util.Locale;

/**
 * The human-readable per-image report: one self-contained HTML page (no external files or scripts) with the numbers,
 * the radiograph with its ROI, landmarks and optional heatmap as an embedded PNG, and the position on a growth chart
 * (when the sex and chronological age are known). Thread-safe.
 */
public final class HtmlReport {

    private HtmlReport() {
    }

    /**
     * @param report the report to render
     * @return the report as an HTML5 document
     */
    public static String toHtml(BoneAgeReport report) {
        BoneAgeEstimate e = report.estimate();
        StringBuilder h = new StringBuilder(64 * 1024);
        h.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>Bone age report: ")
                .append(esc(report.sourceId())).append("</title>\n<style>\n")
                .append("body{font-family:sans-serif;margin:2em;color:#222}table{border-collapse:collapse}")
                .append("td,th{border:1px solid #bbb;padding:4px 10px;text-align:left;vertical-align:top}")
                .append("th{background:#f0f0f0}.verdict{font-weight:bold}.warn{color:#a40}")
                .append("figure{display:inline-block;margin:1em 1em 0 0;vertical-align:top}img{border:1px solid #999}\n")
                .append("</style>\n</head>\n<body>\n<h1>Bone age report</h1>\n<table>\n");
        row(h, "Image", report.sourceId());
        row(h, "Sex", report.patientSex().label() + report.sexSource().map(s -> " (" + s + ")").orElse(""));
        row(h, "Chronological age", report.chronologicalAgeMonths()
                .map(m -> months(m) + report.chronologicalAgeSource().map(s -> " (" + s + ")").orElse("")).orElse("not known"));
        row(h, "Bone age (estimate)", months(e.months()));
        report.interval().ifPresent(i -> row(h, "Interval", String.format(Locale.ROOT, "%.1f to %.1f months (%.0f%%, %s)",
                i.lowerMonths(), i.upperMonths(), i.coverage() * 100, i.method())));
        if (report.sds().isPresent()) {
            StandardDeviationScore s = report.sds().get();
            row(h, "SD of bone age at this age", String.format(Locale.ROOT, "%.2f months (%s)", s.sdMonths(), s.reference()));
            row(h, "SDS", String.format(Locale.ROOT, "%+.2f", s.sds()));
            h.append("<tr><th>Verdict</th><td class=\"verdict\">").append(esc(verdictText(s))).append("</td></tr>\n");
        } else {
            row(h, "SDS", "not computed (see warnings)");
        }
        row(h, "ROI", e.roiScheme().label() + " " + e.roi().x() + "," + e.roi().y() + " " + e.roi().width() + "x" + e.roi().height()
                + report.pixelSpacingMm().map(mm -> String.format(Locale.ROOT, " px (%.1f x %.1f mm)", e.roi().width() * mm[1],
                        e.roi().height() * mm[0])).orElse(" px"));
        report.quality().ifPresent(q -> row(h, "Quality gate", q.name() + report.qualityReason().map(r -> ": " + r).orElse("")));
        ModelInfo m = e.model();
        row(h, "Model", m.name() + " (" + m.architecture() + ", weights SHA-256 " + m.digest() + ")");
        // Held-out figures when the bundle has them; the selection-time validation figures only as a labelled fallback.
        row(h, "Model accuracy, " + ModelAccuracy.basis(m), ModelAccuracy.summary(m));
        row(h, "Generated", report.generatedAt().toString());
        h.append("</table>\n");
        if (!report.warnings().isEmpty()) {
            h.append("<h2>Warnings</h2>\n<ul>\n");
            report.warnings().forEach(w -> h.append("<li class=\"warn\">").append(esc(w)).append("</li>\n"));
            h.append("</ul>\n");
        }
        if (report.image().isPresent()) {
            byte[] png = RadiographPicture.png(report.image().get(), e.roi(), report.landmarks().orElse(null),
                    report.heatmap().orElse(null));
            figure(h, png, "Radiograph", "radiograph with the model's region of interest"
                    + (report.landmarks().isPresent() ? ", landmarks" : "")
                    + (report.heatmap().map(x -> " and explanation heatmap (" + x.method() + "). Colour bar at the right: "
                    + "blue = low relevance (" + String.format(Locale.ROOT, "%.2f", RadiographPicture.range(x)[0])
                    + "), through cyan, green and yellow, to red = high relevance ("
                    + String.format(Locale.ROOT, "%.2f", RadiographPicture.range(x)[1])
                    + "); more opaque where higher").orElse("")));
        }
        if (report.patientSex() != Sex.UNKNOWN && report.sds().isPresent()) {
            byte[] chart = GrowthChart.png(report.patientSex(), report.chronologicalAgeMonths().orElseThrow(), e.months(),
                    report.interval().orElse(null));
            figure(h, chart, "Growth chart", "bone age against chronological age with the +-2 SD limits of "
                    + GreulichPyleReference.NAME);
        }
        h.append("<p><small>Reference: ").append(esc(GreulichPyleReference.SOURCE)).append(". Estimate made by software; ")
                .append("to be read by a qualified clinician.</small></p>\n</body>\n</html>\n");
        return h.toString();
    }

    private static String verdictText(StandardDeviationScore s) {
        return switch (s.verdict()) {
            case DELAYED -> "delayed (SDS below -2)";
            case ADVANCED -> "advanced (SDS above +2)";
            case WITHIN_NORMAL_LIMITS -> "within normal limits (SDS between -2 and +2)";
        };
    }

    private static String months(double m) {
        long total = Math.round(Math.abs(m));
        return String.format(Locale.ROOT, "%.1f months (%s%d years %d months)", m, m < 0 ? "-" : "", total / 12, total % 12);
    }

    private static void row(StringBuilder h, String name, String value) {
        h.append("<tr><th>").append(esc(name)).append("</th><td>").append(esc(value)).append("</td></tr>\n");
    }

    private static void figure(StringBuilder h, byte[] png, String alt, String caption) {
        h.append("<figure><img alt=\"").append(esc(alt)).append("\" src=\"data:image/png;base64,")
                .append(Base64.getEncoder().encodeToString(png)).append("\">\n<figcaption>").append(esc(caption))
                .append("</figcaption></figure>\n");
    }

    /** Escapes the five HTML-special characters; file names and reasons come from users. */
    static String esc(String s) {
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }
}

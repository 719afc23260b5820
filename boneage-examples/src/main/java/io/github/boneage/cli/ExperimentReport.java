package io.github.boneage.cli;

import io.github.boneage.cli.ExperimentCommand.Cell;
import io.github.boneage.cli.ExperimentCommand.CellResult;
import io.github.boneage.core.metrics.AgeMetrics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Renders {@code experiment.md}: the reduced-scale statement, the settings, and one markdown table per paper table. */
final class ExperimentReport {

    private static final Map<Integer, String> TITLES = Map.of(
            1, "Table 1: sex-agnostic vs sex-specific models",
            2, "Table 2: network architectures (sex-specific models)",
            3, "Table 3: regions of interest (GoogLeNet stand-in, sex-specific models)");

    /** The paper's own figures, for orientation only (2000 training / 800 test images, 224/227 px, Caffe on a GPU). */
    private static final Map<Integer, String> PAPER = Map.of(
            1, "Paper (MAD, male/female): CaffeNet agnostic 16.93, aware 12.65 (12.27, 13.03); GoogLeNet agnostic 12.64,"
                    + " aware 10.38 (10.19, 10.57).",
            2, "Paper (female MAD, CCC): CaffeNet 12.27, 0.904; GoogLeNet 8.89, 0.941; ResNet 15.37, 0.855.",
            3, "Paper (female MAD, CCC): ROI1 8.89, 0.944; ROI2 9.70, 0.931; ROI3 10.21, 0.922 (no whole-image row).");

    private final Path file;
    private final String command;
    private final List<String> settings;
    private final Map<Integer, List<Map.Entry<String, Cell>>> layout;

    /**
     * @param file     where to write
     * @param command  the command line, for the record
     * @param settings one line per setting
     * @param layout   each table's rows and the cell each shows
     */
    ExperimentReport(Path file, String command, List<String> settings, Map<Integer, List<Map.Entry<String, Cell>>> layout) {
        this.file = file;
        this.command = command;
        this.settings = List.copyOf(settings);
        this.layout = layout;
    }

    /**
     * (Re)writes the report with the results so far.
     *
     * @param results  results by {@link Cell#key()}; cells without one are shown as pending
     * @param minutes  wall time so far
     * @param finished whether every cell has run
     */
    void write(Map<String, CellResult> results, double minutes, boolean finished) {
        StringBuilder md = new StringBuilder();
        md.append("# Lee, Kim & Kim (2020), Tables 1-3, at reduced scale\n\n");
        md.append("**This run is at reduced scale** (few images, small input, few epochs, networks trained on a CPU")
                .append(settings.stream().anyMatch(s -> s.contains("pretrained TorchScript")) ? "" : " from scratch")
                .append("), so its figures are far from the paper's and compare the cells of each table with one another only.")
                .append(" All cells of a table share one seeded split; MAD and CCC are measured on its held-out images.\n\n");
        md.append(finished ? "" : "_Run in progress: pending cells have not finished yet._\n\n");
        md.append("## Settings\n\n");
        md.append("- command: `").append(command).append("`\n");
        settings.forEach(s -> md.append("- ").append(s).append('\n'));
        md.append(String.format(Locale.ROOT, "- wall time: %.1f min%s%n", minutes, finished ? "" : " so far"));
        for (Map.Entry<Integer, List<Map.Entry<String, Cell>>> table : layout.entrySet()) {
            int number = table.getKey();
            md.append("\n## ").append(TITLES.get(number)).append("\n\n");
            if (number == 1) {
                md.append("| Model | MAD (months) | MAD male | MAD female | CCC | held-out n | train min |\n");
                md.append("|---|---:|---:|---:|---:|---:|---:|\n");
            } else {
                md.append("| ").append(number == 2 ? "Network (stand-in)" : "ROI")
                        .append(" | MAD female | CCC female | MAD (months) | CCC | held-out n | train min |\n");
                md.append("|---|---:|---:|---:|---:|---:|---:|\n");
            }
            for (Map.Entry<String, Cell> row : table.getValue()) {
                md.append("| ").append(row.getKey()).append(" | ").append(cells(number, results.get(row.getValue().key())))
                        .append(" |\n");
            }
            md.append('\n').append(PAPER.get(number)).append('\n');
        }
        try {
            Files.writeString(file, md.toString(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    private static String cells(int table, CellResult r) {
        if (r == null) {
            return "pending | | | | | ";
        }
        if (r.error() != null) {
            return "failed: " + r.error().replace('|', '/').replace('\n', ' ') + " | | | | | ";
        }
        String n = Integer.toString(r.validationImages());
        String minutes = String.format(Locale.ROOT, "%.1f", r.minutes());
        if (table == 1) {
            return String.join(" | ", mad(r.all()), mad(r.male()), mad(r.female()), ccc(r.all()), n, minutes);
        }
        return String.join(" | ", mad(r.female()), ccc(r.female()), mad(r.all()), ccc(r.all()), n, minutes);
    }

    private static String mad(AgeMetrics m) {
        return m == null ? "-" : String.format(Locale.ROOT, "%.2f", m.mad());
    }

    private static String ccc(AgeMetrics m) {
        return m == null || !Double.isFinite(m.ccc()) ? "-" : String.format(Locale.ROOT, "%.3f", m.ccc());
    }
}

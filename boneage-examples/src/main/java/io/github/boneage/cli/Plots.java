package io.github.boneage.cli;

import io.github.boneage.core.Sex;
import io.github.boneage.djl.train.EpochRecord;
import java.awt.Color;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** The CLI's PNG charts, drawn with XChart: evaluation scatter and Bland–Altman plots, and training curves. */
final class Plots {

    private static final int WIDTH = 800;
    private static final int HEIGHT = 600;

    static {
        // Charts are drawn off-screen; without this a JVM on a machine without a display may try to open one.
        System.setProperty("java.awt.headless", "true");
    }

    private Plots() {
    }

    /**
     * Predicted against reference bone age, one colour per sex, with the identity line {@code y = x}.
     *
     * @param truth     reference ages, months
     * @param predicted estimates, months
     * @param sexes     each pair's sex
     * @param file      the PNG to write
     */
    static void predictedVersusTrue(double[] truth, double[] predicted, Sex[] sexes, Path file) {
        XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT).title("Predicted vs reference bone age (n=" + truth.length + ")")
                .xAxisTitle("reference bone age (months)").yAxisTitle("predicted bone age (months)").build();
        chart.getStyler().setMarkerSize(5);
        for (Sex sex : Sex.values()) {
            List<Integer> members = new ArrayList<>();
            for (int i = 0; i < sexes.length; i++) {
                if (sexes[i] == sex) {
                    members.add(i);
                }
            }
            if (!members.isEmpty()) {
                XYSeries s = chart.addSeries(sex.label(), pick(truth, members), pick(predicted, members));
                s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
            }
        }
        double lo = Math.min(min(truth), min(predicted));
        double hi = Math.max(max(truth), max(predicted));
        line(chart, "identity (y = x)", lo, lo, hi, hi, Color.BLACK);
        write(chart, file);
    }

    /**
     * Bland–Altman plot: the difference (predicted minus reference) against the mean of the two, with the bias and the
     * limits of agreement {@code bias ± 1.96 SD} (SD with {@code n - 1}).
     *
     * @param truth     reference ages, months
     * @param predicted estimates, months
     * @param file      the PNG to write
     */
    static void blandAltman(double[] truth, double[] predicted, Path file) {
        int n = truth.length;
        double[] mean = new double[n];
        double[] diff = new double[n];
        double bias = 0;
        for (int i = 0; i < n; i++) {
            mean[i] = (truth[i] + predicted[i]) / 2;
            diff[i] = predicted[i] - truth[i];
            bias += diff[i];
        }
        bias /= n;
        double squares = 0;
        for (double d : diff) {
            squares += (d - bias) * (d - bias);
        }
        double sd = n > 1 ? Math.sqrt(squares / (n - 1)) : 0;
        XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT).title("Bland-Altman (n=" + n + ")")
                .xAxisTitle("mean of predicted and reference (months)").yAxisTitle("predicted - reference (months)").build();
        chart.getStyler().setMarkerSize(5);
        chart.addSeries("images", mean, diff).setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
        double lo = min(mean);
        double hi = max(mean);
        line(chart, String.format(Locale.ROOT, "bias %.2f", bias), lo, bias, hi, bias, Color.BLACK);
        line(chart, String.format(Locale.ROOT, "bias + 1.96 SD = %.2f", bias + 1.96 * sd), lo, bias + 1.96 * sd, hi,
                bias + 1.96 * sd, Color.RED);
        line(chart, String.format(Locale.ROOT, "bias - 1.96 SD = %.2f", bias - 1.96 * sd), lo, bias - 1.96 * sd, hi,
                bias - 1.96 * sd, Color.RED);
        write(chart, file);
    }

    /**
     * Training curves as in the papers' figures: one PNG for the training loss and one for the validation MAD, each with
     * a linear and a logarithmic y-axis side by side, one series per network.
     *
     * @param history   every validation record of the run, all networks
     * @param lossFile  the loss PNG
     * @param madFile   the validation-MAD PNG; not written when no record has a validation MAD
     * @return the files written
     */
    static List<Path> trainingCurves(List<EpochRecord> history, Path lossFile, Path madFile) {
        List<Path> written = new ArrayList<>();
        if (curvePair(history, EpochRecord::trainLoss, "training loss", lossFile)) {
            written.add(lossFile);
        }
        if (curvePair(history, EpochRecord::validationMad, "validation MAD (months)", madFile)) {
            written.add(madFile);
        }
        return written;
    }

    private static boolean curvePair(List<EpochRecord> history, ToDoubleFunction<EpochRecord> value, String what, Path file) {
        Map<String, List<EpochRecord>> byNetwork = new LinkedHashMap<>();
        for (EpochRecord r : history) {
            if (Double.isFinite(value.applyAsDouble(r)) && value.applyAsDouble(r) > 0) {
                byNetwork.computeIfAbsent(r.network(), k -> new ArrayList<>()).add(r);
            }
        }
        if (byNetwork.isEmpty()) {
            return false;
        }
        List<XYChart> charts = new ArrayList<>();
        for (boolean log : new boolean[] {false, true}) {
            XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT)
                    .title(what + (log ? " (log scale)" : " (linear scale)")).xAxisTitle("epoch").yAxisTitle(what).build();
            chart.getStyler().setYAxisLogarithmic(log);
            byNetwork.forEach((network, records) -> chart.addSeries(network,
                    records.stream().mapToDouble(EpochRecord::epoch).toArray(),
                    records.stream().mapToDouble(value).toArray()));
            charts.add(chart);
        }
        try (OutputStream out = Files.newOutputStream(file)) {
            BitmapEncoder.saveBitmap(charts, 1, 2, out, BitmapEncoder.BitmapFormat.PNG);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write plot " + file + ": " + e.getMessage(), e);
        }
        return true;
    }

    private static void line(XYChart chart, String name, double x0, double y0, double x1, double y1, Color color) {
        XYSeries s = chart.addSeries(name, new double[] {x0, x1}, new double[] {y0, y1});
        s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
        s.setMarker(SeriesMarkers.NONE);
        s.setLineColor(color);
    }

    private static void write(XYChart chart, Path file) {
        try (OutputStream out = Files.newOutputStream(file)) {
            BitmapEncoder.saveBitmap(chart, out, BitmapEncoder.BitmapFormat.PNG);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write plot " + file + ": " + e.getMessage(), e);
        }
    }

    private static double[] pick(double[] values, List<Integer> indices) {
        return indices.stream().mapToDouble(i -> values[i]).toArray();
    }

    private static double min(double[] values) {
        double m = Double.POSITIVE_INFINITY;
        for (double v : values) {
            m = Math.min(m, v);
        }
        return m;
    }

    private static double max(double[] values) {
        double m = Double.NEGATIVE_INFINITY;
        for (double v : values) {
            m = Math.max(m, v);
        }
        return m;
    }
}

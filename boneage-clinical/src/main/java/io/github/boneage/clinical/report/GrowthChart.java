package io.github.boneage.clinical.report;

import io.github.boneage.clinical.reference.GreulichPyleReference;
import io.github.boneage.core.Sex;
import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * Draws bone age against chronological age (years) with the Greulich-Pyle +-2 SD limits around the line bone age =
 * chronological age, the patient's point and, when given, the interval as a vertical bar. Rendered with XChart to PNG.
 */
public final class GrowthChart {

    private static final int WIDTH = 640;
    private static final int HEIGHT = 440;

    private GrowthChart() {
    }

    /**
     * @param sex                    {@link Sex#MALE} or {@link Sex#FEMALE}
     * @param chronologicalAgeMonths the patient's age
     * @param boneAgeMonths          the estimate
     * @param interval               the estimate's interval, or {@code null}
     * @return the chart as PNG bytes
     * @throws io.github.boneage.clinical.reference.ReferenceNotApplicableException for {@link Sex#UNKNOWN}
     */
    public static byte[] png(Sex sex, double chronologicalAgeMonths, double boneAgeMonths, PredictionInterval interval) {
        List<GreulichPyleReference.Point> points = GreulichPyleReference.get().points(sex);
        int n = points.size();
        double[] age = new double[n];
        double[] upper = new double[n];
        double[] lower = new double[n];
        for (int i = 0; i < n; i++) {
            GreulichPyleReference.Point p = points.get(i);
            age[i] = p.ageMonths() / 12;
            upper[i] = (p.ageMonths() + 2 * p.sdMonths()) / 12;
            lower[i] = (p.ageMonths() - 2 * p.sdMonths()) / 12;
        }
        XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT)
                .title("Bone age vs chronological age (" + GreulichPyleReference.NAME + ", " + sex.label() + ")")
                .xAxisTitle("Chronological age (years)").yAxisTitle("Bone age (years)").build();
        chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNW);
        chart.getStyler().setChartBackgroundColor(Color.WHITE);
        chart.getStyler().setPlotGridLinesVisible(true);
        line(chart, "bone age = chronological age", age, age, new Color(90, 90, 90), false);
        line(chart, "+2 SD", age, upper, new Color(200, 80, 40), true);
        line(chart, "-2 SD", age, lower, new Color(40, 90, 200), true);
        if (interval != null) {
            double x = chronologicalAgeMonths / 12;
            XYSeries bar = chart.addSeries(String.format(java.util.Locale.ROOT, "%.0f%% interval", interval.coverage() * 100),
                    new double[] {x, x}, new double[] {interval.lowerMonths() / 12, interval.upperMonths() / 12});
            bar.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
            bar.setMarker(SeriesMarkers.RECTANGLE);
            bar.setLineColor(new Color(0, 150, 0));
            bar.setMarkerColor(new Color(0, 150, 0));
            bar.setLineStyle(new BasicStroke(3f));
        }
        XYSeries patient = chart.addSeries("this radiograph", new double[] {chronologicalAgeMonths / 12},
                new double[] {boneAgeMonths / 12});
        patient.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
        patient.setMarker(SeriesMarkers.DIAMOND);
        patient.setMarkerColor(Color.BLACK);
        try {
            return BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot render the growth chart", e);
        }
    }

    private static void line(XYChart chart, String name, double[] x, double[] y, Color colour, boolean dashed) {
        XYSeries s = chart.addSeries(name, x, y);
        s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
        s.setMarker(SeriesMarkers.NONE);
        s.setLineColor(colour);
        s.setLineStyle(dashed ? new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {6f, 4f}, 0f)
                : new BasicStroke(1.5f));
    }
}

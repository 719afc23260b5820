package io.github.boneage.preprocess.landmarks.impl;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Linear models that place the seven reference points in the hand frame of a {@link HandShape} from its geometric
 * features ({@link Features}): one row of coefficients per output coordinate, fitted by ridge regression on annotated
 * radiographs (see {@code docs/landmarks.md}) and shipped as the resource {@value #RESOURCE}.
 */
public final class PointModel {

    /** Classpath resource holding the fitted coefficients. */
    public static final String RESOURCE = "/io/github/boneage/preprocess/landmarks/point-model.csv";

    /** Which feature set a model reads. */
    public enum Kind {
        /** Five fingertips and four valleys were found: {@link Features#full(HandShape)}. */
        TIPS,
        /** Only the mask outline is usable: {@link Features#outline(HandShape)}. */
        OUTLINE
    }

    /** Name of the resource line holding {@link #reliability()}. */
    private static final String RELIABILITY = "reliability";

    private final Map<Kind, double[][]> coefficients;
    private final double[] reliability;

    private PointModel(Map<Kind, double[][]> coefficients, double[] reliability) {
        this.coefficients = coefficients;
        this.reliability = reliability;
    }

    /**
     * @param coefficients per kind, one row of coefficients per output (u then v of each reference point)
     * @return the model
     */
    public static PointModel of(Map<Kind, double[][]> coefficients) {
        double[] one = new double[7];
        java.util.Arrays.fill(one, 1);
        return of(coefficients, one);
    }

    /**
     * @param coefficients per kind, one row of coefficients per output
     * @param reliability  per reference point, the share of cross-validated placements within
     *                     {@value #RELIABLE_ERROR} of hand size of the annotation
     * @return the model
     */
    public static PointModel of(Map<Kind, double[][]> coefficients, double[] reliability) {
        return new PointModel(new EnumMap<>(coefficients), reliability.clone());
    }

    /** The error, as a fraction of hand size, within which a placement counts as reliable. */
    public static final double RELIABLE_ERROR = 0.10;

    /**
     * @return per reference point ({@code ReferencePoint} order), the share of cross-validated placements on the
     *         annotated tune images that fell within {@value #RELIABLE_ERROR} of hand size; all 1 when unknown
     */
    public double[] reliability() {
        return reliability.clone();
    }

    /** @return the shipped model */
    public static PointModel shipped() {
        try (InputStream in = PointModel.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("landmark point model resource " + RESOURCE + " is missing from the classpath");
            }
            return parse(new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + RESOURCE, e);
        }
    }

    private static PointModel parse(BufferedReader reader) throws IOException {
        Map<Kind, List<double[]>> rows = new EnumMap<>(Kind.class);
        double[] reliability = null;
        String line;
        while ((line = reader.readLine()) != null) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            String[] cells = line.split(",");
            if (cells[0].equals(RELIABILITY)) {
                reliability = new double[cells.length - 2];
                for (int i = 2; i < cells.length; i++) {
                    reliability[i - 2] = Double.parseDouble(cells[i]);
                }
                continue;
            }
            Kind kind = Kind.valueOf(cells[0].toUpperCase(Locale.ROOT));
            double[] c = new double[cells.length - 2];
            for (int i = 2; i < cells.length; i++) {
                c[i - 2] = Double.parseDouble(cells[i]);
            }
            rows.computeIfAbsent(kind, k -> new ArrayList<>()).add(c);
        }
        Map<Kind, double[][]> coefficients = new EnumMap<>(Kind.class);
        rows.forEach((k, v) -> coefficients.put(k, v.toArray(new double[0][])));
        if (reliability == null) {
            return of(coefficients);
        }
        return new PointModel(coefficients, reliability);
    }

    /**
     * @param kind the feature set
     * @return a copy of that model's coefficients, one row per output
     */
    public double[][] coefficients(Kind kind) {
        double[][] c = coefficients.get(kind);
        if (c == null) {
            throw new IllegalStateException("the landmark point model has no " + kind + " coefficients");
        }
        double[][] copy = new double[c.length][];
        for (int i = 0; i < c.length; i++) {
            copy[i] = c[i].clone();
        }
        return copy;
    }

    /**
     * @param kind     the feature set
     * @param features the features, as {@link Features} computes them for that kind
     * @return the outputs: u, v of each reference point in hand-frame units
     */
    public double[] predict(Kind kind, double[] features) {
        double[][] c = coefficients.get(kind);
        if (c == null) {
            throw new IllegalStateException("the landmark point model has no " + kind + " coefficients");
        }
        double[] out = new double[c.length];
        for (int o = 0; o < c.length; o++) {
            double s = 0;
            for (int i = 0; i < features.length; i++) {
                s += c[o][i] * features[i];
            }
            out[o] = s;
        }
        return out;
    }

    /**
     * @param header comment lines written first (each prefixed with {@code #}), e.g. how the model was fitted
     * @return the model as the text of {@value #RESOURCE}: one line per output, {@code kind,output,coefficients...}
     */
    public String toText(String header) {
        StringBuilder sb = new StringBuilder();
        for (String h : header.split("\n")) {
            sb.append("# ").append(h).append('\n');
        }
        for (Map.Entry<Kind, double[][]> e : coefficients.entrySet()) {
            double[][] c = e.getValue();
            for (int o = 0; o < c.length; o++) {
                sb.append(e.getKey().name().toLowerCase(Locale.ROOT)).append(',').append(Features.outputName(o));
                for (double v : c[o]) {
                    sb.append(',').append(String.format(Locale.ROOT, "%.6g", v));
                }
                sb.append('\n');
            }
        }
        sb.append(RELIABILITY).append(",all");
        for (double r : reliability) {
            sb.append(',').append(String.format(Locale.ROOT, "%.3f", r));
        }
        sb.append('\n');
        return sb.toString();
    }

    /**
     * Ridge regression: for each output column, the coefficients minimising squared error plus {@code lambda} times
     * the squared coefficients (the first feature, the constant 1, is not penalised).
     *
     * @param x      rows of features
     * @param y      rows of outputs
     * @param lambda the penalty
     * @return coefficients, one row per output
     */
    public static double[][] fitRidge(List<double[]> x, List<double[]> y, double lambda) {
        int p = x.get(0).length;
        int q = y.get(0).length;
        double[][] a = new double[p][p];
        double[][] b = new double[p][q];
        for (int n = 0; n < x.size(); n++) {
            double[] xi = x.get(n);
            double[] yi = y.get(n);
            for (int i = 0; i < p; i++) {
                for (int j = 0; j < p; j++) {
                    a[i][j] += xi[i] * xi[j];
                }
                for (int k = 0; k < q; k++) {
                    b[i][k] += xi[i] * yi[k];
                }
            }
        }
        for (int i = 1; i < p; i++) {
            a[i][i] += lambda * x.size();
        }
        double[][] solution = solve(a, b);
        double[][] out = new double[q][p];
        for (int k = 0; k < q; k++) {
            for (int i = 0; i < p; i++) {
                out[k][i] = solution[i][k];
            }
        }
        return out;
    }

    /** Gaussian elimination with partial pivoting; a is p x p, b is p x q. */
    private static double[][] solve(double[][] a, double[][] b) {
        int p = a.length;
        int q = b[0].length;
        for (int col = 0; col < p; col++) {
            int pivot = col;
            for (int r = col + 1; r < p; r++) {
                if (Math.abs(a[r][col]) > Math.abs(a[pivot][col])) {
                    pivot = r;
                }
            }
            double[] t = a[col];
            a[col] = a[pivot];
            a[pivot] = t;
            t = b[col];
            b[col] = b[pivot];
            b[pivot] = t;
            for (int r = col + 1; r < p; r++) {
                double f = a[r][col] / a[col][col];
                for (int c = col; c < p; c++) {
                    a[r][c] -= f * a[col][c];
                }
                for (int c = 0; c < q; c++) {
                    b[r][c] -= f * b[col][c];
                }
            }
        }
        double[][] x = new double[p][q];
        for (int r = p - 1; r >= 0; r--) {
            for (int c = 0; c < q; c++) {
                double s = b[r][c];
                for (int k = r + 1; k < p; k++) {
                    s -= a[r][k] * x[k][c];
                }
                x[r][c] = s / a[r][r];
            }
        }
        return x;
    }
}

package io.github.boneage.core.metrics;

import java.util.List;
import java.util.Locale;

/**
 * A range of reference bone ages, {@code [fromMonths, toMonths)}, over which errors are reported separately: a model's
 * overall MAD hides how it does on infants or adolescents, and its bias typically changes sign across the range
 * (regression towards the mean age overestimates the youngest and underestimates the oldest).
 *
 * @param fromMonths lower bound, inclusive, months (at least 0)
 * @param toMonths   upper bound, exclusive, months ({@link Double#POSITIVE_INFINITY} for an open top band)
 */
public record AgeBand(double fromMonths, double toMonths) {

    /**
     * The bands reported by default: three-year bands by reference age, 0-3 to 12-15 years, then 15 years and over.
     * Three years keeps about a hundred or more images per band in a held-out set of a thousand RSNA radiographs.
     */
    public static final List<AgeBand> THREE_YEAR = List.of(new AgeBand(0, 36), new AgeBand(36, 72), new AgeBand(72, 108),
            new AgeBand(108, 144), new AgeBand(144, 180), new AgeBand(180, Double.POSITIVE_INFINITY));

    /**
     * Checks the bounds.
     *
     * @param fromMonths lower bound, inclusive, months (at least 0)
     * @param toMonths   upper bound, exclusive, months, above {@code fromMonths}
     */
    public AgeBand {
        if (!(fromMonths >= 0) || Double.isInfinite(fromMonths) || !(toMonths > fromMonths)) {
            throw new IllegalArgumentException("an age band needs 0 <= from < to, got [" + fromMonths + ", " + toMonths + ")");
        }
    }

    /**
     * @param referenceMonths a reference bone age, months
     * @return whether it lies in this band
     */
    public boolean contains(double referenceMonths) {
        return referenceMonths >= fromMonths && referenceMonths < toMonths;
    }

    /** @return e.g. {@code 3-6 y} (whole years) or {@code 15+ y}, and months when the bounds are not whole years */
    public String label() {
        boolean years = fromMonths % 12 == 0 && (Double.isInfinite(toMonths) || toMonths % 12 == 0);
        double scale = years ? 12 : 1;
        String unit = years ? " y" : " m";
        String from = String.format(Locale.ROOT, "%.0f", fromMonths / scale);
        return Double.isInfinite(toMonths) ? from + "+" + unit
                : from + "-" + String.format(Locale.ROOT, "%.0f", toMonths / scale) + unit;
    }
}

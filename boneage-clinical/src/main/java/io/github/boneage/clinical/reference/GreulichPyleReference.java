package io.github.boneage.clinical.reference;

import io.github.boneage.core.Sex;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;

/**
 * The standard deviations of skeletal age by sex and chronological age from the Brush Foundation study, as printed in
 * Greulich and Pyle's atlas (2nd ed., 1959), and the standard deviation score of a bone age against them.
 *
 * <p>Between table ages the SD is interpolated linearly; outside the table's ages (boys 3 months to 17 years, girls 3
 * months to 16 years) and for an unknown sex a {@link ReferenceNotApplicableException} says so instead of
 * extrapolating. The table is the classpath resource {@code greulich-pyle-sd.csv} next to this class. Immutable and
 * thread-safe.
 */
public final class GreulichPyleReference {

    /** The reference's name as reports print it. */
    public static final String NAME = "Greulich-Pyle (Brush Foundation)";
    /** The citation for the table. */
    public static final String SOURCE = "Greulich WW, Pyle SI. Radiographic Atlas of Skeletal Development of the Hand and "
            + "Wrist, 2nd ed. Stanford University Press, 1959: standard deviations of skeletal age, Brush Foundation data";
    private static final String RESOURCE = "greulich-pyle-sd.csv";
    private static final GreulichPyleReference INSTANCE = load();

    /** One row of the table. */
    public record Point(double ageMonths, double sdMonths) {
    }

    private final Map<Sex, List<Point>> tables;

    private GreulichPyleReference(Map<Sex, List<Point>> tables) {
        this.tables = tables;
    }

    /** @return the embedded table */
    public static GreulichPyleReference get() {
        return INSTANCE;
    }

    private static GreulichPyleReference load() {
        Map<Sex, List<Point>> tables = new EnumMap<>(Sex.class);
        tables.put(Sex.MALE, new ArrayList<>());
        tables.put(Sex.FEMALE, new ArrayList<>());
        CSVFormat format = CSVFormat.DEFAULT.builder().setCommentMarker('#').setHeader().setSkipHeaderRecord(true).get();
        try (InputStream in = GreulichPyleReference.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("resource " + RESOURCE + " is missing from the classpath");
            }
            try (Reader r = new InputStreamReader(in, StandardCharsets.UTF_8)) {
                for (CSVRecord row : format.parse(r)) {
                    Sex sex = Sex.parse(row.get("sex"));
                    tables.get(sex).add(new Point(Double.parseDouble(row.get("ageMonths")), Double.parseDouble(row.get("sdMonths"))));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + RESOURCE, e);
        }
        tables.replaceAll((sex, points) -> List.copyOf(points));
        return new GreulichPyleReference(tables);
    }

    /**
     * @param sex {@link Sex#MALE} or {@link Sex#FEMALE}
     * @return the table rows in ascending age
     * @throws ReferenceNotApplicableException for {@link Sex#UNKNOWN}
     */
    public List<Point> points(Sex sex) {
        return table(sex);
    }

    /**
     * @param sex {@link Sex#MALE} or {@link Sex#FEMALE}
     * @return the first table age for the sex, in months
     */
    public double minAgeMonths(Sex sex) {
        return table(sex).get(0).ageMonths();
    }

    /**
     * @param sex {@link Sex#MALE} or {@link Sex#FEMALE}
     * @return the last table age for the sex, in months
     */
    public double maxAgeMonths(Sex sex) {
        List<Point> t = table(sex);
        return t.get(t.size() - 1).ageMonths();
    }

    /**
     * @param sex                    the child's sex
     * @param chronologicalAgeMonths the chronological age
     * @return the standard deviation of skeletal age at that age, interpolated linearly between table ages
     * @throws ReferenceNotApplicableException for an unknown sex or an age outside the table
     */
    public double sdMonths(Sex sex, double chronologicalAgeMonths) {
        List<Point> t = table(sex);
        if (!(chronologicalAgeMonths >= t.get(0).ageMonths())) {
            throw outside(ReferenceNotApplicableException.Reason.AGE_BELOW_TABLE, sex, chronologicalAgeMonths);
        }
        if (chronologicalAgeMonths > t.get(t.size() - 1).ageMonths()) {
            throw outside(ReferenceNotApplicableException.Reason.AGE_ABOVE_TABLE, sex, chronologicalAgeMonths);
        }
        for (int i = 1; i < t.size(); i++) {
            Point hi = t.get(i);
            if (chronologicalAgeMonths <= hi.ageMonths()) {
                Point lo = t.get(i - 1);
                double f = (chronologicalAgeMonths - lo.ageMonths()) / (hi.ageMonths() - lo.ageMonths());
                return lo.sdMonths() + f * (hi.sdMonths() - lo.sdMonths());
            }
        }
        return t.get(0).sdMonths();
    }

    /**
     * @param sex                    the child's sex
     * @param boneAgeMonths          the bone age (estimated or read)
     * @param chronologicalAgeMonths the chronological age
     * @return the standard deviation score and its verdict
     * @throws ReferenceNotApplicableException for an unknown sex or a chronological age outside the table
     */
    public StandardDeviationScore score(Sex sex, double boneAgeMonths, double chronologicalAgeMonths) {
        if (!Double.isFinite(boneAgeMonths)) {
            throw new IllegalArgumentException("bone age must be finite, got " + boneAgeMonths);
        }
        double sd = sdMonths(sex, chronologicalAgeMonths);
        double sds = (boneAgeMonths - chronologicalAgeMonths) / sd;
        return new StandardDeviationScore(sex, boneAgeMonths, chronologicalAgeMonths, sd, sds, MaturityVerdict.of(sds), NAME);
    }

    private List<Point> table(Sex sex) {
        List<Point> t = tables.get(sex);
        if (t == null) {
            throw new ReferenceNotApplicableException(ReferenceNotApplicableException.Reason.SEX_UNKNOWN,
                    "the " + NAME + " standard deviations are sex-specific: no SDS for sex " + sex.label());
        }
        return t;
    }

    private ReferenceNotApplicableException outside(ReferenceNotApplicableException.Reason reason, Sex sex, double age) {
        return new ReferenceNotApplicableException(reason, String.format(Locale.ROOT,
                "chronological age %.1f months is outside the %s table for %s (%.0f to %.0f months): no SDS, not extrapolated",
                age, NAME, sex.label(), minAgeMonths(sex), maxAgeMonths(sex)));
    }
}

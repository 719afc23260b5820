package io.github.boneage.core;

/**
 * A model returned a bone age no child can have: not a finite number, or outside
 * [{@value #MIN_MONTHS}, {@value #MAX_MONTHS}] months (birth to 20 years, the range of every bone-age reference and
 * data set this library knows). Such a value means a broken or hostile model (a wrong output scale, a diverged
 * network, a tampered manifest), never a patient finding, so it is reported as this error and never clamped into the
 * range: a clamped 240 would look like a real, extreme estimate.
 */
public class ImplausibleEstimateException extends BoneAgeException {

    /** The smallest plausible estimate, in months (birth). */
    public static final double MIN_MONTHS = 0;
    /** The largest plausible estimate, in months (20 years). */
    public static final double MAX_MONTHS = 240;

    /** The image the estimate was for. */
    private final String sourceId;
    /** The value the model returned, in months. */
    private final double months;
    /** The model's name (and where it was loaded from). */
    private final String model;

    /**
     * @param sourceId the image the estimate was for
     * @param months   the value the model returned
     * @param model    the model's name (and where it was loaded from), for the message
     */
    public ImplausibleEstimateException(String sourceId, double months, String model) {
        super(sourceId + ": model " + model + " returned " + months + " months, outside the plausible range ["
                + (int) MIN_MONTHS + ", " + (int) MAX_MONTHS + "] months (a broken or tampered model, not a finding)");
        this.sourceId = sourceId;
        this.months = months;
        this.model = model;
    }

    /**
     * @param months a model's output in months
     * @return whether it is finite and within [{@link #MIN_MONTHS}, {@link #MAX_MONTHS}]
     */
    public static boolean isPlausible(double months) {
        return Double.isFinite(months) && months >= MIN_MONTHS && months <= MAX_MONTHS;
    }

    /** @return the image the estimate was for */
    public String sourceId() {
        return sourceId;
    }

    /** @return the implausible value the model returned, in months (may be NaN or infinite) */
    public double months() {
        return months;
    }

    /** @return the model that returned it */
    public String model() {
        return model;
    }
}

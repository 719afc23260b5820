package io.github.boneage.clinical.report;

import io.github.boneage.core.HeldOutMetrics;
import io.github.boneage.core.ModelInfo;
import java.util.Locale;
import java.util.Map;

/**
 * The model accuracy a report quotes. Best: the figures measured on held-out images that took part neither in training
 * nor in choosing the model ({@link ModelInfo#heldOut()}, the bundle's {@code heldOutMetrics}). A bundle without them
 * falls back to its provenance's validation figures, labelled as used for selection (they chose the epoch or settings,
 * so they are optimistic). Thread-safe; no state.
 */
public final class ModelAccuracy {

    /** {@link #basis(ModelInfo)} when the bundle records untouched held-out figures. */
    public static final String HELD_OUT = "held-out (untouched)";
    /** {@link #basis(ModelInfo)} when only the validation figures used for selection are known. */
    public static final String VALIDATION = "validation (used for selection)";
    /** {@link #basis(ModelInfo)} when the bundle records no figures at all. */
    public static final String NONE = "not recorded";

    private ModelAccuracy() {
    }

    /**
     * @param model the model behind an estimate
     * @return which figures {@link #summary(ModelInfo)} quotes: {@link #HELD_OUT}, {@link #VALIDATION} or {@link #NONE}
     */
    public static String basis(ModelInfo model) {
        if (model.heldOut().isPresent()) {
            return HELD_OUT;
        }
        return model.provenance().validationMetrics().isEmpty() ? NONE : VALIDATION;
    }

    /**
     * @param model the model behind an estimate
     * @return one sentence with the figures and what they were measured on, e.g. {@code MAD 8.72 months, CCC 0.958,
     *         RMSE 11.36 months, 74.1% within 12 months, on 1000 held-out images used neither for training nor for
     *         selection (...)}
     */
    public static String summary(ModelInfo model) {
        if (model.heldOut().isPresent()) {
            HeldOutMetrics h = model.heldOut().get();
            StringBuilder s = new StringBuilder(String.format(Locale.ROOT, "MAD %.2f months", h.mad()));
            if (h.ccc() != null) {
                s.append(String.format(Locale.ROOT, ", CCC %.3f", h.ccc()));
            }
            if (h.rmse() != null) {
                s.append(String.format(Locale.ROOT, ", RMSE %.2f months", h.rmse()));
            }
            if (h.within12() != null) {
                s.append(String.format(Locale.ROOT, ", %.1f%% within 12 months", h.within12() * 100));
            }
            return s.append(" on ").append(h.n()).append(" held-out images used neither for training nor for selection (")
                    .append(h.data()).append(')').toString();
        }
        Map<String, Double> v = model.provenance().validationMetrics();
        if (v.isEmpty()) {
            return "no accuracy figures recorded in the model bundle";
        }
        StringBuilder s = new StringBuilder();
        if (v.containsKey("mad")) {
            s.append(String.format(Locale.ROOT, "MAD %.2f months", v.get("mad")));
        }
        if (v.containsKey("ccc")) {
            s.append(s.length() == 0 ? "" : ", ").append(String.format(Locale.ROOT, "CCC %.3f", v.get("ccc")));
        }
        if (v.containsKey("rmse")) {
            s.append(s.length() == 0 ? "" : ", ").append(String.format(Locale.ROOT, "RMSE %.2f months", v.get("rmse")));
        }
        if (s.length() == 0) {
            s.append("figures ").append(new java.util.TreeMap<>(v));
        }
        if (v.containsKey("n")) {
            s.append(String.format(Locale.ROOT, " on %.0f", v.get("n"))).append(" validation images");
        } else {
            s.append(" on the validation images");
        }
        return s.append(" that were used to select the model (optimistic; the bundle records no untouched held-out figures)")
                .toString();
    }
}

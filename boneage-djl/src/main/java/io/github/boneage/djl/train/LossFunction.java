package io.github.boneage.djl.train;

import java.util.Locale;

/** The regression loss (an age-bin head always uses soft-label cross-entropy). */
public enum LossFunction {
    /** Caffe's {@code EuclideanLoss}, the seed paper's: {@code sum((y - t)^2) / (2N)}. */
    L2("l2"),
    /** Mean absolute error: matches the MAD metric. */
    L1("l1"),
    /** Huber (smooth L1): quadratic within {@code huberDelta} of the target (in scaled-target units), linear beyond. */
    HUBER("huber");

    private final String label;

    LossFunction(String label) {
        this.label = label;
    }

    /** @return the name used in reports and CLI flags */
    public String label() {
        return label;
    }

    /**
     * @param text {@code l2} (or {@code euclidean}), {@code l1} or {@code huber}
     * @return the loss
     * @throws IllegalArgumentException naming the text when it is none of these
     */
    public static LossFunction fromLabel(String text) {
        String t = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        if (t.equals("euclidean")) {
            return L2;
        }
        for (LossFunction l : values()) {
            if (l.label.equals(t)) {
                return l;
            }
        }
        throw new IllegalArgumentException("unknown loss '" + text + "' (expected l2, l1 or huber)");
    }
}

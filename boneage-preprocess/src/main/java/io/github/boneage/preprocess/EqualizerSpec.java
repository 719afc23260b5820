package io.github.boneage.preprocess;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Locale;

/**
 * Serializable description of an equalizer, as recorded in a model's preprocessing spec.
 *
 * @param method         {@code none}, {@code histeq}, {@code histeq-matlab} or {@code clahe}
 * @param bins           {@code histeq-matlab}: number of output levels (MATLAB's default is 64); 0 for other methods
 * @param clipLimit      {@code clahe}: OpenCV clip limit (OpenCV's default is 40); 0 for other methods
 * @param tileGridWidth  {@code clahe}: tiles across (OpenCV's default is 8); 0 for other methods
 * @param tileGridHeight {@code clahe}: tiles down (OpenCV's default is 8); 0 for other methods
 */
@JsonInclude(JsonInclude.Include.NON_DEFAULT)
public record EqualizerSpec(String method, int bins, double clipLimit, int tileGridWidth, int tileGridHeight) {

    /**
     * Canonicalizes the method name.
     *
     * @param method {@code none}, {@code histeq}, {@code histeq-matlab} or {@code clahe}
     * @param bins {@code histeq-matlab}: number of output levels (MATLAB's default is 64); 0 for other methods
     * @param clipLimit {@code clahe}: OpenCV clip limit (OpenCV's default is 40); 0 for other methods
     * @param tileGridWidth {@code clahe}: tiles across (OpenCV's default is 8); 0 for other methods
     * @param tileGridHeight {@code clahe}: tiles down (OpenCV's default is 8); 0 for other methods
     */
    public EqualizerSpec {
        method = method == null ? "none" : method.trim().toLowerCase(Locale.ROOT);
    }

    /** @return no equalization */
    public static EqualizerSpec none() {
        return new EqualizerSpec("none", 0, 0, 0, 0);
    }

    /** @return classic 256-level CDF equalization (OpenCV {@code equalizeHist}) */
    public static EqualizerSpec histeq() {
        return new EqualizerSpec("histeq", 0, 0, 0, 0);
    }

    /** @return MATLAB {@code histeq} with its default 64 output levels, as the papers used */
    public static EqualizerSpec histeqMatlab() {
        return new EqualizerSpec("histeq-matlab", 64, 0, 0, 0);
    }

    /** @return CLAHE with OpenCV's defaults (clip limit 40, 8x8 tiles) */
    public static EqualizerSpec clahe() {
        return new EqualizerSpec("clahe", 0, 40, 8, 8);
    }

    /**
     * @param name {@code none}, {@code histeq}, {@code histeq-matlab} or {@code clahe}
     * @return that method with its default parameters
     * @throws IllegalArgumentException naming the method if unknown
     */
    public static EqualizerSpec ofName(String name) {
        switch (name.trim().toLowerCase(Locale.ROOT)) {
            case "none":
                return none();
            case "histeq":
                return histeq();
            case "histeq-matlab":
                return histeqMatlab();
            case "clahe":
                return clahe();
            default:
                throw new IllegalArgumentException("unknown equalizer '" + name + "' (expected none, histeq, histeq-matlab or clahe)");
        }
    }
}

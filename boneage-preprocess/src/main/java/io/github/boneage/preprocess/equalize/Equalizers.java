package io.github.boneage.preprocess.equalize;

import io.github.boneage.core.Equalizer;
import io.github.boneage.preprocess.EqualizerSpec;

/** Creates equalizers from their serializable description. */
public final class Equalizers {

    private Equalizers() {
    }

    /**
     * @param spec the method and its parameters; parameters that do not belong to the method must be 0
     * @return the equalizer (thread-safe, reusable)
     * @throws IllegalArgumentException naming the method and parameter when the method is unknown or a parameter is
     *                                  invalid or does not apply to the method
     */
    public static Equalizer create(EqualizerSpec spec) {
        switch (spec.method()) {
            case NoEqualizer.NAME:
                requireUnused(spec, true, true);
                return new NoEqualizer();
            case HistogramEqualizer.NAME:
                requireUnused(spec, true, true);
                return new HistogramEqualizer();
            case MatlabHistogramEqualizer.NAME:
                requireUnused(spec, false, true);
                return new MatlabHistogramEqualizer(spec.bins());
            case ClaheEqualizer.NAME:
                requireUnused(spec, true, false);
                return new ClaheEqualizer(spec.clipLimit(), spec.tileGridWidth(), spec.tileGridHeight());
            default:
                throw new IllegalArgumentException("unknown equalizer '" + spec.method()
                        + "' (expected none, histeq, histeq-matlab or clahe)");
        }
    }

    private static void requireUnused(EqualizerSpec spec, boolean bins, boolean clahe) {
        if (bins && spec.bins() != 0) {
            throw new IllegalArgumentException("equalizer " + spec.method() + " takes no bins (only histeq-matlab does), got " + spec.bins());
        }
        if (clahe && (spec.clipLimit() != 0 || spec.tileGridWidth() != 0 || spec.tileGridHeight() != 0)) {
            throw new IllegalArgumentException("equalizer " + spec.method()
                    + " takes no clipLimit or tile grid (only clahe does), got clipLimit=" + spec.clipLimit()
                    + " tileGrid=" + spec.tileGridWidth() + "x" + spec.tileGridHeight());
        }
    }
}

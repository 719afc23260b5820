package io.github.boneage.preprocess;

import io.github.boneage.core.HandLandmarks;
import io.github.boneage.core.image.GreyImage;

/** TEMPORARY SIGNATURE: implemented by the preprocessing work; do not ship as is. */
public final class Preprocessor {
    private final PreprocessSpec spec;

    public Preprocessor(PreprocessSpec spec) {
        this.spec = spec;
    }

    public PreprocessSpec spec() {
        return spec;
    }

    public PreparedImage prepare(GreyImage image, HandLandmarks landmarks) {
        throw new UnsupportedOperationException("not yet");
    }

    public void toTensor(PreparedImage prepared, float[] dst, int offset) {
        throw new UnsupportedOperationException("not yet");
    }

    public float[] toTensor(PreparedImage prepared) {
        throw new UnsupportedOperationException("not yet");
    }
}

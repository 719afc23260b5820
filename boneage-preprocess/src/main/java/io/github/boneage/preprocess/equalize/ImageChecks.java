package io.github.boneage.preprocess.equalize;

import io.github.boneage.core.image.GreyImage;

/** Argument checks shared by the equalizers. */
final class ImageChecks {

    private ImageChecks() {
    }

    /** @throws IllegalArgumentException if {@code dst} differs from {@code src} in size or bit depth */
    static void requireSameShape(GreyImage src, GreyImage dst) {
        if (src.width() != dst.width() || src.height() != dst.height()) {
            throw new IllegalArgumentException("destination " + dst.width() + "x" + dst.height() + " differs from source "
                    + src.width() + "x" + src.height());
        }
        if (src.bitDepth() != dst.bitDepth()) {
            throw new IllegalArgumentException("destination bit depth " + dst.bitDepth() + " differs from source bit depth "
                    + src.bitDepth());
        }
    }
}

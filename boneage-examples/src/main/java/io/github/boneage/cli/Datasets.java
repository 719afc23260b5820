package io.github.boneage.cli;

import io.github.boneage.core.dataset.DatasetSplit;
import io.github.boneage.core.dataset.RsnaDataset;
import io.github.boneage.core.landmarks.LandmarksTable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Set;

/** Reading the RSNA-format datasets that {@code evaluate}, {@code train} and {@code experiment} work on. */
final class Datasets {

    private Datasets() {
    }

    /**
     * @param images    the image folder
     * @param labels    the labels CSV ({@code id,boneage,male})
     * @param landmarks a landmarks table the samples look their points up in, or {@code null}
     * @param strict    whether a label without its image fails the read (otherwise it is listed in the problems)
     * @return the dataset
     */
    static RsnaDataset read(Path images, Path labels, LandmarksTable landmarks, boolean strict) {
        try {
            return RsnaDataset.builder().setImageDir(images).setLabels(labels).optLandmarks(landmarks).optStrict(strict).build();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the dataset (labels " + labels + ", images " + images + "): "
                    + e.getMessage(), e);
        }
    }

    /** @return the ids listed in {@code file}, one a line ({@code #} comments and blank lines ignored) */
    static Set<String> readIds(Path file) {
        try {
            return DatasetSplit.readIds(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read id list " + file + ": " + e.getMessage(), e);
        }
    }
}

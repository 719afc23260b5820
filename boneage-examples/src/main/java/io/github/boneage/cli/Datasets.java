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

    /**
     * @param file an id list a bundle may carry (e.g. its {@code training-ids.txt} or {@code held-out-ids.txt})
     * @return its ids, or none when the bundle has no such file
     */
    static Set<String> readIdsIfPresent(Path file) {
        return java.nio.file.Files.isRegularFile(file) ? readIds(file) : Set.of();
    }

    /** How many ids a message names before "and N more". */
    static final int IDS_SHOWN = 5;

    /**
     * @param ids ids in the order to name them
     * @return the first {@value #IDS_SHOWN}, comma-separated, then {@code and N more} when there are others
     */
    static String firstIds(java.util.Collection<String> ids) {
        java.util.List<String> all = java.util.List.copyOf(ids);
        return String.join(", ", all.subList(0, Math.min(IDS_SHOWN, all.size())))
                + (all.size() > IDS_SHOWN ? " and " + (all.size() - IDS_SHOWN) + " more" : "");
    }
}

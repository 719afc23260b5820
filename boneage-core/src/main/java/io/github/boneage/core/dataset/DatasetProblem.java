package io.github.boneage.core.dataset;

/**
 * Something wrong with a dataset that does not make its labels file unreadable: a labelled image that is missing, an
 * id with two image files, or an image without a label. Readers collect these instead of skipping silently.
 *
 * @param kind   what is wrong
 * @param file   the file concerned: the labels file for a label without image, the image for an image without label
 * @param line   the 1-based line of the labels file, or 0 when the problem has no line
 * @param id     the image id
 * @param reason a sentence for people
 */
public record DatasetProblem(Kind kind, String file, long line, String id, String reason) {

    /** What is wrong. */
    public enum Kind {
        /** A label whose image file does not exist: the sample is excluded (or, in strict mode, reading fails). */
        MISSING_IMAGE,
        /** Two image files for one id ({@code <id>.png} and {@code <id>.jpg}): the sample is excluded, as above. */
        AMBIGUOUS_IMAGE,
        /** An image file without a label: nothing is excluded; reported so that a wrong labels file shows. */
        UNLABELLED_IMAGE;

        /** @return whether a problem of this kind removes a labelled sample from the dataset */
        public boolean excludesSample() {
            return this != UNLABELLED_IMAGE;
        }
    }

    @Override
    public String toString() {
        return file + (line > 0 ? ", line " + line : "") + ": " + reason;
    }
}

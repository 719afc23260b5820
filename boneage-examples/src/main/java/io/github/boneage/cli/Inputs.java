package io.github.boneage.cli;

import io.github.boneage.core.HandLandmarks;
import io.github.boneage.core.InputFormatException;
import io.github.boneage.core.landmarks.LandmarksCsv;
import io.github.boneage.core.landmarks.LandmarksTable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/** Reading the CLI's auxiliary inputs with errors that name the file. */
final class Inputs {

    private Inputs() {
    }

    /** @return the image's id: its file name without the extension */
    static String imageId(Path image) {
        String name = image.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dot > 0 ? name.substring(0, dot) : name;
    }

    /** Reads a landmarks CSV, turning I/O failures into an error naming the file. */
    static LandmarksTable readLandmarks(Path file) {
        try {
            return LandmarksCsv.read(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read landmarks file " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * @return the landmarks of {@code image} from {@code file}, checked against the image size
     * @throws InputFormatException if the file has no row for the image, or a point lies outside it
     */
    static HandLandmarks landmarksFor(Path file, Path image, int width, int height) {
        String id = imageId(image);
        return readLandmarks(file).forImage(id, width, height)
                .orElseThrow(() -> new InputFormatException(file.toString(), 0, "id", "no row for image id '" + id + "' (" + image + ")"));
    }
}

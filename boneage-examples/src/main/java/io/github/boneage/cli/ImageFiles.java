package io.github.boneage.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/** Expands the CLI's image arguments: files as given, folders walked for PNG/JPEG/DICOM files in name order. */
final class ImageFiles {

    private ImageFiles() {
    }

    static List<Path> expand(List<Path> inputs) {
        List<Path> out = new ArrayList<>();
        for (Path p : inputs) {
            if (Files.isDirectory(p)) {
                try (Stream<Path> walk = Files.walk(p)) {
                    walk.filter(Files::isRegularFile).filter(ImageFiles::isImage).sorted().forEach(out::add);
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot list folder " + p + ": " + e.getMessage(), e);
                }
            } else {
                // A missing or unreadable file is reported per image by the decoder, not here.
                out.add(p);
            }
        }
        return out;
    }

    static boolean isImage(Path p) {
        String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
        return n.endsWith(".png") || n.endsWith(".jpg") || n.endsWith(".jpeg") || isDicomName(n);
    }

    /** DICOM files named as such; files given one by one are also recognised by their DICM marker, whatever the name. */
    static boolean isDicomName(String lowerCaseName) {
        return lowerCaseName.endsWith(".dcm") || lowerCaseName.endsWith(".dicom");
    }
}

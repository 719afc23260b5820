package io.github.boneage.core;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/** Checks every file reader in boneage makes before it opens an input file. */
public final class InputFiles {

    private InputFiles() {
    }

    /**
     * Reads the file's attributes (following symbolic links) and refuses anything that is not a regular file, without
     * opening it: a FIFO would block the reader forever, a device could be read without end.
     *
     * @param file the path to check
     * @return the file's attributes (size, times)
     * @throws NotARegularFileException if the path is a folder, FIFO, device or socket
     * @throws IOException              if the attributes cannot be read (e.g. {@link java.nio.file.NoSuchFileException})
     */
    public static BasicFileAttributes requireRegularFile(Path file) throws IOException {
        BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
        if (attributes.isRegularFile()) {
            return attributes;
        }
        throw new NotARegularFileException(file.toString(), describe(attributes));
    }

    /** @return a few words naming what a non-regular path is */
    static String describe(BasicFileAttributes attributes) {
        if (attributes.isDirectory()) {
            return "a folder";
        }
        // BasicFileAttributes cannot tell a FIFO from a device or a socket; "other" covers all three.
        return "a FIFO, device or socket";
    }
}

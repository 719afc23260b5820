package io.github.boneage.cli;

import io.github.boneage.core.InputFormatException;
import io.github.boneage.pipeline.BoneAgePipeline;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Expands the CLI's image arguments: files as given, folders walked for PNG/JPEG/DICOM files in name order. A folder
 * that cannot be listed, an image-named entry that is not a regular file (a FIFO, a device, a socket) and a folder
 * with no images at all are each one {@link WalkProblem}; the walk goes on with the rest, so that one bad folder never
 * loses the results of the good files.
 */
final class ImageFiles {

    private ImageFiles() {
    }

    /**
     * Something the walk could not list or would not read, reported as one error row.
     *
     * @param path    the folder or entry concerned
     * @param message what is wrong, for people
     */
    record WalkProblem(Path path, String message) {

        /** @return the problem as the typed error the CLI reports per input */
        InputFormatException toException() {
            return new InputFormatException(path.toString(), 0, null, message);
        }
    }

    /**
     * The expanded inputs.
     *
     * @param files    the image files to read, folders' contents in name order, in argument order otherwise
     * @param problems what the walk could not list or refused, in the order met
     */
    record Expanded(List<Path> files, List<WalkProblem> problems) {

        /** Copies both lists. */
        Expanded {
            files = List.copyOf(files);
            problems = List.copyOf(problems);
        }
    }

    /**
     * @param inputs the command line's files and folders
     * @return the files found and the problems met; files given one by one are passed on unchecked (the decoder
     *         reports a missing or unreadable file with its own typed error)
     */
    static Expanded expand(List<Path> inputs) {
        List<Path> files = new ArrayList<>();
        List<WalkProblem> problems = new ArrayList<>();
        for (Path p : inputs) {
            if (Files.isDirectory(p)) {
                walk(p, files, problems);
            } else {
                files.add(p);
            }
        }
        return new Expanded(files, problems);
    }

    private static void walk(Path root, List<Path> files, List<WalkProblem> problems) {
        List<Path> found = new ArrayList<>();
        try {
            // Symbolic links to folders are not followed (no cycles); links to files are checked by their target.
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                    if (!isImage(file)) {
                        return FileVisitResult.CONTINUE;
                    }
                    if (attrs.isRegularFile() || (attrs.isSymbolicLink() && Files.isRegularFile(file))) {
                        found.add(file);
                    } else if (!attrs.isSymbolicLink()) {
                        problems.add(new WalkProblem(file, "not a regular file (a FIFO, device or socket) although named "
                                + "as an image; refused without opening it"));
                    } else {
                        problems.add(new WalkProblem(file, "a symbolic link to something that is not a regular file "
                                + "(missing, a folder, a FIFO or device); not read"));
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException e) {
                    // An unreadable subfolder (or entry) is one problem; its siblings are still walked.
                    problems.add(new WalkProblem(file, "cannot be read: " + describe(e)));
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path dir, IOException e) {
                    if (e != null) {
                        problems.add(new WalkProblem(dir, "listing stopped part-way: " + describe(e)));
                    }
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            // walkFileTree only throws what a visitor throws; these visitors do not, but a future change might.
            problems.add(new WalkProblem(root, "cannot be walked: " + describe(e)));
        }
        if (found.isEmpty() && problems.stream().noneMatch(pr -> pr.path().startsWith(root))) {
            problems.add(new WalkProblem(root, "folder holds no PNG, JPEG or DICOM images (*.png, *.jpg, *.jpeg, *.dcm, "
                    + "*.dicom)"));
        }
        found.sort(null);
        files.addAll(found);
    }

    /** The JDK's messages for denied access name only the path; say what happened. */
    private static String describe(IOException e) {
        String type = e.getClass().getSimpleName();
        return e instanceof java.nio.file.AccessDeniedException ? "permission denied"
                : type + (e.getMessage() == null ? "" : ": " + e.getMessage());
    }

    static boolean isImage(Path p) {
        Path name = p.getFileName();
        if (name == null) {
            return false;
        }
        String n = name.toString().toLowerCase(Locale.ROOT);
        // DICOM files named as such; files given one by one are also recognised by their DICM marker, whatever the name.
        return n.endsWith(".png") || n.endsWith(".jpg") || n.endsWith(".jpeg") || BoneAgePipeline.isDicomName(n);
    }
}

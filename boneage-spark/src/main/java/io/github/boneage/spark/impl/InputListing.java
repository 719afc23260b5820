package io.github.boneage.spark.impl;

import io.github.boneage.pipeline.BoneAgePipeline;
import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.Paths;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Expands a job's image arguments on the driver, as the CLI does: files as given, folders walked recursively for PNG,
 * JPEG and DICOM files in name order, and globs ({@code /archive/2024/**}{@code /*.dcm}) matched against every file
 * below their fixed prefix. A folder or glob that yields nothing, or cannot be listed, is one problem (an error row),
 * never silence. Paths are made absolute: executors must see the same files at the same paths.
 */
public final class InputListing {

    private InputListing() {
    }

    /**
     * One listed entry.
     *
     * @param path    the file (absolute), or the folder or glob concerned for a problem
     * @param problem why it cannot be scored, or {@code null}
     */
    public record Entry(String path, String problem) {
    }

    /**
     * @param args files, folders and globs
     * @return the files to score and the problems met, files first in argument order
     */
    public static List<Entry> expand(List<String> args) {
        List<Entry> out = new ArrayList<>();
        for (String arg : args) {
            if (isGlob(arg)) {
                glob(arg, out);
            } else {
                Path p = Paths.get(arg).toAbsolutePath().normalize();
                if (Files.isDirectory(p)) {
                    walk(p, null, out, arg);
                } else {
                    out.add(new Entry(p.toString(), null));
                }
            }
        }
        return out;
    }

    private static boolean isGlob(String arg) {
        return arg.indexOf('*') >= 0 || arg.indexOf('?') >= 0 || arg.indexOf('[') >= 0 || arg.indexOf('{') >= 0;
    }

    private static void glob(String arg, List<Entry> out) {
        Path absolute = Paths.get(arg.startsWith("/") ? arg : Paths.get("").toAbsolutePath() + "/" + arg);
        // The walk starts at the longest leading part of the pattern without wildcards.
        Path base = absolute.getRoot();
        for (Path segment : absolute) {
            if (isGlob(segment.toString())) {
                break;
            }
            base = base.resolve(segment);
        }
        if (!Files.isDirectory(base)) {
            out.add(new Entry(arg, "glob: its fixed part " + base + " is not a folder"));
            return;
        }
        PathMatcher matcher = FileSystems.getDefault().getPathMatcher("glob:" + absolute.normalize());
        walk(base, matcher, out, arg);
    }

    private static void walk(Path root, PathMatcher matcher, List<Entry> out, String arg) {
        List<String> found = new ArrayList<>();
        List<Entry> problems = new ArrayList<>();
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                    boolean wanted = matcher != null ? matcher.matches(file) : isImage(file);
                    if (wanted) {
                        // Non-regular files are kept: the digester refuses them by name, as one error row each.
                        found.add(file.toString());
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException e) {
                    problems.add(new Entry(file.toString(), "cannot be read: " + e));
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            problems.add(new Entry(root.toString(), "cannot be walked: " + e));
        }
        if (found.isEmpty() && problems.isEmpty()) {
            problems.add(new Entry(arg, matcher != null ? "glob matches no file"
                    : "folder holds no PNG, JPEG or DICOM images (*.png, *.jpg, *.jpeg, *.dcm, *.dicom)"));
        }
        found.sort(null);
        found.forEach(f -> out.add(new Entry(f, null)));
        out.addAll(problems);
    }

    static boolean isImage(Path p) {
        Path name = p.getFileName();
        if (name == null) {
            return false;
        }
        String n = name.toString().toLowerCase(Locale.ROOT);
        return n.endsWith(".png") || n.endsWith(".jpg") || n.endsWith(".jpeg") || BoneAgePipeline.isDicomName(n);
    }
}

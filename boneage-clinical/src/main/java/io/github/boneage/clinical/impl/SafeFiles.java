package io.github.boneage.clinical.impl;

import io.github.boneage.clinical.report.ReportWriteException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * Writes output files so that they can only land where they are meant to: a plain name inside the given folder,
 * never through a symbolic link, and atomically (a reader sees the old file or the new one, never half of one).
 *
 * <p>The folder itself may be a symbolic link (the user chose it). The file is written to a fresh temporary file in
 * that folder (created exclusively, so no existing link is followed) and renamed over the target; a rename replaces a
 * link at the target rather than writing through it, and a target that is a link is refused before that anyway.
 */
public final class SafeFiles {

    /** The longest file name most file systems take, in UTF-8 bytes. */
    public static final int MAX_NAME_BYTES = 255;

    private SafeFiles() {
    }

    /**
     * @param name a candidate file name
     * @return why it is not a safe single file name, or {@code null} when it is: not empty, not {@code .} or
     *         {@code ..}, no {@code /} or {@code \}, no NUL or other control character, not starting with a dot (no
     *         hidden files, and none that could pass for this class's temporary files), at most
     *         {@value #MAX_NAME_BYTES} UTF-8 bytes
     */
    public static String unsafeNameReason(String name) {
        if (name == null || name.isEmpty()) {
            return "is empty";
        }
        if (name.equals(".") || name.equals("..")) {
            return "is '" + name + "'";
        }
        if (name.indexOf('/') >= 0 || name.indexOf('\\') >= 0) {
            return "holds a path separator ('/' or '\\')";
        }
        if (name.chars().anyMatch(Character::isISOControl)) {
            return "holds a NUL or other control character";
        }
        if (name.startsWith(".")) {
            return "starts with '.'";
        }
        if (name.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > MAX_NAME_BYTES) {
            return "is longer than " + MAX_NAME_BYTES + " bytes";
        }
        return null;
    }

    /**
     * Writes {@code content} as {@code folder/name}, replacing a regular file of that name.
     *
     * @param folder  the folder (created when missing; may itself be a symbolic link)
     * @param name    a plain file name ({@link #unsafeNameReason(String)} must accept it)
     * @param content the bytes
     * @return the file written
     * @throws ReportWriteException naming the file when the name is unsafe, the target is a symbolic link or not a
     *                              regular file, or the write fails
     */
    public static Path write(Path folder, String name, byte[] content) {
        String unsafe = unsafeNameReason(name);
        if (unsafe != null) {
            throw new ReportWriteException(folder, "file name '" + printable(name) + "' " + unsafe + "; refused");
        }
        Path target = folder.resolve(name);
        Path temp = null;
        try {
            Files.createDirectories(folder);
            checkTarget(target);
            temp = Files.createTempFile(folder, "." + name.substring(0, Math.min(name.length(), 100)) + ".", ".tmp");
            try (OutputStream out = Files.newOutputStream(temp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING,
                    LinkOption.NOFOLLOW_LINKS)) {
                out.write(content);
            }
            // Checked again just before the rename; the rename itself never follows a link at the target either.
            checkTarget(target);
            try {
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, LinkOption.NOFOLLOW_LINKS);
            }
            temp = null;
            return target;
        } catch (IOException e) {
            throw new ReportWriteException(target, "cannot write: " + e, e);
        } finally {
            if (temp != null) {
                try {
                    Files.deleteIfExists(temp);
                } catch (IOException ignored) {
                    // The temporary file is hidden and named for its target; nothing else to do.
                }
            }
        }
    }

    private static void checkTarget(Path target) throws IOException {
        if (!Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        BasicFileAttributes a = Files.readAttributes(target, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        if (a.isSymbolicLink()) {
            throw new ReportWriteException(target, "is a symbolic link; refused (a report never writes through a link)");
        }
        if (!a.isRegularFile()) {
            throw new ReportWriteException(target, "exists and is not a regular file; refused");
        }
    }

    /**
     * @param s any text, e.g. a file name from the command line
     * @return the text with control characters shown as {@code \\uXXXX}
     */
    public static String printable(String s) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < s.length() && i < 300; i++) {
            char c = s.charAt(i);
            sb.append(Character.isISOControl(c) ? String.format("\\u%04x", (int) c) : String.valueOf(c));
        }
        return s.length() > 300 ? sb + "..." : sb.toString();
    }
}

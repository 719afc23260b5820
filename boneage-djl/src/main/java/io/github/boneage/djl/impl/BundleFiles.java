package io.github.boneage.djl.impl;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/** File chores of bundles: hashing, zip packing, recursive deletion. (Zip bundles are read by {@link BundleZip}.) */
public final class BundleFiles {

    private BundleFiles() {
    }

    /**
     * @param file the file to hash
     * @return the SHA-256 of the file's bytes, lower-case hex
     * @throws IOException if the file cannot be read
     */
    public static String sha256(Path file) throws IOException {
        MessageDigest md = newSha256();
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), md)) {
            in.transferTo(OutputStream.nullOutputStream());
        }
        return HexFormat.of().formatHex(md.digest());
    }

    /**
     * @param bytes the bytes to hash
     * @return the SHA-256 of the bytes, lower-case hex
     */
    public static String sha256(byte[] bytes) {
        return HexFormat.of().formatHex(newSha256().digest(bytes));
    }

    /** @return a fresh SHA-256 digest */
    public static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }

    /**
     * Packs files of {@code root} into a zip, with paths relative to {@code root} and {@code /} separators.
     *
     * @param root  the folder the paths are relative to
     * @param files the files, relative to {@code root}
     * @param zip   the zip to write (replaced if present)
     * @throws IOException if a file cannot be read or the zip cannot be written
     */
    public static void zip(Path root, List<String> files, Path zip) throws IOException {
        try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(zip))) {
            for (String f : files) {
                ZipEntry entry = new ZipEntry(f);
                // A fixed time keeps the zip's bytes a function of its content.
                entry.setTime(0L);
                out.putNextEntry(entry);
                Files.copy(root.resolve(f), out);
                out.closeEntry();
            }
        }
    }

    /**
     * Deletes a folder and everything in it; a missing folder is not an error.
     *
     * @param dir the folder to delete
     * @throws IOException if something in it cannot be deleted
     */
    public static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        Files.walkFileTree(dir, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException exc) throws IOException {
                if (exc != null) {
                    throw exc;
                }
                Files.delete(d);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}

package io.github.boneage.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The folder walk never aborts: unreadable folders, non-files and empty folders are problems, the rest is listed. */
class ImageFilesTest {

    @TempDir
    Path dir;

    @Test
    void listsImagesInNameOrderAndPassesGivenFilesOn() throws IOException {
        Path folder = Files.createDirectories(dir.resolve("in"));
        for (String name : List.of("b.png", "a.JPG", "c.dcm", "notes.txt")) {
            Files.writeString(folder.resolve(name), "x");
        }
        Path given = dir.resolve("given.png");
        ImageFiles.Expanded e = ImageFiles.expand(List.of(folder, given));
        assertThat(e.files()).containsExactly(folder.resolve("a.JPG"), folder.resolve("b.png"), folder.resolve("c.dcm"), given);
        assertThat(e.problems()).isEmpty();
    }

    @Test
    void anEmptyFolderIsAProblem() throws IOException {
        Path empty = Files.createDirectories(dir.resolve("empty"));
        Files.writeString(empty.resolve("readme.txt"), "no images here");
        ImageFiles.Expanded e = ImageFiles.expand(List.of(empty));
        assertThat(e.files()).isEmpty();
        assertThat(e.problems()).singleElement().satisfies(p -> {
            assertThat(p.path()).isEqualTo(empty);
            assertThat(p.message()).contains("no PNG, JPEG or DICOM images");
            assertThat(p.toException()).hasMessageContaining(empty.toString());
        });
    }

    @Test
    void aFifoNamedAsAnImageIsAProblemAndTheRestIsListed() throws Exception {
        Path folder = Files.createDirectories(dir.resolve("fifo"));
        Files.writeString(folder.resolve("good.png"), "x");
        Path fifo = folder.resolve("pipe.png");
        Process p = new ProcessBuilder("mkfifo", fifo.toString()).start();
        assumeTrue(p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0, "mkfifo is not available");
        ImageFiles.Expanded e = ImageFiles.expand(List.of(folder));
        assertThat(e.files()).containsExactly(folder.resolve("good.png"));
        assertThat(e.problems()).singleElement().satisfies(pr -> {
            assertThat(pr.path()).isEqualTo(fifo);
            assertThat(pr.message()).contains("not a regular file");
        });
    }

    @Test
    void symlinksToFilesAreListedAndDanglingOnesReported() throws IOException {
        Path folder = Files.createDirectories(dir.resolve("links"));
        Path real = Files.writeString(dir.resolve("real.png"), "x");
        try {
            Files.createSymbolicLink(folder.resolve("link.png"), real);
            Files.createSymbolicLink(folder.resolve("dangling.png"), dir.resolve("absent.png"));
        } catch (UnsupportedOperationException | IOException ex) {
            assumeTrue(false, "symbolic links are not supported here");
        }
        ImageFiles.Expanded e = ImageFiles.expand(List.of(folder));
        assertThat(e.files()).containsExactly(folder.resolve("link.png"));
        assertThat(e.problems()).singleElement().satisfies(pr -> assertThat(pr.path()).isEqualTo(folder.resolve("dangling.png")));
    }

    @Test
    void anUnreadableSubfolderIsOneProblemAndItsSiblingsAreStillListed() throws IOException {
        Path folder = Files.createDirectories(dir.resolve("walk"));
        Files.writeString(Files.createDirectories(folder.resolve("a")).resolve("1.png"), "x");
        Path locked = Files.createDirectories(folder.resolve("b"));
        Files.writeString(locked.resolve("2.png"), "x");
        Files.writeString(Files.createDirectories(folder.resolve("c")).resolve("3.png"), "x");
        Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("---------"));
        try {
            // root reads any folder whatever its permissions: there is nothing to test then
            assumeTrue(!Files.isReadable(locked), "running as root (or without POSIX permissions): folders stay readable");
            ImageFiles.Expanded e = ImageFiles.expand(List.of(folder));
            assertThat(e.files()).containsExactly(folder.resolve("a/1.png"), folder.resolve("c/3.png"));
            assertThat(e.problems()).singleElement().satisfies(pr -> {
                assertThat(pr.path()).isEqualTo(locked);
                assertThat(pr.message()).contains("permission denied");
            });
        } finally {
            Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("rwx------"));
        }
    }
}

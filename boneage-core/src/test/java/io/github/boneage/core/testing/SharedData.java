package io.github.boneage.core.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * Finds the project's {@code ../shared} folder (real radiographs, never committed). Tests that use it are tagged
 * {@code data} and call {@link #require(String)}, which skips them cleanly where the folder is absent (a user's clone).
 */
public final class SharedData {

    private SharedData() {
    }

    /** @return the shared folder: system property {@code boneage.shared.dir}, else the nearest {@code ../shared} above the working directory */
    public static Path root() {
        String configured = System.getProperty("boneage.shared.dir");
        if (configured != null && Files.isDirectory(Paths.get(configured))) {
            return Paths.get(configured).toAbsolutePath().normalize();
        }
        Path dir = Paths.get("").toAbsolutePath();
        while (dir != null) {
            Path candidate = dir.resolveSibling("shared");
            if (Files.isDirectory(candidate.resolve("data"))) {
                return candidate.normalize();
            }
            dir = dir.getParent();
        }
        return Paths.get("..", "shared").toAbsolutePath().normalize();
    }

    /**
     * @param relative a path below the shared folder, e.g. {@code data/rsna-299}
     * @return the resolved path; the calling test is skipped if it does not exist
     */
    public static Path require(String relative) {
        Path p = root().resolve(relative);
        assumeTrue(Files.exists(p), () -> "shared data not present: " + p);
        return p;
    }
}

package io.github.boneage.spark.impl;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The driver's listing and the executors' input checks, without a Spark session. */
class InputChecksTest {

    @TempDir
    Path dir;

    @Test
    void foldersAreWalkedForImagesAndGlobsMatchAnyFileWhileEmptyOnesAreProblems() throws IOException {
        Files.createDirectories(dir.resolve("a/b"));
        Files.writeString(dir.resolve("a/one.png"), "x");
        Files.writeString(dir.resolve("a/b/two.DCM"), "x");
        Files.writeString(dir.resolve("a/notes.txt"), "x");
        Files.createDirectories(dir.resolve("empty"));

        List<InputListing.Entry> folder = InputListing.expand(List.of(dir.resolve("a").toString()));
        assertThat(folder).extracting(InputListing.Entry::path)
                .containsExactly(dir.resolve("a/b/two.DCM").toString(), dir.resolve("a/one.png").toString());
        assertThat(folder).allMatch(e -> e.problem() == null);

        List<InputListing.Entry> glob = InputListing.expand(List.of(dir + "/a/**.txt"));
        assertThat(glob).extracting(InputListing.Entry::path).containsExactly(dir.resolve("a/notes.txt").toString());

        List<InputListing.Entry> nothing = InputListing.expand(List.of(dir.resolve("empty").toString(), dir + "/a/*.jpg"));
        assertThat(nothing).hasSize(2).allMatch(e -> e.problem() != null);
        assertThat(nothing.get(0).problem()).contains("no PNG, JPEG or DICOM");
        assertThat(nothing.get(1).problem()).contains("glob matches no file");
    }

    @Test
    void theDigestCoversTheBytesTheSexAndTheAgeAndBadRowsKeepTheirPlaceWithAReason() throws IOException {
        Path file = dir.resolve("x.png");
        Files.writeString(file, "pixels");
        InputDigester digester = new InputDigester(dir.toString());
        Row female = digester.call(input("x.png", "female", "120"));
        Row f = digester.call(input("x.png", "F", "120.0"));
        Row male = digester.call(input("x.png", "male", "120"));
        Row older = digester.call(input("x.png", "female", "121"));
        assertThat(female.getString(5)).isNull();
        assertThat(female.getString(1)).isEqualTo(file.toString());
        assertThat(female.getString(4)).hasSize(64).isEqualTo(f.getString(4));
        assertThat(List.of(male.getString(4), older.getString(4))).doesNotContain(female.getString(4));
        Files.writeString(file, "other pixels");
        assertThat(digester.call(input("x.png", "female", "120")).getString(4)).isNotEqualTo(female.getString(4));

        assertThat(digester.call(input("x.png", "sometimes", "1")).getString(5)).contains("sex column").contains("sometimes");
        assertThat(digester.call(input("x.png", "female", "-3")).getString(5)).contains("age_months column").contains("-3");
        assertThat(digester.call(input("gone.png", null, null)).getString(5)).contains("gone.png").contains("no such file");
        assertThat(digester.call(input(".", null, null)).getString(5)).contains("folder");
        assertThat(digester.call(input(null, null, null)).getString(5)).contains("no path");
    }

    private static Row input(String path, String sex, String age) {
        return RowFactory.create(path == null ? "row" : path, path, sex, age, null, null);
    }
}

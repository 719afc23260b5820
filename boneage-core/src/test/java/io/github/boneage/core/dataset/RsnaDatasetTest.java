package io.github.boneage.core.dataset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.github.boneage.core.InputFormatException;
import io.github.boneage.core.Sex;
import io.github.boneage.core.landmarks.LandmarksTable;
import io.github.boneage.core.testing.TestHands;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RsnaDatasetTest {

    @TempDir
    Path dir;

    /** Writes the labels file and one empty file per image name (the reader lists images, it does not open them). */
    private Path folder(String labels, String... imageFiles) throws IOException {
        Files.writeString(dir.resolve(RsnaDataset.TRAINING_LABELS), labels);
        Path images = Files.createDirectories(dir.resolve("images"));
        for (String f : imageFiles) {
            Files.createFile(images.resolve(f));
        }
        return dir;
    }

    private RsnaDataset read(boolean strict) throws IOException {
        return RsnaDataset.builder().setFolder(dir).optStrict(strict).build();
    }

    private InputFormatException readError() {
        return (InputFormatException) catchThrowable(() -> read(true));
    }

    @Test
    void readsTheChallengeFormat() throws IOException {
        folder("id,boneage,male\n1379,94,False\n1378,12,True\n1400,120.5,false\n", "1378.png", "1379.jpg", "1400.JPG");
        RsnaDataset ds = read(true);
        assertThat(ds.samples()).extracting(Sample::id).containsExactly("1378", "1379", "1400");
        Sample s = ds.sample("1379").orElseThrow();
        assertThat(s.boneAgeMonths()).isEqualTo(94.0);
        assertThat(s.sex()).isEqualTo(Sex.FEMALE);
        assertThat(s.image()).isEqualTo(dir.resolve("images/1379.jpg"));
        assertThat(s.labelLine()).isEqualTo(2);
        assertThat(ds.sample("1378").orElseThrow().sex()).isEqualTo(Sex.MALE);
        assertThat(ds.sample("1400").orElseThrow().boneAgeMonths()).isEqualTo(120.5);
        assertThat(ds.samples(Sex.FEMALE)).extracting(Sample::id).containsExactly("1379", "1400");
        assertThat(ds.problems()).isEmpty();
        assertThat(ds.name()).isEqualTo(dir.getFileName().toString());
        assertThat(ds.describe()).endsWith(": 3 samples (1 male, 2 female), 0 problems");
    }

    @Test
    void readsTheChallengeArchiveLayoutAndExtraColumns() throws IOException {
        Files.writeString(dir.resolve(RsnaDataset.TRAINING_LABELS), "male,id,boneage,note\nTrue,7,30,x\n");
        Files.createFile(Files.createDirectories(dir.resolve("boneage-training-dataset")).resolve("7.png"));
        RsnaDataset ds = RsnaDataset.builder().setFolder(dir).optName("tiny").build();
        assertThat(ds.sample("7").orElseThrow().image()).isEqualTo(dir.resolve("boneage-training-dataset/7.png"));
        assertThat(ds.name()).isEqualTo("tiny");
    }

    @Test
    void nonNumericAgeNamesFileLineAndColumn() throws IOException {
        folder("id,boneage,male\n1,10,True\n2,ten,False\n", "1.png", "2.png");
        InputFormatException e = readError();
        assertThat(e.source()).endsWith(RsnaDataset.TRAINING_LABELS);
        assertThat(e.line()).isEqualTo(3);
        assertThat(e.field()).contains("boneage");
        assertThat(e).hasMessageEndingWith("line 3, column boneage: 'ten' is not a decimal number");
    }

    @Test
    void negativeAndNonFiniteAgesAreErrors() throws IOException {
        folder("id,boneage,male\n1,-1,True\n", "1.png");
        assertThat(readError()).hasMessageContaining("line 2, column boneage: bone age -1 months is outside 0..240 months");
        folder("id,boneage,male\n2,NaN,True\n");
        assertThat(readError()).hasMessageContaining("column boneage");
        folder("id,boneage,male\n3,Infinity,True\n");
        assertThat(readError()).hasMessageContaining("column boneage");
        folder("id,boneage,male\n4,,True\n");
        assertThat(readError()).hasMessageContaining("column boneage: the cell is empty");
    }

    @Test
    void agesBeyondTwentyYearsAreErrorsInBothModes() throws IOException {
        folder("id,boneage,male\n1,10,True\n2,1e308,False\n", "1.png", "2.png");
        InputFormatException e = readError();
        assertThat(e.line()).isEqualTo(3);
        assertThat(e.field()).contains("boneage");
        assertThat(e).hasMessageContaining("bone age 1e308 months is outside 0..240 months");
        assertThatThrownBy(() -> read(false)).isInstanceOf(InputFormatException.class).hasMessageContaining("1e308");
        folder("id,boneage,male\n3,240.5,True\n", "3.png");
        assertThat(readError()).hasMessageContaining("240.5");
        folder("id,boneage,male\n4,240,True\n5,0,False\n", "4.png", "5.png");
        RsnaDataset edges = read(true);
        assertThat(edges.sample("4").orElseThrow().boneAgeMonths()).isEqualTo(240.0);
        assertThat(edges.sample("5").orElseThrow().boneAgeMonths()).isEqualTo(0.0);
    }

    @Test
    void badMaleFlagIsAnError() throws IOException {
        folder("id,boneage,male\n1,10,M\n", "1.png");
        InputFormatException e = readError();
        assertThat(e.field()).contains("male");
        assertThat(e).hasMessageEndingWith("line 2, column male: 'M' is neither True nor False");
    }

    @Test
    void missingColumnIsNamed() throws IOException {
        folder("id,age,male\n1,10,True\n", "1.png");
        InputFormatException e = readError();
        assertThat(e.line()).isEqualTo(1);
        assertThat(e.field()).contains("boneage");
        assertThat(e).hasMessageContaining("missing column boneage");
    }

    @Test
    void duplicateAndEmptyIdsAreErrors() throws IOException {
        folder("id,boneage,male\n1,10,True\n2,20,True\n1,30,False\n", "1.png", "2.png");
        assertThat(readError()).hasMessageEndingWith("line 4, column id: duplicate id 1 (first on line 2)");
        folder("id,boneage,male\n,10,True\n");
        assertThat(readError()).hasMessageContaining("line 2, column id");
        folder("id,boneage,male\n../x,10,True\n");
        assertThat(readError()).hasMessageContaining("not a file name");
    }

    @Test
    void wrongCellCountIsAnError() throws IOException {
        folder("id,boneage,male\n1,10\n", "1.png");
        assertThat(readError()).hasMessageContaining("line 2").hasMessageContaining("2 cells but the header has 3");
    }

    @Test
    void strictModeFailsOnAMissingImage() throws IOException {
        folder("id,boneage,male\n1,10,True\n2,20,False\n3,30,False\n", "1.png");
        InputFormatException e = readError();
        assertThat(e.line()).isEqualTo(3);
        assertThat(e.field()).contains("id");
        assertThat(e).hasMessageContaining("no image 2.png or 2.jpg in").hasMessageContaining("and 1 more");
    }

    @Test
    void lenientModeReportsAndExcludesMissingImages() throws IOException {
        folder("id,boneage,male\n1,10,True\n2,20,False\n3,30,False\n", "1.png", "3.jpg", "3.png", "9.png", "notes.txt");
        RsnaDataset ds = read(false);
        assertThat(ds.samples()).extracting(Sample::id).containsExactly("1");
        assertThat(ds.problems()).extracting(DatasetProblem::kind).containsExactly(
                DatasetProblem.Kind.MISSING_IMAGE, DatasetProblem.Kind.AMBIGUOUS_IMAGE, DatasetProblem.Kind.UNLABELLED_IMAGE);
        DatasetProblem missing = ds.problems().get(0);
        assertThat(missing.id()).isEqualTo("2");
        assertThat(missing.line()).isEqualTo(3);
        assertThat(missing.file()).endsWith(RsnaDataset.TRAINING_LABELS);
        assertThat(missing.toString()).contains(", line 3: no image 2.png or 2.jpg in");
        assertThat(ds.problems().get(1).reason()).contains("3.jpg, 3.png");
        DatasetProblem unlabelled = ds.problems().get(2);
        assertThat(unlabelled.file()).endsWith("9.png");
        assertThat(unlabelled.kind().excludesSample()).isFalse();
    }

    @Test
    void anUnlabelledImageAloneDoesNotFailStrictMode() throws IOException {
        folder("id,boneage,male\n1,10,True\n", "1.png", "2.png");
        RsnaDataset ds = read(true);
        assertThat(ds.size()).isEqualTo(1);
        assertThat(ds.problems()).singleElement().extracting(DatasetProblem::id).isEqualTo("2");
    }

    @Test
    void attachedLandmarksAreLookedUpById() throws IOException {
        folder("id,boneage,male\n1,10,True\n2,20,False\n", "1.png", "2.png");
        LandmarksTable table = LandmarksTable.of("lm.csv", Map.of("1", TestHands.upright()));
        RsnaDataset ds = RsnaDataset.builder().setFolder(dir).optLandmarks(table).build();
        assertThat(ds.landmarks()).contains(table);
        Sample one = ds.sample("1").orElseThrow();
        assertThat(one.landmarks()).contains(TestHands.upright());
        assertThat(one.landmarksForImage(TestHands.WIDTH, TestHands.HEIGHT)).contains(TestHands.upright());
        assertThatThrownBy(() -> one.landmarksForImage(299, 299)).isInstanceOf(InputFormatException.class)
                .hasMessageContaining("thumb_x");
        assertThat(ds.sample("2").orElseThrow().landmarks()).isEmpty();
        assertThat(one.withLandmarks(null).landmarks()).isEmpty();
    }

    @Test
    void requiredPathsMustBeSet() {
        assertThatThrownBy(() -> RsnaDataset.builder().build()).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("setLabels");
    }
}

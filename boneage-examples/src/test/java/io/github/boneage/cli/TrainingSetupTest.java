package io.github.boneage.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.boneage.core.Sex;
import io.github.boneage.core.dataset.DatasetSplit;
import io.github.boneage.core.dataset.RsnaDataset;
import io.github.boneage.core.dataset.Sample;
import io.github.boneage.core.testing.SharedData;
import java.io.IOException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The split that {@code train} and {@code experiment} make: held-out images stay held out at any limit. */
class TrainingSetupTest {

    private static final Path DEFAULT_HELD_OUT = Paths.get("..", "models", "default", "held-out-ids.txt").toAbsolutePath().normalize();

    private static List<Sample> samples(int n) {
        return IntStream.range(0, n).mapToObj(i -> new Sample("s" + (1000 + i), 12 + i % 200, i % 2 == 0 ? Sex.MALE : Sex.FEMALE,
                Path.of("s" + i + ".png"), "test", 0, null)).toList();
    }

    @Test
    void theLimitIsTakenAfterSplittingEverything() {
        List<Sample> all = samples(400);
        DatasetSplit full = TrainingSetup.split(all, 0.2, 7, null);
        DatasetSplit limited = TrainingSetup.split(all, 0.2, 7, 50);
        assertThat(limited.train()).hasSize(40);
        assertThat(limited.validation()).hasSize(10);
        assertThat(full.validation()).containsAll(limited.validation());
        assertThat(full.train()).containsAll(limited.train());
        assertThat(limited.description()).contains("first 40 training and 10 held-out images");
    }

    @Test
    void filteringKeepsHeldOutImagesHeldOut() {
        List<Sample> all = samples(400);
        DatasetSplit full = TrainingSetup.split(all, 0.2, 7, null);
        DatasetSplit even = TrainingSetup.split(all, 0.2, 7, 30, s -> s.sex() == Sex.MALE);
        assertThat(even.validation()).isNotEmpty().allMatch(s -> s.sex() == Sex.MALE);
        assertThat(full.validation()).containsAll(even.validation());
        assertThat(TrainingSetup.split(all, 0, 7, null).validation()).isEmpty();
    }

    @Test
    @Tag("data")
    void onRsnaTheHeldOutImagesAreTheDefaultModels() throws IOException {
        Path data = SharedData.require("data/rsna-299");
        RsnaDataset dataset = RsnaDataset.builder().setFolder(data).build();
        Set<String> defaultHeldOut = DatasetSplit.readIds(DEFAULT_HELD_OUT);
        DatasetSplit full = TrainingSetup.split(dataset.samples(), 0.15, 20260101, null);
        assertThat(full.validation()).extracting(Sample::id).containsExactlyInAnyOrderElementsOf(defaultHeldOut);
        DatasetSplit experiment = TrainingSetup.split(dataset.samples(), 0.15, 20260101, 700);
        assertThat(defaultHeldOut).containsAll(experiment.validation().stream().map(Sample::id).toList());
        assertThat(experiment.train()).extracting(Sample::id).doesNotContainAnyElementsOf(defaultHeldOut);
    }
}

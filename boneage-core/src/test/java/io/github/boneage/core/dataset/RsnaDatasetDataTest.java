package io.github.boneage.core.dataset;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.boneage.core.Sex;
import io.github.boneage.core.landmarks.LandmarksCsv;
import io.github.boneage.core.landmarks.LandmarksTable;
import io.github.boneage.core.testing.SharedData;
import java.io.IOException;
import java.nio.file.Path;
import java.util.DoubleSummaryStatistics;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The shared RSNA copies read with the project's reader, split the paper's way, with the Koitka landmarks attached. */
@Tag("data")
class RsnaDatasetDataTest {

    private static final Logger LOG = LoggerFactory.getLogger(RsnaDatasetDataTest.class);

    @Test
    void readsRsna299WithoutProblemsAndSplitsItThePapersWay() throws IOException {
        Path folder = SharedData.require("data/rsna-299");
        LandmarksTable koitka = LandmarksCsv.read(SharedData.require("data/landmarks/koitka-train-299.csv"));
        long start = System.nanoTime();
        RsnaDataset ds = RsnaDataset.builder().setFolder(folder).optLandmarks(koitka).build();
        long readMs = (System.nanoTime() - start) / 1_000_000;
        assertThat(ds.size()).isEqualTo(10_000);
        assertThat(ds.problems()).isEmpty();
        DoubleSummaryStatistics ages = ds.samples().stream().mapToDouble(Sample::boneAgeMonths).summaryStatistics();
        assertThat(ages.getMin()).isGreaterThanOrEqualTo(1);
        assertThat(ages.getMax()).isLessThanOrEqualTo(228);
        int male = ds.samples(Sex.MALE).size();
        assertThat(male + ds.samples(Sex.FEMALE).size()).isEqualTo(10_000);
        assertThat(ds.samples().stream().filter(s -> s.landmarks().isPresent()).count()).isEqualTo(192);

        start = System.nanoTime();
        DatasetSplit paper = PerSexCountSplit.paper2020(2020).split(ds.samples());
        long splitMs = (System.nanoTime() - start) / 1_000_000;
        assertThat(paper.train()).hasSize(2000);
        assertThat(paper.validation()).hasSize(800);
        assertThat(paper.ofSex(Sex.FEMALE).train()).hasSize(1000);
        assertThat(PerSexCountSplit.paper2020(2020).split(ds.samples()).validationIdsSha256())
                .isEqualTo(paper.validationIdsSha256());

        DatasetSplit fraction = FractionSplit.builder().setValidationFraction(0.2).setSeed(42).optStratifyBySex(true)
                .optAgeBinMonths(24).build().split(ds.samples());
        assertThat(fraction.validation()).hasSize(2000);
        LOG.info("{} read in {} ms (ages {}..{} months, mean {}); paper split in {} ms: {}; fraction split: {}",
                ds.describe(), readMs, ages.getMin(), ages.getMax(), Math.round(ages.getAverage() * 10) / 10.0, splitMs,
                paper.description(), fraction.description());
    }

    @Test
    void readsRsnaHalfres() throws IOException {
        RsnaDataset ds = RsnaDataset.builder().setFolder(SharedData.require("data/rsna-halfres")).build();
        assertThat(ds.size()).isEqualTo(300);
        assertThat(ds.problems()).isEmpty();
        assertThat(ds.samples()).allMatch(s -> s.image().getFileName().toString().endsWith(".jpg"));
    }
}

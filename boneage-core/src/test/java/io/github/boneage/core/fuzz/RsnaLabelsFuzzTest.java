package io.github.boneage.core.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.github.boneage.core.BoneAgeException;
import io.github.boneage.core.dataset.RsnaDataset;
import io.github.boneage.core.dataset.Sample;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Coverage-guided fuzzing of the RSNA labels reader ({@link RsnaDataset}) on arbitrary labels-file bytes, in strict and
 * lenient mode, against a fixed image folder holding {@code 1.png}..{@code 4.png}. The property: only the documented
 * typed exceptions ({@link BoneAgeException} subclasses) may escape, and every sample read has a finite bone age in
 * 0..240 months. Without {@code JAZZER_FUZZ} this runs the seeds in {@code RsnaLabelsFuzzTestInputs/read}; with
 * {@code JAZZER_FUZZ=1} it fuzzes for {@code maxDuration} (see docs/safety.md).
 */
class RsnaLabelsFuzzTest {

    private static final Path DIR;
    private static final Path LABELS;
    private static final Path IMAGES;

    static {
        // Every execution would log its dataset problems; thousands of lines would bury the fuzzer's own output.
        System.setProperty("org.slf4j.simpleLogger.log.io.github.boneage.core.dataset.RsnaDataset", "error");
        try {
            DIR = Files.createTempDirectory("rsna-fuzz");
            LABELS = DIR.resolve("labels.csv");
            IMAGES = Files.createDirectories(DIR.resolve("images"));
            for (int i = 1; i <= 4; i++) {
                Files.createFile(IMAGES.resolve(i + ".png"));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @FuzzTest(maxDuration = "30s")
    void read(byte[] data) throws IOException {
        // The last byte picks the mode so that both are fuzzed from the same corpus.
        boolean strict = data.length > 0 && (data[data.length - 1] & 1) == 1;
        Files.write(LABELS, data);
        RsnaDataset dataset;
        try {
            dataset = RsnaDataset.builder().setLabels(LABELS).setImageDir(IMAGES).optStrict(strict).build();
        } catch (BoneAgeException expected) {
            return;
        }
        for (Sample s : dataset.samples()) {
            double age = s.boneAgeMonths();
            if (!(age >= RsnaDataset.MIN_BONE_AGE_MONTHS && age <= RsnaDataset.MAX_BONE_AGE_MONTHS)) {
                throw new IllegalStateException("sample " + s.id() + " was read with bone age " + age);
            }
        }
    }
}

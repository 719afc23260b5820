package io.github.boneage.benchmarks.train;

import io.github.boneage.core.HandLandmarks;
import io.github.boneage.core.dataset.RsnaDataset;
import io.github.boneage.core.dataset.Sample;
import io.github.boneage.core.landmarks.LandmarkDetection;
import io.github.boneage.core.landmarks.LandmarksCsv;
import io.github.boneage.core.landmarks.LandmarksTable;
import io.github.boneage.djl.train.landmarks.KoitkaLandmarks;
import io.github.boneage.preprocess.io.ImageDecoder;
import io.github.boneage.preprocess.landmarks.ClassicalLandmarkDetector;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;

/**
 * Writes pseudo-labels for the learned landmark detector: the classical detector's points on the rsna-299 images that
 * are in no held-out set, kept only where it placed them from five clearly visible fingertips (its most reliable
 * reading, confidence {@code >= MIN_CONFIDENCE}), with those fingertips.
 *
 * <p>Excluded, so that every held-out figure stays untouched: the default bone-age model's held-out ids
 * ({@code models/default/held-out-ids.txt}; the gate's refusal rate is measured there) and all 192 Koitka-annotated
 * images (the 64 held out by the landmark split are where point errors are measured; the 128 tune images carry expert
 * labels already).
 *
 * <pre>
 * java -cp ... io.github.boneage.benchmarks.train.PseudoLabelLandmarks SHARED HELD_OUT_IDS OUT.csv [SKIPPED_IDS.txt]
 * </pre>
 *
 * <p>The optional fourth argument receives the ids of the candidates not kept (the images the classical detector
 * found hard): no landmark model trained on them, which makes them a test set of hard radiographs for the gate
 * ({@code PipelineRealDataTest} with {@code -Dboneage.safety.ids=SKIPPED_IDS.txt}).
 */
public final class PseudoLabelLandmarks {

    /** Lowest classical confidence kept: points placed from five clearly visible fingertips. */
    public static final double MIN_CONFIDENCE = 0.9;

    private PseudoLabelLandmarks() {
    }

    /**
     * @param args shared data folder, the bone-age model's held-out ids file, output landmarks CSV, optionally an output
     *             file for the ids of the candidates not kept
     * @throws Exception on any failure
     */
    public static void main(String[] args) throws Exception {
        if (args.length != 3 && args.length != 4) {
            System.err.println("usage: PseudoLabelLandmarks SHARED HELD_OUT_IDS OUT.csv [SKIPPED_IDS.txt]");
            System.exit(2);
        }
        Path shared = Path.of(args[0]);
        Path out = Path.of(args[2]);
        Set<String> excluded = new HashSet<>();
        for (String line : Files.readAllLines(Path.of(args[1]), StandardCharsets.UTF_8)) {
            if (!line.isBlank()) {
                excluded.add(line.trim());
            }
        }
        KoitkaLandmarks koitka = KoitkaLandmarks.load(shared.resolve("data/landmarks/koitka-train-299.csv"),
                shared.resolve("data/landmarks/koitka-train-299-boxes.csv"));
        excluded.addAll(koitka.tune());
        excluded.addAll(koitka.heldOut());
        RsnaDataset dataset = RsnaDataset.builder().setFolder(shared.resolve("data/rsna-299")).build();
        List<Sample> samples = dataset.samples().stream().filter(sample -> !excluded.contains(sample.id()))
                .sorted(Comparator.comparing(Sample::id)).toList();
        ClassicalLandmarkDetector detector = ClassicalLandmarkDetector.builder().build();
        ImageDecoder decoder = ImageDecoder.create();
        HandLandmarks[] found = new HandLandmarks[samples.size()];
        long t0 = System.nanoTime();
        IntStream.range(0, samples.size()).parallel().forEach(i -> {
            Sample sample = samples.get(i);
            try {
                LandmarkDetection d = detector.detect(decoder.decode(sample.image()), sample.id());
                if (d.ok() && !d.invertedCorrected() && d.confidence() >= MIN_CONFIDENCE
                        && d.landmarks().orElseThrow().hasFingertips()) {
                    found[i] = d.landmarks().orElseThrow();
                }
            } catch (Exception e) {
                System.err.println(sample.id() + ": " + e.getMessage());
            }
        });
        Map<String, HandLandmarks> kept = new LinkedHashMap<>();
        StringBuilder skipped = new StringBuilder();
        for (int i = 0; i < samples.size(); i++) {
            if (found[i] != null) {
                kept.put(samples.get(i).id(), found[i]);
            } else {
                skipped.append(samples.get(i).id()).append('\n');
            }
        }
        LandmarksCsv.write(LandmarksTable.of(out.toString(), kept), out);
        if (args.length == 4) {
            Files.writeString(Path.of(args[3]), skipped.toString(), StandardCharsets.UTF_8);
        }
        System.out.printf(Locale.ROOT, "%s: %d candidate images (%d excluded as held out or expert-annotated), %d kept "
                + "(classical OK, confidence >= %.1f, five fingertips), %.0f s -> %s%n", Instant.now(), samples.size(),
                excluded.size(), kept.size(), MIN_CONFIDENCE, (System.nanoTime() - t0) / 1e9, out);
    }
}

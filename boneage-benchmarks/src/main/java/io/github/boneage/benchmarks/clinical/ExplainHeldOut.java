package io.github.boneage.benchmarks.clinical;

import io.github.boneage.clinical.explain.HeatmapRenderer;
import io.github.boneage.clinical.explain.OcclusionFill;
import io.github.boneage.clinical.explain.OcclusionHeatmap;
import io.github.boneage.clinical.explain.OcclusionSensitivity;
import io.github.boneage.core.EstimationRequest;
import io.github.boneage.core.dataset.RsnaDataset;
import io.github.boneage.core.dataset.Sample;
import io.github.boneage.djl.DjlBoneAgeEstimator;
import io.github.boneage.preprocess.io.ImageDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Writes occlusion heatmaps of a model bundle for the first few of its held-out RSNA ids and reports the cost per
 * image. The PNGs show real radiographs: write them outside the repository (the default is /tmp) and never commit
 * them.
 *
 * <pre>
 * java -Dai.djl.pytorch.num_threads=2 -cp boneage-benchmarks/target/classes:$(cat cp.txt) \
 *     io.github.boneage.benchmarks.clinical.ExplainHeldOut --bundle models/default --data ../shared/data/rsna-299 \
 *     [--count 3] [--fill mean_grey|blur] [--patch 0.2] [--out /tmp/boneage-heatmaps]
 * </pre>
 */
public final class ExplainHeldOut {

    private ExplainHeldOut() {
    }

    /**
     * @param args {@code --name value} pairs, see the class comment
     * @throws Exception on any failure (a tool: it stops)
     */
    public static void main(String[] args) throws Exception {
        Map<String, String> a = new HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            a.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        Path bundle = Path.of(a.getOrDefault("bundle", "models/default"));
        RsnaDataset dataset = RsnaDataset.builder().setFolder(Path.of(a.getOrDefault("data", "../shared/data/rsna-299"))).build();
        int count = Integer.parseInt(a.getOrDefault("count", "3"));
        OcclusionFill fill = OcclusionFill.valueOf(a.getOrDefault("fill", "mean_grey").toUpperCase(Locale.ROOT));
        double patch = Double.parseDouble(a.getOrDefault("patch", "0.2"));
        Path out = Path.of(a.getOrDefault("out", "/tmp/boneage-heatmaps"));
        List<String> ids = Files.readAllLines(bundle.resolve("held-out-ids.txt"), StandardCharsets.UTF_8).stream()
                .map(String::trim).filter(s -> !s.isEmpty()).limit(count).toList();
        ImageDecoder decoder = ImageDecoder.create();
        HeatmapRenderer renderer = HeatmapRenderer.builder().build();
        try (DjlBoneAgeEstimator estimator = DjlBoneAgeEstimator.builder().setBundle(bundle).build()) {
            OcclusionSensitivity explainer = OcclusionSensitivity.builder().setEstimator(estimator).optFill(fill)
                    .optPatchFraction(patch).build();
            for (String id : ids) {
                Sample s = dataset.sample(id).orElseThrow();
                EstimationRequest request = EstimationRequest.builder().setImage(decoder.decode(s.image()))
                        .optSourceId(id).optSex(s.sex()).build();
                long start = System.nanoTime();
                OcclusionHeatmap map = explainer.explain(request);
                double seconds = (System.nanoTime() - start) / 1e9;
                Path png = out.resolve(id + "-heatmap.png");
                renderer.writePng(request.image(), map, png);
                System.out.printf(Locale.ROOT, "%s: truth %.0f, estimate %.1f months; %dx%d cells of %d px, %d forward "
                                + "passes in %.1f s; max change %.1f months at (%.0f, %.0f) -> %s%n", id, s.boneAgeMonths(),
                        map.baselineMonths(), map.columns(), map.rows(), map.cellSize(), map.forwardPasses(), seconds,
                        map.maxChangeMonths(), map.hottestPoint().x(), map.hottestPoint().y(), png);
            }
        }
    }
}

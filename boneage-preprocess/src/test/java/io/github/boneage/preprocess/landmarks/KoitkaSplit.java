package io.github.boneage.preprocess.landmarks;

import io.github.boneage.core.landmarks.LandmarksCsv;
import io.github.boneage.core.landmarks.LandmarksTable;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * The fixed split of the 192 annotated real radiographs into the images the point model was fitted on ("tune") and
 * the images only ever used to measure it ("held-out"). Ids are sorted, then shuffled with a fixed seed.
 */
final class KoitkaSplit {

    /** Seed of the shuffle; never change it, or the held-out images are no longer unseen. */
    static final long SEED = 20_261_122L;
    /** How many images the point model is fitted on; the rest are held out. */
    static final int TUNE_COUNT = 128;

    final LandmarksTable table;
    final List<String> tune;
    final List<String> heldOut;

    private KoitkaSplit(LandmarksTable table, List<String> tune, List<String> heldOut) {
        this.table = table;
        this.tune = tune;
        this.heldOut = heldOut;
    }

    /** @param landmarksCsv {@code data/landmarks/koitka-train-299.csv} */
    static KoitkaSplit load(Path landmarksCsv) throws IOException {
        LandmarksTable table = LandmarksCsv.read(landmarksCsv);
        List<String> ids = new ArrayList<>(table.ids());
        Collections.sort(ids);
        Collections.shuffle(ids, new Random(SEED));
        return new KoitkaSplit(table, List.copyOf(ids.subList(0, TUNE_COUNT)),
                List.copyOf(ids.subList(TUNE_COUNT, ids.size())));
    }
}

package io.github.boneage.djl.train.landmarks;

import io.github.boneage.core.Finger;
import io.github.boneage.core.HandLandmarks;
import io.github.boneage.core.InputFormatException;
import io.github.boneage.core.Point;
import io.github.boneage.core.ReferencePoint;
import io.github.boneage.core.landmarks.LandmarksCsv;
import io.github.boneage.core.landmarks.LandmarksTable;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

/**
 * The annotated real radiographs ({@code data/landmarks/koitka-train-299.csv}, derived from Koitka et al. 2018) with
 * approximate fingertips, and their fixed tune / held-out split.
 *
 * <p><b>Split.</b> Ids sorted, shuffled with {@link #SPLIT_SEED}, the first {@link #TUNE_COUNT} are the tune (training)
 * images and the other 64 held out: the same split as the classical detector's {@code KoitkaSplit}, so the figures
 * compare.
 *
 * <p><b>Fingertips.</b> The Koitka boxes have no fingertips. They are extrapolated from the joint boxes: each finger's
 * MCP point is matched to a PIP box and each PIP box to a DIP box by the assignment of least total distance (the
 * thumb has no DIP box: its "PIP" box is its interphalangeal joint); the tip is then placed beyond the last joint by
 * {@link #TIP_EXTENSION} times the preceding segment (the distal phalanx plus soft tissue is about 0.8 of the middle
 * phalanx, and of the thumb's proximal phalanx). These are approximations, good to perhaps a third of a distal
 * phalanx; an image whose matching is inconsistent (the thumb's MCP not left without DIP) gets no fingertips.
 */
public final class KoitkaLandmarks {

    /** Seed of the split shuffle (the classical detector's split). */
    public static final long SPLIT_SEED = 20_261_122L;
    /** Images in the tune (training) part. */
    public static final int TUNE_COUNT = 128;
    /** Tip beyond the last joint, as a multiple of the segment before that joint. */
    public static final double TIP_EXTENSION = 0.8;

    private final LandmarksTable table;
    private final Map<String, HandLandmarks> withTips;
    private final List<String> tune;
    private final List<String> heldOut;

    private KoitkaLandmarks(LandmarksTable table, Map<String, HandLandmarks> withTips, List<String> tune, List<String> heldOut) {
        this.table = table;
        this.withTips = withTips;
        this.tune = tune;
        this.heldOut = heldOut;
    }

    /**
     * @param pointsCsv {@code koitka-train-299.csv}
     * @param boxesCsv  {@code koitka-train-299-boxes.csv} ({@code id,label,xmin,ymin,xmax,ymax})
     * @return the table, fingertips and split
     * @throws IOException          when a file cannot be read
     * @throws InputFormatException naming the file and line when a box row is malformed
     */
    public static KoitkaLandmarks load(Path pointsCsv, Path boxesCsv) throws IOException {
        LandmarksTable table = LandmarksCsv.read(pointsCsv);
        Map<String, List<Point>> pip = new HashMap<>();
        Map<String, List<Point>> dip = new HashMap<>();
        List<String> lines = Files.readAllLines(boxesCsv, StandardCharsets.UTF_8);
        for (int i = 1; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty()) {
                continue;
            }
            String[] c = line.split(",");
            if (c.length != 6) {
                throw new InputFormatException(boxesCsv.toString(), i + 1, "row", "expected 6 cells, got " + c.length);
            }
            Point centre;
            try {
                centre = new Point((Double.parseDouble(c[2]) + Double.parseDouble(c[4])) / 2,
                        (Double.parseDouble(c[3]) + Double.parseDouble(c[5])) / 2);
            } catch (IllegalArgumentException e) {
                throw new InputFormatException(boxesCsv.toString(), i + 1, "xmin..ymax", "box coordinates are not finite numbers", e);
            }
            if (c[1].equals("PIP")) {
                pip.computeIfAbsent(c[0], k -> new ArrayList<>()).add(centre);
            } else if (c[1].equals("DIP")) {
                dip.computeIfAbsent(c[0], k -> new ArrayList<>()).add(centre);
            }
        }
        Map<String, HandLandmarks> withTips = new HashMap<>();
        for (String id : table.ids()) {
            HandLandmarks lm = table.get(id).orElseThrow();
            withTips.put(id, tips(lm, pip.getOrDefault(id, List.of()), dip.getOrDefault(id, List.of())).map(lm::withFingertips)
                    .orElse(lm));
        }
        List<String> ids = new ArrayList<>(table.ids());
        Collections.sort(ids);
        Collections.shuffle(ids, new Random(SPLIT_SEED));
        return new KoitkaLandmarks(table, withTips, List.copyOf(ids.subList(0, Math.min(TUNE_COUNT, ids.size()))),
                List.copyOf(ids.subList(Math.min(TUNE_COUNT, ids.size()), ids.size())));
    }

    private static Optional<Map<Finger, Point>> tips(HandLandmarks lm, List<Point> pips, List<Point> dips) {
        if (pips.size() != 5 || dips.size() != 4) {
            return Optional.empty();
        }
        Point[] mcp = new Point[5];
        for (Finger f : Finger.values()) {
            mcp[f.ordinal()] = lm.point(ReferencePoint.values()[f.ordinal()]);
        }
        int[] pipOf = bestAssignment(mcp, pips.toArray(Point[]::new));
        Point[] fingerPip = new Point[5];
        for (int f = 0; f < 5; f++) {
            fingerPip[f] = pips.get(pipOf[f]);
        }
        // DIPs to fingers: 4 DIPs over 5 PIPs; the finger left without one must be the thumb.
        int[] dipOf = bestAssignment(dips.toArray(Point[]::new), fingerPip);
        boolean[] hasDip = new boolean[5];
        Point[] fingerDip = new Point[5];
        for (int d = 0; d < 4; d++) {
            hasDip[dipOf[d]] = true;
            fingerDip[dipOf[d]] = dips.get(d);
        }
        if (hasDip[Finger.THUMB.ordinal()]) {
            return Optional.empty();
        }
        Map<Finger, Point> tips = new EnumMap<>(Finger.class);
        for (Finger f : Finger.values()) {
            Point last = f == Finger.THUMB ? fingerPip[f.ordinal()] : fingerDip[f.ordinal()];
            Point before = f == Finger.THUMB ? mcp[f.ordinal()] : fingerPip[f.ordinal()];
            tips.put(f, new Point(last.x() + TIP_EXTENSION * (last.x() - before.x()),
                    last.y() + TIP_EXTENSION * (last.y() - before.y())));
        }
        return Optional.of(tips);
    }

    /** For each of {@code from}, the distinct index into {@code to} minimizing the total distance (brute force). */
    private static int[] bestAssignment(Point[] from, Point[] to) {
        int[] best = new int[from.length];
        double[] bestCost = {Double.POSITIVE_INFINITY};
        search(from, to, 0, new int[from.length], new boolean[to.length], 0, best, bestCost);
        return best;
    }

    private static void search(Point[] from, Point[] to, int i, int[] cur, boolean[] used, double cost, int[] best,
            double[] bestCost) {
        if (cost >= bestCost[0]) {
            return;
        }
        if (i == from.length) {
            bestCost[0] = cost;
            System.arraycopy(cur, 0, best, 0, cur.length);
            return;
        }
        for (int j = 0; j < to.length; j++) {
            if (!used[j]) {
                used[j] = true;
                cur[i] = j;
                search(from, to, i + 1, cur, used, cost + from[i].distanceTo(to[j]), best, bestCost);
                used[j] = false;
            }
        }
    }

    /** @return the annotated table (seven points, as read) */
    public LandmarksTable table() {
        return table;
    }

    /**
     * @param id an image id
     * @return its seven points with the extrapolated fingertips when they could be derived
     */
    public HandLandmarks landmarksWithTips(String id) {
        HandLandmarks lm = withTips.get(id);
        if (lm == null) {
            throw new IllegalArgumentException("no annotated image '" + id + "' in " + table.source());
        }
        return lm;
    }

    /** @return the 128 tune (training) ids */
    public List<String> tune() {
        return tune;
    }

    /** @return the 64 held-out ids */
    public List<String> heldOut() {
        return heldOut;
    }
}

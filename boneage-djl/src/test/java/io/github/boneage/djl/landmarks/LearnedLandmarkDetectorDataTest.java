package io.github.boneage.djl.landmarks;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.boneage.core.BoneAgeEstimator;
import io.github.boneage.core.EstimationRequest;
import io.github.boneage.core.Finger;
import io.github.boneage.core.HandLandmarks;
import io.github.boneage.core.Point;
import io.github.boneage.core.ReferencePoint;
import io.github.boneage.core.Roi;
import io.github.boneage.core.RoiScheme;
import io.github.boneage.core.Sex;
import io.github.boneage.core.image.GreyImage;
import io.github.boneage.core.image.GreyImage8;
import io.github.boneage.core.landmarks.HandMask;
import io.github.boneage.core.landmarks.LandmarkDetection;
import io.github.boneage.core.landmarks.LandmarkDetector;
import io.github.boneage.core.testing.SharedData;
import io.github.boneage.djl.DjlBoneAgeEstimator;
import io.github.boneage.djl.train.landmarks.KoitkaLandmarks;
import io.github.boneage.preprocess.io.ImageDecoder;
import io.github.boneage.preprocess.landmarks.ClassicalLandmarkDetector;
import io.github.boneage.preprocess.landmarks.impl.HandAnalyzer;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The learned detector against the classical one, in one run, on real radiographs: the 64 held-out annotated images of
 * the Koitka split (never trained on), their rotated (90, 180, 270 degrees) and mirrored copies, and the acceptance
 * rate on unannotated images (the 300 of rsna-halfres and 300 rsna-299 images outside the 192 annotated ones), with
 * contact sheets in {@code target/learned-landmarks/} to look at. Also times detection against the default bone-age
 * model's inference on the same images. The figures are logged; the assertions sit a little below what was measured
 * (docs/landmarks.md, "Learned detector") so that a regression fails.
 */
@Tag("data")
class LearnedLandmarkDetectorDataTest {

    private static LearnedLandmarkDetector learned;
    private static LearnedLandmarkDetector learnedWithFallback;
    private static ClassicalLandmarkDetector classical;
    private static final ImageDecoder DECODER = ImageDecoder.create();

    @BeforeAll
    static void load() {
        // -Dboneage.landmarks.bundle=FOLDER measures a candidate bundle (e.g. a new training run) the same way.
        Path bundle = Path.of(System.getProperty("boneage.landmarks.bundle", "../models/landmarks"));
        classical = ClassicalLandmarkDetector.builder().build();
        learned = LearnedLandmarkDetector.builder().setBundle(bundle).build();
        learnedWithFallback = LearnedLandmarkDetector.builder().setBundle(bundle).optClassicalFallback(classical).build();
    }

    @AfterAll
    static void close() {
        learned.close();
        learnedWithFallback.close();
    }

    @Test
    void heldOutAnnotatedImagesUprightRotatedAndMirrored() throws IOException {
        Path csv = SharedData.require("data/landmarks/koitka-train-299.csv");
        Path boxes = SharedData.require("data/landmarks/koitka-train-299-boxes.csv");
        Path images = SharedData.require("data/rsna-299/images");
        KoitkaLandmarks koitka = KoitkaLandmarks.load(csv, boxes);
        assertThat(koitka.heldOut()).hasSize(64);
        Map<String, LandmarkDetector> detectors = new LinkedHashMap<>();
        detectors.put("learned", learned);
        detectors.put("learned + classical fallback", learnedWithFallback);
        detectors.put("classical", classical);
        Map<String, LandmarkErrors> upright = new LinkedHashMap<>();
        for (var e : detectors.entrySet()) {
            LandmarkErrors acc = new LandmarkErrors(e.getKey() + ", upright");
            LandmarkErrors turned = new LandmarkErrors(e.getKey() + ", rotated 90/180/270 + mirrored");
            LandmarkErrors ungated = new LandmarkErrors(e.getKey() + ", upright, points of every verdict");
            for (String id : koitka.heldOut()) {
                GreyImage8 image = (GreyImage8) DECODER.decode(images.resolve(id + ".jpg"));
                HandLandmarks truth = koitka.table().get(id).orElseThrow();
                measure(e.getValue(), image, truth, id, acc);
                // Accuracy of the points themselves, whatever the quality gate said (LOW_CONFIDENCE keeps its points).
                e.getValue().detect(image, id).landmarks().ifPresentOrElse(
                        lm -> ungated.add(lm, truth, image.width(), image.height()), ungated::failed);
                for (int turns = 1; turns <= 3; turns++) {
                    measure(e.getValue(), rotate(image, turns), rotate(truth, image, turns), id + "-rot" + turns, turned);
                }
                measure(e.getValue(), mirror(image), mirror(truth, image), id + "-mirror", turned);
            }
            System.out.println(acc);
            System.out.println(ungated);
            System.out.println(turned);
            upright.put(e.getKey(), acc);
            upright.put(e.getKey() + " turned", turned);
            upright.put(e.getKey() + " ungated", ungated);
        }
        // Bounds a little below what was measured for the shipped model (docs/landmarks.md, "Learned detector"), so
        // that a regression fails: learned 100% / 2.89% / IoU 0.916 / 98.4% all within 15% (63 of 64), turned copies
        // 2.87%, with the refining reading (first reading alone: 2.94% / 0.921 / 96.9%).
        LandmarkErrors l = upright.get("learned");
        LandmarkErrors lu = upright.get("learned ungated");
        LandmarkErrors lt = upright.get("learned turned");
        LandmarkErrors c = upright.get("classical");
        assertThat(l.success()).as(l.toString()).isGreaterThanOrEqualTo(0.98);
        assertThat(l.medianError()).as(l.toString()).isLessThanOrEqualTo(3.3);
        assertThat(l.medianIou()).as(l.toString()).isGreaterThanOrEqualTo(0.90);
        assertThat(l.allWithin15()).as(l.toString()).isGreaterThanOrEqualTo(0.96);
        assertThat(lu.success()).as(lu.toString()).isEqualTo(1.0);
        assertThat(lt.success()).as(lt.toString()).isGreaterThanOrEqualTo(0.98);
        assertThat(lt.medianError()).as(lt.toString()).isLessThanOrEqualTo(3.3);
        // The learned detector must stay better than the classical one it replaced as the default.
        assertThat(l.medianError()).as("learned vs classical").isLessThan(c.medianError());
        assertThat(l.success()).as("learned vs classical").isGreaterThanOrEqualTo(c.success());
    }

    private static void measure(LandmarkDetector detector, GreyImage image, HandLandmarks truth, String id, LandmarkErrors acc) {
        LandmarkDetection d = detector.detect(image, id);
        if (d.ok()) {
            acc.add(d.landmarks().orElseThrow(), truth, image.width(), image.height());
        } else {
            acc.failed();
        }
    }

    /**
     * The mask head against its teacher, the classical segmentation, on images the landmark network was not trained
     * on: the 64 held-out Koitka images, the first 300 of the bone-age model's held-out ids (excluded from the
     * pseudo-labels) and the rsna-halfres copies of held-out ids (real aspect ratio; the other rsna-halfres images are
     * rsna-299 training images at another resolution). IoU where the classical analysis found a hand, the share of the
     * Koitka images' annotated reference points that lie on the mask, and the mask of an inverted copy against the
     * upright one's.
     */
    @Test
    void handMaskAgreesWithTheClassicalSegmentation() throws IOException {
        org.junit.jupiter.api.Assumptions.assumeTrue(learned.bundle().spec().maskHead(), "the bundle has no mask head");
        KoitkaLandmarks koitka = KoitkaLandmarks.load(SharedData.require("data/landmarks/koitka-train-299.csv"),
                SharedData.require("data/landmarks/koitka-train-299-boxes.csv"));
        Path rsna = SharedData.require("data/rsna-299/images");
        List<Path> files = new ArrayList<>();
        koitka.heldOut().forEach(id -> files.add(rsna.resolve(id + ".jpg")));
        List<String> heldOut = java.nio.file.Files.readAllLines(Path.of("../models/default/held-out-ids.txt")).stream()
                .map(String::trim).filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
        heldOut.stream().limit(300).forEach(id -> files.add(rsna.resolve(id + ".jpg")));
        Set<String> untrained = new HashSet<>(heldOut);
        list(SharedData.require("data/rsna-halfres/images")).stream().filter(p -> untrained.contains(stem(p)))
                .forEach(files::add);
        HandAnalyzer analyzer = new HandAnalyzer(ClassicalLandmarkDetector.DEFAULT_WORKING_SIDE);
        List<Double> iou = new ArrayList<>();
        List<Double> invertedIou = new ArrayList<>();
        int pointsOn = 0;
        int points = 0;
        int withMask = 0;
        for (Path file : files) {
            GreyImage image = DECODER.decode(file);
            LandmarkDetection d = learned.detect(image, stem(file));
            if (d.handMask().isEmpty()) {
                continue;
            }
            withMask++;
            HandMask mask = d.handMask().get();
            analyzer.handMask(image).ifPresent(classical -> iou.add(mask.iou(classical)));
            // The annotated points are in the 299 px images' coordinates.
            var truth = file.startsWith(rsna) ? koitka.table().get(stem(file)) : java.util.Optional.<HandLandmarks>empty();
            if (truth.isPresent()) {
                for (ReferencePoint rp : ReferencePoint.values()) {
                    Point p = truth.get().point(rp);
                    pointsOn += mask.contains(p.x(), p.y()) ? 1 : 0;
                    points++;
                }
            }
            if (invertedIou.size() < 100) {
                LandmarkDetection inv = learned.detect(invert(image), stem(file) + "-inverted");
                invertedIou.add(inv.handMask().map(mask::iou).orElse(0.0));
            }
        }
        double medianIou = median(iou);
        double medianInverted = median(invertedIou);
        double onMask = pointsOn / (double) points;
        System.out.printf(Locale.ROOT, "hand mask: %d of %d images with a mask; IoU with the classical segmentation "
                        + "median %.3f, 10th percentile %.3f (%d images it accepted); held-out reference points on the mask "
                        + "%.1f%% (%d); inverted copy vs upright median IoU %.3f (%d)%n", withMask, files.size(), medianIou,
                percentile(iou, 0.1), iou.size(), 100 * onMask, points, medianInverted, invertedIou.size());
        assertThat(withMask).isGreaterThanOrEqualTo((int) (0.98 * files.size()));
        assertThat(medianIou).isGreaterThanOrEqualTo(MIN_MASK_IOU);
        assertThat(onMask).isGreaterThanOrEqualTo(0.95);
        assertThat(medianInverted).isGreaterThanOrEqualTo(MIN_MASK_IOU);
    }

    /** A little below the shipped mask head's measured median IoU (docs/landmarks.md, "Hand mask"). */
    private static final double MIN_MASK_IOU = 0.85;

    private static GreyImage invert(GreyImage image) {
        GreyImage8 src = (GreyImage8) image;
        GreyImage8 out = new GreyImage8(src.width(), src.height());
        for (int y = 0; y < src.height(); y++) {
            for (int x = 0; x < src.width(); x++) {
                out.set(x, y, 255 - src.get(x, y));
            }
        }
        return out;
    }

    private static double median(List<Double> values) {
        return percentile(values, 0.5);
    }

    private static double percentile(List<Double> values, double q) {
        List<Double> sorted = values.stream().sorted().toList();
        return sorted.isEmpty() ? Double.NaN : sorted.get((int) Math.min(sorted.size() - 1, Math.floor(q * sorted.size())));
    }

    @Test
    void acceptanceOnUnannotatedRadiographsAndSpeed() throws IOException {
        Path halfres = SharedData.require("data/rsna-halfres/images");
        Path rsna = SharedData.require("data/rsna-299/images");
        Path csv = SharedData.require("data/landmarks/koitka-train-299.csv");
        Set<String> annotated = new HashSet<>(KoitkaLandmarks.load(csv, SharedData.require("data/landmarks/koitka-train-299-boxes.csv"))
                .table().ids());
        List<Path> halfresFiles = list(halfres);
        List<Path> all299 = list(rsna).stream().filter(p -> !annotated.contains(stem(p))).toList();
        List<Path> sample299 = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            sample299.add(all299.get(i * all299.size() / 300));
        }
        Path out = Files.createDirectories(Path.of("target/learned-landmarks"));
        for (var set : Map.of("rsna-halfres", halfresFiles, "rsna-299-unannotated", sample299).entrySet()) {
            int okLearned = 0;
            int okFallback = 0;
            int okClassical = 0;
            Map<String, Integer> refusals = new LinkedHashMap<>();
            long learnedNanos = 0;
            List<BufferedImage> thumbs = new ArrayList<>();
            for (Path file : set.getValue()) {
                GreyImage image = DECODER.decode(file);
                long t0 = System.nanoTime();
                LandmarkDetection d = learned.detect(image, stem(file));
                learnedNanos += System.nanoTime() - t0;
                if (d.ok()) {
                    okLearned++;
                } else {
                    refusals.merge(d.verdict().name(), 1, Integer::sum);
                    System.out.println(set.getKey() + " " + file.getFileName() + " " + d.verdict() + ": " + d.reason());
                }
                okFallback += learnedWithFallback.detect(image, stem(file)).ok() ? 1 : 0;
                okClassical += classical.detect(image, stem(file)).ok() ? 1 : 0;
                thumbs.add(thumbnail(image, d));
            }
            int n = set.getValue().size();
            System.out.printf(Locale.ROOT, "%s: %d images; accepted: learned %.1f%% (refused %s), learned + fallback %.1f%%, "
                            + "classical %.1f%%; learned detection %.1f ms/image%n", set.getKey(), n, 100.0 * okLearned / n,
                    refusals, 100.0 * okFallback / n, 100.0 * okClassical / n, learnedNanos / 1e6 / n);
            writeSheets(thumbs, out, set.getKey());
            assertThat((double) okFallback / n).as(set.getKey()).isGreaterThanOrEqualTo(0.9);
        }
        // Speed against the default bone-age model, same images, same thread, after warm-up.
        Path model = Path.of("../models/default");
        try (DjlBoneAgeEstimator estimator = DjlBoneAgeEstimator.builder().setBundle(model).optPoolSize(1).build()) {
            List<GreyImage> imgs = new ArrayList<>();
            for (int i = 0; i < 60; i++) {
                imgs.add(DECODER.decode(halfresFiles.get(i)));
            }
            for (int i = 0; i < 10; i++) {
                learned.detect(imgs.get(i), "warm");
                estimator.estimate(EstimationRequest.builder().optSourceId("warm").setImage(imgs.get(i)).optSex(Sex.FEMALE).build());
            }
            long tl = 0;
            long te = 0;
            for (int i = 10; i < imgs.size(); i++) {
                long t0 = System.nanoTime();
                learned.detect(imgs.get(i), "t");
                long t1 = System.nanoTime();
                estimator.estimate(EstimationRequest.builder().optSourceId("t").setImage(imgs.get(i)).optSex(Sex.FEMALE).build());
                long t2 = System.nanoTime();
                tl += t1 - t0;
                te += t2 - t1;
            }
            int n = imgs.size() - 10;
            System.out.printf(Locale.ROOT, "speed on %d rsna-halfres images: learned detection %.1f ms/image, model v1 "
                    + "estimate %.1f ms/image (ratio %.2f)%n", n, tl / 1e6 / n, te / 1e6 / n, (double) tl / te);
        }
    }

    private static List<Path> list(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.toString().endsWith(".jpg") || p.toString().endsWith(".png")).sorted().toList();
        }
    }

    private static String stem(Path p) {
        String n = p.getFileName().toString();
        return n.substring(0, n.lastIndexOf('.'));
    }

    /** Rotates by quarter turns clockwise. */
    static GreyImage8 rotate(GreyImage8 src, int turns) {
        GreyImage8 cur = src;
        for (int t = 0; t < turns; t++) {
            int w = cur.width();
            int h = cur.height();
            GreyImage8 next = new GreyImage8(h, w);
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    next.set(h - 1 - y, x, cur.get(x, y));
                }
            }
            cur = next;
        }
        return cur;
    }

    static HandLandmarks rotate(HandLandmarks lm, GreyImage src, int turns) {
        int w = src.width();
        int h = src.height();
        HandLandmarks cur = lm;
        for (int t = 0; t < turns; t++) {
            int hh = h;
            cur = map(cur, p -> new Point(hh - p.y(), p.x()));
            int tmp = w;
            w = h;
            h = tmp;
        }
        return cur;
    }

    static GreyImage8 mirror(GreyImage8 src) {
        GreyImage8 out = new GreyImage8(src.width(), src.height());
        for (int y = 0; y < src.height(); y++) {
            for (int x = 0; x < src.width(); x++) {
                out.set(src.width() - 1 - x, y, src.get(x, y));
            }
        }
        return out;
    }

    static HandLandmarks mirror(HandLandmarks lm, GreyImage src) {
        return map(lm, p -> new Point(src.width() - p.x(), p.y()));
    }

    private static HandLandmarks map(HandLandmarks lm, java.util.function.UnaryOperator<Point> f) {
        Map<ReferencePoint, Point> pts = new EnumMap<>(ReferencePoint.class);
        lm.points().forEach((k, v) -> pts.put(k, f.apply(v)));
        Map<Finger, Point> tips = new EnumMap<>(Finger.class);
        lm.fingertips().forEach((k, v) -> tips.put(k, f.apply(v)));
        return tips.isEmpty() ? HandLandmarks.of(pts) : HandLandmarks.of(pts, tips);
    }

    private static final int THUMB = 160;
    private static final int COLUMNS = 10;
    private static final int ROWS = 6;

    private static void writeSheets(List<BufferedImage> thumbs, Path out, String name) throws IOException {
        int per = COLUMNS * ROWS;
        for (int sheet = 0; sheet * per < thumbs.size(); sheet++) {
            BufferedImage page = new BufferedImage(COLUMNS * THUMB, ROWS * THUMB, BufferedImage.TYPE_INT_RGB);
            Graphics2D g = page.createGraphics();
            for (int k = 0; k < per && sheet * per + k < thumbs.size(); k++) {
                g.drawImage(thumbs.get(sheet * per + k), (k % COLUMNS) * THUMB, (k / COLUMNS) * THUMB, null);
            }
            g.dispose();
            ImageIO.write(page, "png", out.resolve(String.format(Locale.ROOT, "%s-%02d.png", name, sheet)).toFile());
        }
    }

    private static BufferedImage thumbnail(GreyImage image, LandmarkDetection d) {
        double scale = (double) THUMB / Math.max(image.width(), image.height());
        BufferedImage t = new BufferedImage(THUMB, THUMB, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < THUMB; y++) {
            for (int x = 0; x < THUMB; x++) {
                int sx = (int) (x / scale);
                int sy = (int) (y / scale);
                int v = sx < image.width() && sy < image.height() ? image.get(sx, sy) >> Math.max(0, image.bitDepth() - 8) : 0;
                t.setRGB(x, y, v << 16 | v << 8 | v);
            }
        }
        Graphics2D g = t.createGraphics();
        d.landmarks().ifPresent(lm -> {
            Roi roi1 = RoiScheme.ROI1.region(image.width(), image.height(), lm);
            g.setColor(Color.MAGENTA);
            g.drawRect((int) (roi1.x() * scale), (int) (roi1.y() * scale), (int) (roi1.width() * scale),
                    (int) (roi1.height() * scale));
            for (ReferencePoint rp : ReferencePoint.values()) {
                g.setColor(rp == ReferencePoint.THUMB ? Color.RED : rp.isFinger() ? Color.YELLOW : Color.CYAN);
                Point p = lm.point(rp);
                g.fillRect((int) (p.x() * scale) - 2, (int) (p.y() * scale) - 2, 4, 4);
            }
            g.setColor(Color.GREEN);
            for (Point p : lm.fingertips().values()) {
                g.drawOval((int) (p.x() * scale) - 2, (int) (p.y() * scale) - 2, 4, 4);
            }
        });
        g.setColor(d.ok() ? Color.GREEN : Color.RED);
        g.drawRect(0, 0, THUMB - 1, THUMB - 1);
        g.drawString(d.verdict().name(), 3, 12);
        g.dispose();
        return t;
    }
}

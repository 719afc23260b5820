package io.github.boneage.preprocess.landmarks;

import io.github.boneage.core.Finger;
import io.github.boneage.core.HandLandmarks;
import io.github.boneage.core.Point;
import io.github.boneage.core.ReferencePoint;
import io.github.boneage.core.image.GreyImage;
import io.github.boneage.core.image.GreyImage8;
import io.github.boneage.core.landmarks.LandmarkDetection;
import io.github.boneage.preprocess.geometry.Resampler;
import io.github.boneage.preprocess.io.ImageDecoder;
import io.github.boneage.preprocess.io.PngWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Development tool: runs the detector on the tune or held-out split and writes grey overlays. */
public final class LandmarkEvaluationMain {

    private LandmarkEvaluationMain() {
    }

    public static void main(String[] args) throws Exception {
        Path shared = Path.of(args[0]);
        String which = args[1];
        Path overlays = args.length > 2 ? Path.of(args[2]) : null;
        KoitkaSplit split = KoitkaSplit.load(shared.resolve("data/landmarks/koitka-train-299.csv"));
        List<String> ids = which.equals("tune") ? split.tune : split.heldOut;
        ClassicalLandmarkDetector detector = ClassicalLandmarkDetector.builder().build();
        ImageDecoder decoder = ImageDecoder.create();
        LandmarkAccuracy acc = new LandmarkAccuracy();
        if (overlays != null) {
            Files.createDirectories(overlays);
        }
        for (String id : ids) {
            GreyImage image = decoder.decode(shared.resolve("data/rsna-299/images/" + id + ".jpg"));
            LandmarkDetection d = detector.detect(image, id);
            HandLandmarks truth = split.table.get(id).orElseThrow();
            if (d.ok()) {
                acc.add(d.landmarks().orElseThrow(), truth, image.width(), image.height());
            } else {
                acc.failed();
            }
            double err = Double.NaN;
            if (d.landmarks().isPresent()) {
                err = 0;
                for (ReferencePoint rp : ReferencePoint.values()) {
                    err += d.landmarks().get().point(rp).distanceTo(truth.point(rp)) / truth.handSize() * 100 / 7;
                }
            }
            System.out.printf(java.util.Locale.ROOT, "%s %s err %.1f %s%n", id, d.verdict(), err, d.reason());
            if (overlays != null) {
                PngWriter.write(overlay(image, d, truth), overlays.resolve(id + ".png"));
            }
        }
        System.out.println(which + ": " + acc);
        System.out.println(which + " median error by point (% of hand size): " + acc.medianByPoint());
    }

    /** Image doubled in size, annotated points as white squares, detected as black crosses, tips as black dots. */
    public static GreyImage8 overlay(GreyImage image, LandmarkDetection d, HandLandmarks truth) {
        int s = 2;
        GreyImage8 out = (GreyImage8) Resampler.resize(image, image.width() * s, image.height() * s);
        if (truth != null) {
            for (ReferencePoint rp : ReferencePoint.values()) {
                square(out, truth.point(rp), s, 255);
            }
        }
        d.landmarks().ifPresent(lm -> {
            for (ReferencePoint rp : ReferencePoint.values()) {
                cross(out, lm.point(rp), s, 0);
            }
            for (Finger f : Finger.values()) {
                lm.fingertip(f).ifPresent(p -> square(out, p, s, 0));
            }
        });
        return out;
    }

    private static void square(GreyImage8 img, Point p, int s, int value) {
        int cx = (int) (p.x() * s);
        int cy = (int) (p.y() * s);
        for (int dy = -3; dy <= 3; dy++) {
            for (int dx = -3; dx <= 3; dx++) {
                if (Math.max(Math.abs(dx), Math.abs(dy)) == 3) {
                    set(img, cx + dx, cy + dy, value);
                }
            }
        }
    }

    private static void cross(GreyImage8 img, Point p, int s, int value) {
        int cx = (int) (p.x() * s);
        int cy = (int) (p.y() * s);
        for (int k = -5; k <= 5; k++) {
            set(img, cx + k, cy, value);
            set(img, cx, cy + k, value);
            set(img, cx + k, cy + 1, 255 - value);
        }
    }

    private static void set(GreyImage8 img, int x, int y, int value) {
        if (x >= 0 && y >= 0 && x < img.width() && y < img.height()) {
            img.set(x, y, value);
        }
    }
}

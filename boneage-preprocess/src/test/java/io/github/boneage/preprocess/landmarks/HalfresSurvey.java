package io.github.boneage.preprocess.landmarks;

import io.github.boneage.core.Finger;
import io.github.boneage.core.HandLandmarks;
import io.github.boneage.core.Point;
import io.github.boneage.core.ReferencePoint;
import io.github.boneage.core.Roi;
import io.github.boneage.core.RoiScheme;
import io.github.boneage.core.image.GreyImage;
import io.github.boneage.core.landmarks.LandmarkDetection;
import io.github.boneage.preprocess.io.ImageDecoder;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Stream;
import javax.imageio.ImageIO;

/**
 * Development tool for docs/landmarks.md: runs the detector on the unannotated real radiographs of
 * {@code data/rsna-halfres}, checks each detection against the plausibility rules below, and writes contact sheets
 * of the overlays (never committed). Arguments: SHARED_DIR OUT_DIR.
 */
public final class HalfresSurvey {

    private static final int THUMB = 150;
    private static final int COLUMNS = 8;
    private static final int ROWS = 5;

    private HalfresSurvey() {
    }

    /**
     * The plausibility rules: a detection counts as a success when the gate says OK and
     * (1) every point and fingertip lies inside the image, (2) hand size is 15-80% of the image's longer side,
     * (3) ROI1 covers 3-60% of the image, (4) every fingertip is farther from the wrist centre than its finger's
     * reference point (fingers point away from the wrist).
     *
     * @return the first rule broken, or empty
     */
    static Optional<String> implausible(HandLandmarks lm, int width, int height) {
        if (lm.firstPointOutside(width, height).isPresent()) {
            return Optional.of("point outside the image");
        }
        double size = lm.handSize() / Math.max(width, height);
        if (size < 0.15 || size > 0.8) {
            return Optional.of(String.format(Locale.ROOT, "hand size %.2f of the longer side", size));
        }
        Roi roi1 = RoiScheme.ROI1.region(width, height, lm);
        double share = (double) roi1.width() * roi1.height() / ((double) width * height);
        if (share < 0.03 || share > 0.6) {
            return Optional.of(String.format(Locale.ROOT, "ROI1 covers %.2f of the image", share));
        }
        Point wrist = lm.wristCentre();
        for (Finger f : Finger.values()) {
            Point tip = lm.fingertip(f).orElseThrow();
            if (tip.distanceTo(wrist) <= lm.point(ReferencePoint.values()[f.ordinal()]).distanceTo(wrist)) {
                return Optional.of("fingertip " + f + " is nearer the wrist than its joint");
            }
        }
        return Optional.empty();
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]).resolve("data/rsna-halfres/images");
        Path out = Files.createDirectories(Path.of(args[1]));
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(p -> p.toString().endsWith(".jpg")).sorted().toList();
        }
        ClassicalLandmarkDetector detector = ClassicalLandmarkDetector.builder().build();
        ImageDecoder decoder = ImageDecoder.create();
        List<BufferedImage> thumbs = new ArrayList<>();
        int success = 0;
        long nanos = 0;
        for (Path file : files) {
            GreyImage image = decoder.decode(file);
            long t0 = System.nanoTime();
            LandmarkDetection d = detector.detect(image, file.toString());
            nanos += System.nanoTime() - t0;
            String why = d.ok() ? implausible(d.landmarks().orElseThrow(), image.width(), image.height()).orElse(null)
                    : d.verdict() + ": " + d.reason();
            if (why == null) {
                success++;
            }
            System.out.println(file.getFileName() + " " + (why == null ? "OK" : why));
            thumbs.add(thumbnail(image, d, why == null));
        }
        int perSheet = COLUMNS * ROWS;
        for (int sheet = 0; sheet * perSheet < thumbs.size(); sheet++) {
            BufferedImage page = new BufferedImage(COLUMNS * THUMB, ROWS * THUMB, BufferedImage.TYPE_INT_RGB);
            Graphics2D g = page.createGraphics();
            for (int k = 0; k < perSheet && sheet * perSheet + k < thumbs.size(); k++) {
                g.drawImage(thumbs.get(sheet * perSheet + k), (k % COLUMNS) * THUMB, (k / COLUMNS) * THUMB, null);
            }
            g.dispose();
            ImageIO.write(page, "png", out.resolve(String.format(Locale.ROOT, "sheet-%02d.png", sheet)).toFile());
        }
        System.out.printf(Locale.ROOT, "rsna-halfres: %d images, %d plausible (%.1f%%), mean detection %.1f ms%n",
                files.size(), success, 100.0 * success / files.size(), nanos / 1e6 / files.size());
    }

    private static BufferedImage thumbnail(GreyImage image, LandmarkDetection d, boolean plausible) {
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
        g.setColor(plausible ? Color.GREEN : Color.RED);
        g.drawRect(0, 0, THUMB - 1, THUMB - 1);
        g.dispose();
        return t;
    }
}

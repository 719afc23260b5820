package io.github.boneage.cli;

import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

/**
 * Pages of small overlays to look through many detections at once: {@value #COLUMNS} x {@value #ROWS} thumbnails
 * {@value #THUMB} pixels tall per page, each labelled with its image id, written as {@code sheet-001.png},
 * {@code sheet-002.png}, ... in one folder as each page fills (so a large folder never holds more than a page in memory).
 */
final class ContactSheets {

    static final int COLUMNS = 8;
    static final int ROWS = 6;
    static final int THUMB = 200;
    private static final int LABEL = 14;

    private final Path folder;
    private final List<BufferedImage> thumbs = new ArrayList<>();
    private final List<String> labels = new ArrayList<>();
    private final List<Path> written = new ArrayList<>();

    /**
     * @param folder where the pages go; created if absent
     * @throws IOException if it cannot be created
     */
    ContactSheets(Path folder) throws IOException {
        this.folder = Files.createDirectories(folder);
    }

    /**
     * Adds one overlay, scaled to {@value #THUMB} pixels tall (wide images to {@value #THUMB} wide).
     *
     * @param id      the image id, written under the thumbnail
     * @param overlay the full-size overlay
     */
    void add(String id, BufferedImage overlay) {
        double scale = Math.min((double) THUMB / overlay.getHeight(), (double) THUMB / overlay.getWidth());
        int w = Math.max(1, (int) Math.round(overlay.getWidth() * scale));
        int h = Math.max(1, (int) Math.round(overlay.getHeight() * scale));
        BufferedImage thumb = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = thumb.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        g.drawImage(overlay, 0, 0, w, h, null);
        g.dispose();
        thumbs.add(thumb);
        labels.add(id);
        if (thumbs.size() == COLUMNS * ROWS) {
            flush();
        }
    }

    /**
     * Writes the last, partly filled page.
     *
     * @return every page written, in order
     */
    List<Path> finish() {
        if (!thumbs.isEmpty()) {
            flush();
        }
        return List.copyOf(written);
    }

    private void flush() {
        int rows = (thumbs.size() + COLUMNS - 1) / COLUMNS;
        BufferedImage page = new BufferedImage(COLUMNS * THUMB, rows * (THUMB + LABEL), BufferedImage.TYPE_INT_RGB);
        Graphics2D g = page.createGraphics();
        g.setColor(Color.DARK_GRAY);
        g.fillRect(0, 0, page.getWidth(), page.getHeight());
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, LABEL - 3));
        for (int i = 0; i < thumbs.size(); i++) {
            int x = (i % COLUMNS) * THUMB;
            int y = (i / COLUMNS) * (THUMB + LABEL);
            BufferedImage t = thumbs.get(i);
            g.drawImage(t, x + (THUMB - t.getWidth()) / 2, y, null);
            g.setColor(Color.WHITE);
            g.drawString(labels.get(i), x + 3, y + THUMB + LABEL - 3);
        }
        g.dispose();
        Path file = folder.resolve(String.format(Locale.ROOT, "sheet-%03d.png", written.size() + 1));
        try {
            ImageIO.write(page, "png", file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write contact sheet " + file + ": " + e.getMessage(), e);
        }
        written.add(file);
        thumbs.clear();
        labels.clear();
    }
}

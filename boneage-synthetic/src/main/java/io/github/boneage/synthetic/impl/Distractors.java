package io.github.boneage.synthetic.impl;

/**
 * Things on real radiographs that are not the hand and that a model must learn to ignore: a lead side marker burned
 * in near a corner, and the bright band outside the collimated field. Both act on the attenuation before development,
 * so they get the same blur, noise and display mapping as the anatomy.
 */
public final class Distractors {

    /** 5x7 glyphs of the side-marker letters, one string per row, '#' for lead. */
    private static final String[] LETTER_L = {
        "#....", "#....", "#....", "#....", "#....", "#....", "#####"};
    private static final String[] LETTER_R = {
        "####.", "#...#", "#...#", "####.", "#.#..", "#..#.", "#...#"};
    /** The marker's housing is the glyph plus one cell of margin all round. */
    private static final int HOUSING_COLUMNS = 7;
    private static final int HOUSING_ROWS = 9;
    private static final int SUBSAMPLES = 3;

    private Distractors() {
    }

    /** @return width of a marker over its cell size */
    public static int markerColumns() {
        return HOUSING_COLUMNS;
    }

    /** @return height of a marker over its cell size */
    public static int markerRows() {
        return HOUSING_ROWS;
    }

    /**
     * Replaces the attenuation outside the axis-aligned exposed field by a uniform strong one (an unexposed band that
     * displays bright), with a one-pixel penumbra.
     *
     * @param attenuation per-pixel attenuation, updated in place
     * @param width       image width
     * @param height      image height
     * @param field       {minX, minY, maxX, maxY} of the exposed field, pixels
     * @param strength    attenuation outside the field
     */
    public static void collimation(float[] attenuation, int width, int height, double[] field, double strength) {
        for (int y = 0; y < height; y++) {
            double py = y + 0.5;
            double outY = Math.max(field[1] - py, py - field[3]);
            int row = y * width;
            for (int x = 0; x < width; x++) {
                double px = x + 0.5;
                double outside = Math.max(outY, Math.max(field[0] - px, px - field[2]));
                double cover = Math.min(1, Math.max(0, outside / 1.5 + 0.5));
                // No radiation reaches the detector outside the field: whatever lies there is not imaged.
                int i = row + x;
                attenuation[i] = (float) (attenuation[i] * (1 - cover) + strength * cover);
            }
        }
    }

    /**
     * Burns in a side marker: a plastic housing with a lead letter, rotated about its centre.
     *
     * @param attenuation per-pixel attenuation, updated in place
     * @param width       image width
     * @param height      image height
     * @param letter      'L' or 'R'
     * @param cx          centre x, pixels
     * @param cy          centre y, pixels
     * @param cell        size of one glyph cell, pixels
     * @param angle       rotation, radians
     * @param housing     attenuation of the housing
     * @param lead        attenuation of the letter
     */
    public static void marker(float[] attenuation, int width, int height, char letter, double cx, double cy,
            double cell, double angle, double housing, double lead) {
        String[] glyph = letter == 'R' ? LETTER_R : LETTER_L;
        double cos = StrictMath.cos(angle);
        double sin = StrictMath.sin(angle);
        double reach = 0.5 * cell * Math.sqrt(HOUSING_COLUMNS * HOUSING_COLUMNS + HOUSING_ROWS * HOUSING_ROWS) + 1;
        int x0 = Math.max(0, (int) Math.floor(cx - reach));
        int x1 = Math.min(width, (int) Math.ceil(cx + reach));
        int y0 = Math.max(0, (int) Math.floor(cy - reach));
        int y1 = Math.min(height, (int) Math.ceil(cy + reach));
        double perSample = 1.0 / (SUBSAMPLES * SUBSAMPLES);
        for (int y = y0; y < y1; y++) {
            for (int x = x0; x < x1; x++) {
                double sum = 0;
                for (int sy = 0; sy < SUBSAMPLES; sy++) {
                    for (int sx = 0; sx < SUBSAMPLES; sx++) {
                        double dx = x + (sx + 0.5) / SUBSAMPLES - cx;
                        double dy = y + (sy + 0.5) / SUBSAMPLES - cy;
                        double gx = (cos * dx + sin * dy) / cell + 0.5 * HOUSING_COLUMNS;
                        double gy = (-sin * dx + cos * dy) / cell + 0.5 * HOUSING_ROWS;
                        if (gx < 0 || gy < 0 || gx >= HOUSING_COLUMNS || gy >= HOUSING_ROWS) {
                            continue;
                        }
                        sum += housing;
                        int col = (int) gx - 1;
                        int row = (int) gy - 1;
                        if (col >= 0 && col < 5 && row >= 0 && row < 7 && glyph[row].charAt(col) == '#') {
                            sum += lead;
                        }
                    }
                }
                attenuation[y * width + x] += (float) (sum * perSample);
            }
        }
    }
}

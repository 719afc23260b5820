package io.github.boneage.clinical.explain;

import io.github.boneage.core.Point;
import io.github.boneage.core.Roi;
import java.util.Objects;

/**
 * How much occluding each part of the ROI changes an estimate: a grid of square cells over the ROI (the last column
 * and row may be cut by the ROI's edge), each holding the mean absolute change in months of the occlusions that
 * covered it. Immutable.
 */
public final class OcclusionHeatmap {

    private final String sourceId;
    private final Roi roi;
    private final int cellSize;
    private final int patchSize;
    private final int columns;
    private final int rows;
    private final double baselineMonths;
    private final double[] changeMonths;
    private final double maxChangeMonths;
    private final int forwardPasses;

    /**
     * @param sourceId       the image's name
     * @param roi            the rectangle of the image the grid covers
     * @param cellSize       cell side in pixels
     * @param patchSize      occluding patch side in pixels
     * @param baselineMonths the estimate of the unoccluded image
     * @param changeMonths   per cell, row-major, {@code columns × rows} values, each finite and &gt;= 0
     * @param forwardPasses  how many estimates it took, the unoccluded one included
     * @throws IllegalArgumentException if the array does not fit the grid or holds a negative or non-finite value
     */
    public OcclusionHeatmap(String sourceId, Roi roi, int cellSize, int patchSize, double baselineMonths,
                            double[] changeMonths, int forwardPasses) {
        this.sourceId = Objects.requireNonNull(sourceId);
        this.roi = Objects.requireNonNull(roi);
        if (cellSize < 1 || patchSize < cellSize) {
            throw new IllegalArgumentException("cell size must be >= 1 and patch size >= cell size, got " + cellSize
                    + " and " + patchSize);
        }
        this.cellSize = cellSize;
        this.patchSize = patchSize;
        this.columns = columnsFor(roi.width(), cellSize);
        this.rows = columnsFor(roi.height(), cellSize);
        if (changeMonths.length != columns * rows) {
            throw new IllegalArgumentException(changeMonths.length + " cell values for a " + columns + "x" + rows + " grid");
        }
        double max = 0;
        for (double v : changeMonths) {
            if (!(v >= 0) || Double.isInfinite(v)) {
                throw new IllegalArgumentException("cell changes must be finite and >= 0, got " + v);
            }
            max = Math.max(max, v);
        }
        this.baselineMonths = baselineMonths;
        this.changeMonths = changeMonths.clone();
        this.maxChangeMonths = max;
        this.forwardPasses = forwardPasses;
    }

    static int columnsFor(int length, int cellSize) {
        return (length + cellSize - 1) / cellSize;
    }

    /** @return the image's name */
    public String sourceId() {
        return sourceId;
    }

    /** @return the rectangle of the image the grid covers */
    public Roi roi() {
        return roi;
    }

    /** @return the cell side in pixels */
    public int cellSize() {
        return cellSize;
    }

    /** @return the occluding patch side in pixels */
    public int patchSize() {
        return patchSize;
    }

    /** @return the number of cell columns */
    public int columns() {
        return columns;
    }

    /** @return the number of cell rows */
    public int rows() {
        return rows;
    }

    /** @return the estimate of the unoccluded image, in months */
    public double baselineMonths() {
        return baselineMonths;
    }

    /** @return the largest cell change, in months (what 1.0 of {@link #normalized(int, int)} stands for) */
    public double maxChangeMonths() {
        return maxChangeMonths;
    }

    /** @return how many estimates the heatmap took, the unoccluded one included */
    public int forwardPasses() {
        return forwardPasses;
    }

    /**
     * @param column the cell's column in the grid, 0-based
     * @param row the cell's row in the grid, 0-based
     * @return the mean absolute change, in months, of the occlusions covering the cell
     */
    public double changeMonths(int column, int row) {
        return changeMonths[Objects.checkIndex(row, rows) * columns + Objects.checkIndex(column, columns)];
    }

    /** @return every cell's change in months as {@code [row][column]}, a copy (e.g. for a JSON report) */
    public double[][] changeMonthsGrid() {
        double[][] grid = new double[rows][];
        for (int r = 0; r < rows; r++) {
            grid[r] = java.util.Arrays.copyOfRange(changeMonths, r * columns, (r + 1) * columns);
        }
        return grid;
    }

    /**
     * @param column the cell's column in the grid, 0-based
     * @param row the cell's row in the grid, 0-based
     * @return the cell's change divided by the largest one, in [0, 1] (all 0 when nothing changed the estimate)
     */
    public double normalized(int column, int row) {
        return maxChangeMonths == 0 ? 0 : changeMonths(column, row) / maxChangeMonths;
    }

    /**
     * @param column the cell's column in the grid, 0-based
     * @param row the cell's row in the grid, 0-based
     * @return the cell's rectangle in image pixels
     */
    public Roi cell(int column, int row) {
        int x = roi.x() + Objects.checkIndex(column, columns) * cellSize;
        int y = roi.y() + Objects.checkIndex(row, rows) * cellSize;
        return new Roi(x, y, Math.min(cellSize, roi.maxX() - x), Math.min(cellSize, roi.maxY() - y));
    }

    /** @return {@code {column, row}} of the cell with the largest change (the first in row-major order on ties) */
    public int[] hottestCell() {
        int best = 0;
        for (int i = 1; i < changeMonths.length; i++) {
            if (changeMonths[i] > changeMonths[best]) {
                best = i;
            }
        }
        return new int[] {best % columns, best / columns};
    }

    /** @return the centre, in image pixels, of the cell with the largest change */
    public Point hottestPoint() {
        int[] c = hottestCell();
        Roi cell = cell(c[0], c[1]);
        return new Point(cell.x() + cell.width() / 2.0, cell.y() + cell.height() / 2.0);
    }
}

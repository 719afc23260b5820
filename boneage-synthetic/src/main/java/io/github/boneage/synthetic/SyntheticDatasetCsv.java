package io.github.boneage.synthetic;

import io.github.boneage.core.Finger;
import io.github.boneage.core.HandLandmarks;
import io.github.boneage.core.Point;
import io.github.boneage.core.ReferencePoint;
import io.github.boneage.core.Sex;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;

/**
 * Writes the ground truth of synthetic hands in the project's file formats, so that a demo data set can be laid out
 * like the RSNA one: a landmarks CSV ({@code id}, the seven reference points, then the five fingertips) and a labels
 * CSV ({@code id,boneage,male} with {@code True}/{@code False}). The id of a hand is its index. Images are not written
 * here (this module stays free of image codecs): store {@code <id>.png} with the CLI or any PNG writer.
 */
public final class SyntheticDatasetCsv {

    private SyntheticDatasetCsv() {
    }

    /**
     * @param hand a generated hand
     * @return the id used in both CSVs, the hand's index in decimal
     */
    public static String id(SyntheticHand hand) {
        return Long.toString(hand.index());
    }

    /** @return the landmarks CSV header: {@code id}, x/y of the seven reference points, x/y of the five fingertips */
    public static List<String> landmarksHeader() {
        List<String> header = new ArrayList<>();
        header.add("id");
        for (ReferencePoint rp : ReferencePoint.values()) {
            header.add(rp.columnPrefix() + "_x");
            header.add(rp.columnPrefix() + "_y");
        }
        for (Finger f : Finger.values()) {
            header.add(f.tipColumnPrefix() + "_x");
            header.add(f.tipColumnPrefix() + "_y");
        }
        return header;
    }

    /**
     * Writes the landmarks CSV, coordinates in pixels with three decimals.
     *
     * @param out   where to write
     * @param hands the hands, one row each
     * @throws IOException if writing fails
     */
    public static void writeLandmarks(Appendable out, List<SyntheticHand> hands) throws IOException {
        CSVPrinter printer = new CSVPrinter(out, CSVFormat.DEFAULT.builder().setRecordSeparator('\n').get());
        printer.printRecord(landmarksHeader());
        for (SyntheticHand hand : hands) {
            HandLandmarks lm = hand.landmarks();
            List<String> row = new ArrayList<>();
            row.add(id(hand));
            for (ReferencePoint rp : ReferencePoint.values()) {
                addPoint(row, lm.point(rp));
            }
            for (Finger f : Finger.values()) {
                addPoint(row, lm.fingertip(f).orElseThrow());
            }
            printer.printRecord(row);
        }
        printer.flush();
    }

    /**
     * Writes the labels CSV in RSNA form: {@code id,boneage,male}, age in whole months, {@code True} for boys.
     *
     * @param out   where to write
     * @param hands the hands, one row each
     * @throws IOException if writing fails
     */
    public static void writeLabels(Appendable out, List<SyntheticHand> hands) throws IOException {
        CSVPrinter printer = new CSVPrinter(out, CSVFormat.DEFAULT.builder().setRecordSeparator('\n').get());
        printer.printRecord("id", "boneage", "male");
        for (SyntheticHand hand : hands) {
            String male = hand.sex() == Sex.MALE ? "True" : "False";
            printer.printRecord(id(hand), Integer.toString(hand.ageMonths()), male);
        }
        printer.flush();
    }

    private static void addPoint(List<String> row, Point p) {
        row.add(String.format(Locale.ROOT, "%.3f", p.x()));
        row.add(String.format(Locale.ROOT, "%.3f", p.y()));
    }
}

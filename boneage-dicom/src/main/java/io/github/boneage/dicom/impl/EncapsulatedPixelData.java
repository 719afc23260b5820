package io.github.boneage.dicom.impl;

import io.github.boneage.dicom.DicomFormatException;
import java.io.ByteArrayOutputStream;

/**
 * The items of encapsulated Pixel Data (PS3.5 A.4), as offsets into the file's bytes: the Basic Offset Table and the
 * fragments. {@link #firstFrame(long)} joins the fragments that hold frame 1.
 */
public final class EncapsulatedPixelData {

    private final String source;
    private final byte[] bytes;
    private final long[] offsetTable;
    private final int[] starts;
    private final int[] lengths;
    private final int[] itemOffsets;
    private final int end;

    /**
     * @param source      the file, for messages
     * @param bytes       the file's bytes
     * @param offsetTable the Basic Offset Table (empty when the item is empty)
     * @param starts      where each fragment's bytes start
     * @param lengths     each fragment's length
     * @param itemOffsets each fragment item's offset from the first fragment item, as the offset table counts them
     * @param end         the position after the sequence delimiter
     */
    EncapsulatedPixelData(String source, byte[] bytes, long[] offsetTable, int[] starts, int[] lengths, int[] itemOffsets,
            int end) {
        this.source = source;
        this.bytes = bytes;
        this.offsetTable = offsetTable;
        this.starts = starts;
        this.lengths = lengths;
        this.itemOffsets = itemOffsets;
        this.end = end;
    }

    /** @return the position after the pixel data's sequence delimiter */
    int end() {
        return end;
    }

    /** @return how many fragments the pixel data hold */
    public int fragmentCount() {
        return starts.length;
    }

    /**
     * Frame 1's compressed bytes. One frame: every fragment, joined (a frame may span fragments). Several frames: the
     * fragments before the Basic Offset Table's second entry, or, without a table, the first fragment when there is
     * exactly one fragment per frame (as RLE requires, and encoders write by default for JPEG).
     *
     * @param frames the Number of Frames (1 when absent)
     * @return frame 1's encoded bytes
     * @throws DicomFormatException naming PixelData when there are no fragments, the offset table is inconsistent,
     *                              or, without a table, the fragments cannot be assigned to frames
     */
    public byte[] firstFrame(long frames) {
        if (starts.length == 0) {
            throw new DicomFormatException(source, "PixelData", "the encapsulated pixel data hold no fragment");
        }
        int count;
        if (frames <= 1) {
            count = starts.length;
        } else if (offsetTable.length > 0) {
            if (offsetTable.length != frames || offsetTable[0] != 0) {
                throw new DicomFormatException(source, "PixelData", "the Basic Offset Table has " + offsetTable.length
                        + " entries starting at " + offsetTable[0] + " for " + frames + " frames (expected one per frame, "
                        + "the first 0)");
            }
            count = 0;
            while (count < starts.length && itemOffsets[count] < offsetTable[1]) {
                count++;
            }
            if (count == starts.length || itemOffsets[count] != offsetTable[1]) {
                throw new DicomFormatException(source, "PixelData", "the Basic Offset Table's second entry ("
                        + offsetTable[1] + ") does not point at a fragment item");
            }
        } else if (starts.length == frames) {
            count = 1;
        } else {
            throw new DicomFormatException(source, "PixelData", starts.length + " fragments for " + frames
                    + " frames and no Basic Offset Table: which fragments hold frame 1 is unknown");
        }
        if (count == 1) {
            return java.util.Arrays.copyOfRange(bytes, starts[0], starts[0] + lengths[0]);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < count; i++) {
            out.write(bytes, starts[i], lengths[i]);
        }
        return out.toByteArray();
    }
}

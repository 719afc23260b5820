package io.github.boneage.dicom.impl;

import io.github.boneage.dicom.DicomFormatException;
import io.github.boneage.dicom.UnsupportedTransferSyntaxException;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * Parses a DICOM Part 10 file (PS3.10 section 7) into a {@link DataSet}: the 128-byte preamble and {@code DICM}, the
 * file meta group in Explicit VR Little Endian, then the data set in the declared transfer syntax: Implicit or Explicit VR
 * Little Endian, Deflated Explicit VR Little Endian (the data set inflated first, within a byte budget), or one of the
 * encapsulated syntaxes of {@link #ENCAPSULATED}, whose Pixel Data items are collected as
 * {@link EncapsulatedPixelData} for {@link PixelDecoding}. Every other syntax is refused by UID before the data set
 * is touched. Sequences of defined and undefined length are walked (PS3.5 section 7.5) so that the VOI LUT Sequence
 * can be read and other sequences skipped, at most {@value #MAX_SEQUENCE_DEPTH} levels deep. Every length is checked
 * against the bytes that remain before it is used. Parsing stops after Pixel Data.
 */
public final class DicomParser {

    /** Implicit VR Little Endian, the DICOM default. */
    public static final String IMPLICIT_VR_LITTLE_ENDIAN = "1.2.840.10008.1.2";
    /** Explicit VR Little Endian. */
    public static final String EXPLICIT_VR_LITTLE_ENDIAN = "1.2.840.10008.1.2.1";

    /** Deflated Explicit VR Little Endian: the data set after the meta group is raw deflate (PS3.5 A.5). */
    public static final String DEFLATED_EXPLICIT_VR_LITTLE_ENDIAN = "1.2.840.10008.1.2.1.99";
    /** RLE Lossless (PS3.5 annex G). */
    public static final String RLE_LOSSLESS = "1.2.840.10008.1.2.5";
    /** JPEG Baseline (Process 1). */
    public static final String JPEG_BASELINE = "1.2.840.10008.1.2.4.50";
    /** JPEG Extended (Process 2 &amp; 4). */
    public static final String JPEG_EXTENDED = "1.2.840.10008.1.2.4.51";
    /** JPEG Lossless, Non-Hierarchical (Process 14), any predictor. */
    public static final String JPEG_LOSSLESS = "1.2.840.10008.1.2.4.57";
    /** JPEG Lossless, Non-Hierarchical, First-Order Prediction (Process 14, selection value 1). */
    public static final String JPEG_LOSSLESS_SV1 = "1.2.840.10008.1.2.4.70";
    /** JPEG-LS Lossless. */
    public static final String JPEG_LS_LOSSLESS = "1.2.840.10008.1.2.4.80";
    /** JPEG-LS Lossy (Near-Lossless). */
    public static final String JPEG_LS_NEAR_LOSSLESS = "1.2.840.10008.1.2.4.81";

    /** The encapsulated (compressed) transfer syntaxes decoded, with their names. */
    public static final Map<String, String> ENCAPSULATED = Map.of(
            RLE_LOSSLESS, "RLE Lossless",
            JPEG_BASELINE, "JPEG Baseline (Process 1)",
            JPEG_EXTENDED, "JPEG Extended (Process 2 & 4)",
            JPEG_LOSSLESS, "JPEG Lossless, Non-Hierarchical (Process 14)",
            JPEG_LOSSLESS_SV1, "JPEG Lossless, First-Order Prediction",
            JPEG_LS_LOSSLESS, "JPEG-LS Lossless",
            JPEG_LS_NEAR_LOSSLESS, "JPEG-LS Lossy (Near-Lossless)");

    private static final Map<String, String> KNOWN_UNSUPPORTED = Map.ofEntries(
            Map.entry("1.2.840.10008.1.2.2", "Explicit VR Big Endian (retired)"),
            Map.entry("1.2.840.10008.1.2.4.90", "JPEG 2000 (Lossless Only)"),
            Map.entry("1.2.840.10008.1.2.4.91", "JPEG 2000"),
            Map.entry("1.2.840.10008.1.2.4.201", "High-Throughput JPEG 2000 (Lossless Only)"),
            Map.entry("1.2.840.10008.1.2.4.203", "High-Throughput JPEG 2000"));

    /** VRs whose explicit-VR header has two reserved bytes and a 32-bit length (PS3.5 table 7.1-1). */
    private static final Set<String> LONG_VRS = Set.of("OB", "OD", "OF", "OL", "OV", "OW", "SQ", "SV", "UC", "UN", "UR", "UT", "UV");

    private static final int ITEM = 0xFFFEE000;
    private static final int ITEM_DELIMITATION = 0xFFFEE00D;
    private static final int SEQUENCE_DELIMITATION = 0xFFFEE0DD;
    private static final long UNDEFINED_LENGTH = 0xFFFFFFFFL;
    private static final int PREAMBLE = 128;
    /**
     * Deepest nesting of sequences read: real radiographs nest two or three levels (a VOI LUT item, a code sequence in
     * a code sequence); the limit keeps the recursive walk far from the thread's stack however the file is built.
     */
    public static final int MAX_SEQUENCE_DEPTH = 16;

    /**
     * Most Pixel Data fragments read: a radiograph split into 4 KiB fragments of a 30 MB plate needs under 8,000; the
     * limit keeps a file of millions of empty fragments from costing more than its parse.
     */
    public static final int MAX_FRAGMENTS = 100_000;

    /**
     * The parsed file.
     *
     * @param transferSyntaxUid the file's transfer syntax
     * @param dataSet           the data set (after inflating, for the deflated syntax)
     * @param encapsulated      the Pixel Data fragments for an encapsulated syntax, {@code null} for native pixel data
     */
    public record Parsed(String transferSyntaxUid, DataSet dataSet, EncapsulatedPixelData encapsulated) {
    }

    private final String source;
    private byte[] bytes;
    private final long maxInflatedBytes;
    private boolean explicitVr;
    private boolean encapsulatedSyntax;
    private EncapsulatedPixelData encapsulated;
    private boolean pixelDataSeen;
    private int depth;

    private DicomParser(String source, byte[] bytes, long maxInflatedBytes) {
        this.source = source;
        this.bytes = bytes;
        this.maxInflatedBytes = maxInflatedBytes;
    }

    /**
     * @param source           the file name, for messages
     * @param bytes            the whole file
     * @param maxInflatedBytes the most bytes a deflated data set may inflate to (a deflate bomb is refused when it
     *                         passes this, before more memory is taken)
     * @return the transfer syntax, the data set and, for encapsulated syntaxes, the pixel data fragments
     * @throws DicomFormatException              if the file is not DICOM Part 10, truncated or malformed, or inflates
     *                                           beyond {@code maxInflatedBytes}
     * @throws UnsupportedTransferSyntaxException if the transfer syntax is not one this parser reads
     */
    public static Parsed parse(String source, byte[] bytes, long maxInflatedBytes) {
        return new DicomParser(source, bytes, maxInflatedBytes).parse();
    }

    /**
     * @param head the first bytes of a file (at least 132 for a positive answer)
     * @return whether the bytes start with a DICOM Part 10 preamble and {@code DICM} marker */
    public static boolean hasPart10Marker(byte[] head) {
        return head.length >= PREAMBLE + 4
                && new String(head, PREAMBLE, 4, StandardCharsets.US_ASCII).equals("DICM");
    }

    private Parsed parse() {
        if (!hasPart10Marker(bytes)) {
            throw new DicomFormatException(source, null, "not a DICOM Part 10 file (no 'DICM' marker after the 128-byte "
                    + "preamble; file is " + bytes.length + " bytes)");
        }
        explicitVr = true;
        DataSet meta = new DataSet(source, bytes);
        int pos = PREAMBLE + 4;
        while (pos + 4 <= bytes.length && u16(pos) == 0x0002) {
            pos = readElement(meta, pos, bytes.length);
        }
        String syntax = meta.string(Tag.TRANSFER_SYNTAX_UID)
                .orElseThrow(() -> new DicomFormatException(source, "TransferSyntaxUID",
                        "the file meta information has no transfer syntax"));
        if (syntax.equals(IMPLICIT_VR_LITTLE_ENDIAN)) {
            explicitVr = false;
        } else if (syntax.equals(DEFLATED_EXPLICIT_VR_LITTLE_ENDIAN)) {
            bytes = inflate(pos);
            pos = 0;
        } else if (ENCAPSULATED.containsKey(syntax)) {
            encapsulatedSyntax = true;
        } else if (!syntax.equals(EXPLICIT_VR_LITTLE_ENDIAN)) {
            throw new UnsupportedTransferSyntaxException(source, syntax,
                    KNOWN_UNSUPPORTED.getOrDefault(syntax, "unknown transfer syntax"));
        }
        DataSet data = new DataSet(source, bytes);
        while (pos < bytes.length && !pixelDataSeen) {
            pos = readElement(data, pos, bytes.length);
        }
        if (encapsulatedSyntax && pixelDataSeen && encapsulated == null) {
            throw new DicomFormatException(source, "PixelData", "pixel data have a defined length (native) although the "
                    + "transfer syntax " + syntax + " is encapsulated");
        }
        return new Parsed(syntax, data, encapsulated);
    }

    /**
     * Inflates the data set that starts at {@code from} (raw deflate, no zlib header, PS3.5 A.5). The output grows
     * with what is actually inflated, so a bomb costs at most {@link #maxInflatedBytes} before it is refused.
     */
    private byte[] inflate(int from) {
        Inflater inflater = new Inflater(true);
        try {
            inflater.setInput(bytes, from, bytes.length - from);
            // A first guess of 4x the compressed size, at most 64 MiB: the buffer grows with what is really inflated.
            long guess = Math.min(Math.min(4L * (bytes.length - from), 64L << 20), maxInflatedBytes);
            ByteArrayOutputStream out = new ByteArrayOutputStream((int) Math.max(64, guess));
            byte[] chunk = new byte[64 * 1024];
            long total = 0;
            while (!inflater.finished()) {
                int n = inflater.inflate(chunk);
                if (n == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
                    throw new DicomFormatException(source, null, "file is truncated: the deflated data set ends after "
                            + total + " inflated bytes without the end of the deflate stream");
                }
                total += n;
                if (total > maxInflatedBytes) {
                    throw new DicomFormatException(source, null, "the deflated data set inflates to more than "
                            + maxInflatedBytes + " bytes (from " + (bytes.length - from) + " compressed): refused as a "
                            + "deflate bomb");
                }
                out.write(chunk, 0, n);
            }
            return out.toByteArray();
        } catch (DataFormatException e) {
            throw new DicomFormatException(source, null, "the deflated data set is corrupt: " + e.getMessage());
        } finally {
            inflater.end();
        }
    }

    /** Reads one element at {@code pos} into {@code into}; returns the position after it. */
    private int readElement(DataSet into, int pos, int end) {
        need(pos, 8, end, "element header");
        int tag = u16(pos) << 16 | u16(pos + 2);
        String vr;
        long length;
        int valueAt;
        if (explicitVr || (tag >>> 16) == 0x0002) {
            vr = new String(bytes, pos + 4, 2, StandardCharsets.US_ASCII);
            if (LONG_VRS.contains(vr)) {
                need(pos, 12, end, "element header of " + Tag.format(tag));
                length = u32(pos + 8);
                valueAt = pos + 12;
            } else {
                length = u16(pos + 6);
                valueAt = pos + 8;
            }
        } else {
            String known = Tag.implicitVr(tag);
            vr = known == null ? "UN" : known;
            length = u32(pos + 4);
            valueAt = pos + 8;
        }
        if (length == UNDEFINED_LENGTH) {
            if (tag == Tag.PIXEL_DATA.value()) {
                if (!encapsulatedSyntax) {
                    throw new DicomFormatException(source, "PixelData", "pixel data are encapsulated (compressed) although "
                            + "the transfer syntax is uncompressed");
                }
                EncapsulatedPixelData fragments = readFragments(valueAt, end);
                // Pixel Data inside a sequence item (an icon image) is walked over; only the top level's is the image.
                if (depth == 0) {
                    encapsulated = fragments;
                    pixelDataSeen = true;
                }
                return fragments.end();
            }
            List<DataSet> items = DataSet.newItemList();
            // An explicit-VR UN of undefined length is a sequence whose items are Implicit VR Little Endian (PS3.5 6.2.2).
            boolean outer = explicitVr;
            explicitVr = explicitVr && !vr.equals("UN");
            int next;
            try {
                next = readItems(items, valueAt, end, true);
            } finally {
                explicitVr = outer;
            }
            into.put(new DataSet.Element(tag, "SQ", valueAt, 0, items));
            return next;
        }
        need(valueAt, length, end, "value of " + name(tag));
        int len = (int) length;
        if (vr.equals("SQ")) {
            List<DataSet> items = DataSet.newItemList();
            readItems(items, valueAt, valueAt + len, false);
            into.put(new DataSet.Element(tag, vr, valueAt, len, items));
        } else {
            into.put(new DataSet.Element(tag, vr, valueAt, len, null));
        }
        if (tag == Tag.PIXEL_DATA.value() && depth == 0) {
            pixelDataSeen = true;
        }
        return valueAt + len;
    }

    /**
     * Reads encapsulated Pixel Data (PS3.5 A.4): the Basic Offset Table item, then one item per fragment, up to the
     * sequence delimiter. Every item length is checked against the bytes that remain, and at most
     * {@link #MAX_FRAGMENTS} fragments are taken.
     */
    private EncapsulatedPixelData readFragments(int pos, int end) {
        need(pos, 8, end, "Basic Offset Table item header");
        if ((u16(pos) << 16 | u16(pos + 2)) != ITEM) {
            throw new DicomFormatException(source, "PixelData", "encapsulated pixel data do not start with the Basic "
                    + "Offset Table item at byte " + pos);
        }
        long tableLength = u32(pos + 4);
        pos += 8;
        need(pos, tableLength, end, "Basic Offset Table");
        if (tableLength % 4 != 0) {
            throw new DicomFormatException(source, "PixelData", "the Basic Offset Table holds " + tableLength
                    + " bytes, not a multiple of 4");
        }
        long[] offsets = new long[(int) tableLength / 4];
        for (int i = 0; i < offsets.length; i++) {
            offsets[i] = u32(pos + 4 * i);
        }
        pos += (int) tableLength;
        int firstItem = pos;
        int[] starts = new int[16];
        int[] lengths = new int[16];
        int[] itemOffsets = new int[16];
        int count = 0;
        while (true) {
            need(pos, 8, end, "pixel data fragment header");
            int tag = u16(pos) << 16 | u16(pos + 2);
            long length = u32(pos + 4);
            if (tag == SEQUENCE_DELIMITATION) {
                pos += 8;
                break;
            }
            if (tag != ITEM) {
                throw new DicomFormatException(source, "PixelData", "expected a pixel data fragment item at byte " + pos
                        + ", found " + Tag.format(tag));
            }
            if (count == MAX_FRAGMENTS) {
                throw new DicomFormatException(source, "PixelData", "more than " + MAX_FRAGMENTS + " pixel data fragments");
            }
            need(pos + 8, length, end, "pixel data fragment " + (count + 1));
            if (count == starts.length) {
                starts = Arrays.copyOf(starts, count * 2);
                lengths = Arrays.copyOf(lengths, count * 2);
                itemOffsets = Arrays.copyOf(itemOffsets, count * 2);
            }
            itemOffsets[count] = pos - firstItem;
            starts[count] = pos + 8;
            lengths[count] = (int) length;
            count++;
            pos += 8 + (int) length;
        }
        return new EncapsulatedPixelData(source, bytes, offsets, Arrays.copyOf(starts, count),
                Arrays.copyOf(lengths, count), Arrays.copyOf(itemOffsets, count), pos);
    }

    /** Reads sequence items up to {@code end} (defined length) or the sequence delimiter; returns the position after. */
    private int readItems(List<DataSet> items, int pos, int end, boolean undefinedLength) {
        if (depth >= MAX_SEQUENCE_DEPTH) {
            throw new DicomFormatException(source, null, "sequences are nested more than " + MAX_SEQUENCE_DEPTH
                    + " levels deep at byte " + pos + " (a radiograph needs two or three; the file is malformed or hostile)");
        }
        depth++;
        try {
            return readItemsAtDepth(items, pos, end, undefinedLength);
        } finally {
            depth--;
        }
    }

    /**
     * Every item header, element header and value is checked against the bytes left ({@link #need}) before it is read,
     * and every step advances by at least 8 bytes, so item and element counts are bounded by the file size.
     */
    private int readItemsAtDepth(List<DataSet> items, int pos, int end, boolean undefinedLength) {
        while (pos < end) {
            need(pos, 8, end, "sequence item header");
            int tag = u16(pos) << 16 | u16(pos + 2);
            long length = u32(pos + 4);
            pos += 8;
            if (tag == SEQUENCE_DELIMITATION) {
                return pos;
            }
            if (tag != ITEM) {
                throw new DicomFormatException(source, null, "expected a sequence item at byte " + (pos - 8) + ", found "
                        + Tag.format(tag));
            }
            DataSet item = new DataSet(source, bytes);
            if (length == UNDEFINED_LENGTH) {
                while (true) {
                    need(pos, 8, end, "sequence item");
                    if ((u16(pos) << 16 | u16(pos + 2)) == ITEM_DELIMITATION) {
                        pos += 8;
                        break;
                    }
                    pos = readElement(item, pos, end);
                }
            } else {
                need(pos, length, end, "sequence item");
                int itemEnd = pos + (int) length;
                while (pos < itemEnd) {
                    pos = readElement(item, pos, itemEnd);
                }
            }
            items.add(item);
        }
        if (undefinedLength) {
            throw new DicomFormatException(source, null, "file is truncated: a sequence of undefined length has no delimiter");
        }
        return pos;
    }

    private void need(int pos, long count, int end, String what) {
        if (pos + count > end) {
            throw new DicomFormatException(source, null, "file is truncated or malformed: the " + what + " at byte " + pos
                    + " needs " + count + " bytes but only " + Math.max(0, end - pos) + " remain");
        }
    }

    private static String name(int tag) {
        for (Tag t : Tag.values()) {
            if (t.value() == tag) {
                return t.keyword() + " " + Tag.format(tag);
            }
        }
        return "element " + Tag.format(tag);
    }

    private int u16(int at) {
        return (bytes[at] & 0xFF) | (bytes[at + 1] & 0xFF) << 8;
    }

    private long u32(int at) {
        return (u16(at) | (long) u16(at + 2) << 16) & 0xFFFFFFFFL;
    }
}

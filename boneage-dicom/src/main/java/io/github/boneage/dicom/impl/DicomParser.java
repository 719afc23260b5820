package io.github.boneage.dicom.impl;

import io.github.boneage.dicom.DicomFormatException;
import io.github.boneage.dicom.UnsupportedTransferSyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Parses a DICOM Part 10 file (PS3.10 section 7) into a {@link DataSet}: the 128-byte preamble and {@code DICM}, the
 * file meta group in Explicit VR Little Endian, then the data set in the declared transfer syntax. Only the two
 * uncompressed little-endian transfer syntaxes are parsed; every other one is refused by UID before the data set is
 * touched. Sequences of defined and undefined length are walked (PS3.5 section 7.5) so that the VOI LUT Sequence
 * can be read and other sequences skipped, at most {@value #MAX_SEQUENCE_DEPTH} levels deep. Every length is checked
 * against the bytes that remain before it is used. Parsing stops after Pixel Data.
 */
public final class DicomParser {

    /** Implicit VR Little Endian, the DICOM default. */
    public static final String IMPLICIT_VR_LITTLE_ENDIAN = "1.2.840.10008.1.2";
    /** Explicit VR Little Endian. */
    public static final String EXPLICIT_VR_LITTLE_ENDIAN = "1.2.840.10008.1.2.1";

    private static final Map<String, String> KNOWN_UNSUPPORTED = Map.ofEntries(
            Map.entry("1.2.840.10008.1.2.2", "Explicit VR Big Endian (retired)"),
            Map.entry("1.2.840.10008.1.2.1.99", "Deflated Explicit VR Little Endian"),
            Map.entry("1.2.840.10008.1.2.5", "RLE Lossless"),
            Map.entry("1.2.840.10008.1.2.4.50", "JPEG Baseline (Process 1)"),
            Map.entry("1.2.840.10008.1.2.4.51", "JPEG Extended (Process 2 & 4)"),
            Map.entry("1.2.840.10008.1.2.4.57", "JPEG Lossless, Non-Hierarchical (Process 14)"),
            Map.entry("1.2.840.10008.1.2.4.70", "JPEG Lossless, First-Order Prediction"),
            Map.entry("1.2.840.10008.1.2.4.80", "JPEG-LS Lossless"),
            Map.entry("1.2.840.10008.1.2.4.81", "JPEG-LS Lossy (Near-Lossless)"),
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

    /** The parsed file. */
    public record Parsed(String transferSyntaxUid, DataSet dataSet) {
    }

    private final String source;
    private final byte[] bytes;
    private boolean explicitVr;
    private boolean pixelDataSeen;
    private int depth;

    private DicomParser(String source, byte[] bytes) {
        this.source = source;
        this.bytes = bytes;
    }

    /**
     * @param source the file name, for messages
     * @param bytes  the whole file
     * @return the transfer syntax and the data set
     * @throws DicomFormatException              if the file is not DICOM Part 10, truncated or malformed
     * @throws UnsupportedTransferSyntaxException if the transfer syntax is not an uncompressed little-endian one
     */
    public static Parsed parse(String source, byte[] bytes) {
        return new DicomParser(source, bytes).parse();
    }

    /** @return whether the bytes start with a DICOM Part 10 preamble and {@code DICM} marker */
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
        } else if (!syntax.equals(EXPLICIT_VR_LITTLE_ENDIAN)) {
            throw new UnsupportedTransferSyntaxException(source, syntax,
                    KNOWN_UNSUPPORTED.getOrDefault(syntax, "unknown transfer syntax"));
        }
        DataSet data = new DataSet(source, bytes);
        while (pos < bytes.length && !pixelDataSeen) {
            pos = readElement(data, pos, bytes.length);
        }
        return new Parsed(syntax, data);
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
                throw new DicomFormatException(source, "PixelData", "pixel data are encapsulated (compressed) although the "
                        + "transfer syntax is uncompressed");
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
        if (tag == Tag.PIXEL_DATA.value()) {
            pixelDataSeen = true;
        }
        return valueAt + len;
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

package io.github.boneage.dicom.impl;

import io.github.boneage.dicom.DicomFormatException;

/**
 * Decodes a single-component JPEG Lossless image (ITU T.81 annex H, Process 14: Huffman-coded differences from one of
 * the seven predictors, 2 to 16 bits, point transform, restart intervals). DICOM transfer syntaxes
 * 1.2.840.10008.1.2.4.57 and .70.
 *
 * <p>Hand-written rather than taken from TwelveMonkeys' {@code imageio-jpeg} (which decodes lossless JPEG): that jar
 * registers an ImageIO service that takes over every JPEG read in the process, including the hardened, fuzzed PNG/JPEG
 * decoding of {@code boneage-preprocess}; this decoder keeps the DICOM path self-contained and its errors typed. The
 * JDK's own JPEG reader does not decode Process 14.
 */
final class JpegLosslessDecoder {

    private final String source;
    private final byte[] data;
    private int pos;
    private final HuffmanTable[] tables = new HuffmanTable[4];
    private int precision;
    private int width;
    private int height;
    private int restartInterval;

    private JpegLosslessDecoder(String source, byte[] data) {
        this.source = source;
        this.data = data;
    }

    /**
     * @param source  the file, for messages
     * @param data    the JPEG stream (SOI .. EOI)
     * @param rows    the image's Rows, which the frame header must match
     * @param columns the image's Columns, which the frame header must match
     * @return the decoded samples, row by row
     * @throws DicomFormatException naming PixelData when the stream is not a one-component lossless JPEG of that size,
     *                              or is truncated or corrupt
     */
    static JpegImage decode(String source, byte[] data, int rows, int columns) {
        return new JpegLosslessDecoder(source, data).run(rows, columns);
    }

    private JpegImage run(int rows, int columns) {
        if (data.length < 4 || (data[0] & 0xFF) != 0xFF || (data[1] & 0xFF) != 0xD8) {
            throw error("the JPEG stream does not start with SOI (FFD8)");
        }
        pos = 2;
        boolean frame = false;
        while (true) {
            int marker = nextMarker();
            switch (marker) {
                case 0xC4 -> readHuffmanTables();
                case 0xC3 -> {
                    readFrameHeader(rows, columns);
                    frame = true;
                }
                case 0xC0, 0xC1, 0xC2, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF ->
                        throw error(String.format("the JPEG stream is not lossless Process 14 (frame marker FF%02X, "
                                + "lossless is FFC3)", marker));
                case 0xDD -> {
                    int length = segmentLength();
                    if (length != 4) {
                        throw error("DRI segment of length " + length + " (expected 4)");
                    }
                    restartInterval = u16(pos + 2);
                    pos += length;
                }
                case 0xDA -> {
                    if (!frame) {
                        throw error("the JPEG scan starts before a frame header");
                    }
                    return readScan();
                }
                case 0xD9 -> throw error("the JPEG stream ends (EOI) before any scan");
                default -> pos += segmentLength();
            }
        }
    }

    /** Finds the next marker, skipping fill bytes. */
    private int nextMarker() {
        if (pos >= data.length || (data[pos] & 0xFF) != 0xFF) {
            throw error("expected a JPEG marker at byte " + pos + (pos >= data.length ? " (end of the stream)" : ""));
        }
        while (pos < data.length && (data[pos] & 0xFF) == 0xFF) {
            pos++;
        }
        if (pos >= data.length) {
            throw error("the JPEG stream ends in fill bytes");
        }
        return data[pos++] & 0xFF;
    }

    private int segmentLength() {
        if (pos + 2 > data.length) {
            throw error("the JPEG stream is truncated in a segment length at byte " + pos);
        }
        int length = u16(pos);
        if (length < 2 || pos + length > data.length) {
            throw error("a JPEG segment at byte " + pos + " declares " + length + " bytes, " + (data.length - pos)
                    + " remain");
        }
        return length;
    }

    private void readHuffmanTables() {
        int length = segmentLength();
        int end = pos + length;
        int at = pos + 2;
        while (at < end) {
            int tcTh = data[at] & 0xFF;
            if ((tcTh >> 4) != 0 || (tcTh & 0x0F) > 3) {
                throw error("a lossless JPEG needs DC Huffman tables 0-3, the stream defines class " + (tcTh >> 4)
                        + " table " + (tcTh & 0x0F));
            }
            if (at + 17 > end) {
                throw error("DHT segment truncated");
            }
            int[] counts = new int[17];
            int total = 0;
            for (int i = 1; i <= 16; i++) {
                counts[i] = data[at + i] & 0xFF;
                total += counts[i];
            }
            if (total > 256 || at + 17 + total > end) {
                throw error("DHT segment declares " + total + " codes, more than it holds");
            }
            int[] values = new int[total];
            for (int i = 0; i < total; i++) {
                values[i] = data[at + 17 + i] & 0xFF;
            }
            tables[tcTh & 0x0F] = new HuffmanTable(counts, values);
            at += 17 + total;
        }
        pos = end;
    }

    private void readFrameHeader(int rows, int columns) {
        int length = segmentLength();
        if (length < 11) {
            throw error("SOF3 segment of length " + length);
        }
        precision = data[pos + 2] & 0xFF;
        height = u16(pos + 3);
        width = u16(pos + 5);
        int components = data[pos + 7] & 0xFF;
        if (precision < 2 || precision > 16) {
            throw error("lossless JPEG precision " + precision + " (2 to 16 bits are valid)");
        }
        if (components != 1) {
            throw error("the JPEG stream has " + components + " components, a greyscale image has 1");
        }
        if (width != columns || height != rows) {
            throw error("the JPEG frame is " + width + "x" + height + ", Columns x Rows is " + columns + "x" + rows);
        }
        pos += length;
    }

    private JpegImage readScan() {
        int length = segmentLength();
        int components = data[pos + 2] & 0xFF;
        if (components != 1 || length != 8) {
            throw error("the JPEG scan has " + components + " components, a greyscale image has 1");
        }
        int table = (data[pos + 4] & 0xFF) >> 4;
        int predictor = data[pos + 5] & 0xFF;
        int pointTransform = data[pos + 7] & 0x0F;
        pos += length;
        if (table > 3 || tables[table] == null) {
            throw error("the JPEG scan uses Huffman table " + table + ", which the stream does not define");
        }
        if (predictor < 1 || predictor > 7) {
            throw error("lossless JPEG predictor (selection value) " + predictor + " (1 to 7 are valid)");
        }
        if (pointTransform >= precision) {
            throw error("point transform " + pointTransform + " for " + precision + "-bit samples");
        }
        if (restartInterval != 0 && restartInterval % width != 0) {
            throw error("restart interval " + restartInterval + " is not a whole number of rows of " + width);
        }
        HuffmanTable huffman = tables[table];
        BitReader bits = new BitReader();
        int[] out = new int[Math.multiplyExact(width, height)];
        int mask = (1 << (precision - pointTransform)) - 1;
        int initial = 1 << (precision - pointTransform - 1);
        int firstRow = 0;
        int rowsPerInterval = restartInterval == 0 ? Integer.MAX_VALUE : restartInterval / width;
        for (int y = 0; y < height; y++) {
            if (y > 0 && (y - firstRow) == rowsPerInterval) {
                bits.restart();
                firstRow = y;
            }
            int row = y * width;
            for (int x = 0; x < width; x++) {
                int prediction;
                if (y == firstRow) {
                    prediction = x == 0 ? initial : out[row + x - 1];
                } else if (x == 0) {
                    prediction = out[row - width];
                } else {
                    int ra = out[row + x - 1];
                    int rb = out[row - width + x];
                    int rc = out[row - width + x - 1];
                    prediction = switch (predictor) {
                        case 1 -> ra;
                        case 2 -> rb;
                        case 3 -> rc;
                        case 4 -> ra + rb - rc;
                        case 5 -> ra + ((rb - rc) >> 1);
                        case 6 -> rb + ((ra - rc) >> 1);
                        default -> (ra + rb) >> 1;
                    };
                }
                int ssss = huffman.decode(bits);
                int difference;
                if (ssss == 0) {
                    difference = 0;
                } else if (ssss == 16) {
                    difference = 32768;
                } else if (ssss > 16) {
                    throw error("difference category " + ssss + " (0 to 16 are valid)");
                } else {
                    int v = bits.read(ssss);
                    difference = v < 1 << (ssss - 1) ? v - (1 << ssss) + 1 : v;
                }
                // T.81 H.2.2: modulo 2^16; a valid stream stays within the precision, the mask keeps a corrupt one there.
                out[row + x] = ((prediction + difference) & 0xFFFF) & mask;
            }
        }
        if (pointTransform > 0) {
            for (int i = 0; i < out.length; i++) {
                out[i] <<= pointTransform;
            }
        }
        return new JpegImage(precision, out);
    }

    private DicomFormatException error(String reason) {
        return new DicomFormatException(source, "PixelData", reason);
    }

    private int u16(int at) {
        return (data[at] & 0xFF) << 8 | (data[at + 1] & 0xFF);
    }

    /** Reads the entropy-coded segment MSB first, removing stuffed zero bytes; a marker ends it. */
    private final class BitReader {
        private int buffer;
        private int count;

        int bit() {
            if (count == 0) {
                if (pos >= data.length) {
                    throw error("the JPEG entropy-coded data end before all " + width + "x" + height + " samples");
                }
                int b = data[pos] & 0xFF;
                if (b == 0xFF) {
                    int next = pos + 1 < data.length ? data[pos + 1] & 0xFF : -1;
                    if (next != 0) {
                        throw error(String.format("the JPEG entropy-coded data end at a marker (byte %d, FF%02X) before "
                                + "all %dx%d samples", pos, next & 0xFF, width, height));
                    }
                    pos += 2;
                } else {
                    pos++;
                }
                buffer = b;
                count = 8;
            }
            count--;
            return (buffer >> count) & 1;
        }

        int read(int n) {
            int v = 0;
            for (int i = 0; i < n; i++) {
                v = v << 1 | bit();
            }
            return v;
        }

        /** Drops the bits left in the byte and reads the RSTn marker that must follow. */
        void restart() {
            count = 0;
            if (pos + 1 >= data.length || (data[pos] & 0xFF) != 0xFF) {
                throw error("expected a restart marker at byte " + pos);
            }
            int marker = nextMarker();
            if (marker < 0xD0 || marker > 0xD7) {
                throw error(String.format("expected a restart marker at byte %d, found FF%02X", pos - 2, marker));
            }
        }
    }

    /** A Huffman table (T.81 annex C and F.2.2.3): the canonical codes of each length, decoded bit by bit. */
    private final class HuffmanTable {
        private final int[] maxCode = new int[18];
        private final int[] valueIndex = new int[17];
        private final int[] minCode = new int[17];
        private final int[] values;

        HuffmanTable(int[] counts, int[] values) {
            this.values = values;
            int code = 0;
            int k = 0;
            for (int length = 1; length <= 16; length++) {
                valueIndex[length] = k;
                minCode[length] = code;
                code += counts[length];
                k += counts[length];
                maxCode[length] = counts[length] == 0 ? -1 : code - 1;
                code <<= 1;
            }
            maxCode[17] = Integer.MAX_VALUE;
        }

        int decode(BitReader bits) {
            int code = 0;
            for (int length = 1; length <= 16; length++) {
                code = code << 1 | bits.bit();
                if (code <= maxCode[length]) {
                    return values[valueIndex[length] + code - minCode[length]];
                }
            }
            throw error("invalid Huffman code in the JPEG entropy-coded data at byte " + pos);
        }
    }
}

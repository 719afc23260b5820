package io.github.boneage.dicom.impl;

import io.github.boneage.dicom.DicomFormatException;

/**
 * Decodes a single-component JPEG-LS image (ITU T.87 / ISO 14495-1, LOCO-I), lossless or near-lossless: context
 * modelling on the quantized local gradients, the median edge detector, bias correction, limited-length Golomb codes,
 * and run mode with run interruption samples. DICOM transfer syntaxes 1.2.840.10008.1.2.4.80 and .81.
 *
 * <p>Hand-written, following the standard's procedures (annex A), because we found no maintained pure-Java JPEG-LS
 * decoder on Maven Central (the decoders DICOM toolkits use are the native CharLS or live in dcm4che's own repository,
 * see docs/dicom.md). Supported: 2 to 16 bits, one component, default or LSE
 * (preset) coding parameters. Refused with a typed error: several components, a mapping table (LSE id 2), restart
 * intervals, a point transform.
 */
final class JpegLsDecoder {

    private static final int[] J = {0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 9, 10, 11,
        12, 13, 14, 15};
    private static final int CONTEXTS = 729;
    private static final int RUN_CONTEXT_0 = CONTEXTS;
    private static final int RUN_CONTEXT_1 = CONTEXTS + 1;

    private final String source;
    private final byte[] data;
    private int pos;

    private int precision;
    private int width;
    private int height;
    private int maxVal;
    private int t1;
    private int t2;
    private int t3;
    private int reset;
    private int near;

    private int range;
    private int qbpp;
    private int limit;
    private final int[] a = new int[CONTEXTS + 2];
    private final int[] b = new int[CONTEXTS + 2];
    private final int[] c = new int[CONTEXTS + 2];
    private final int[] n = new int[CONTEXTS + 2];
    private final int[] nn = new int[CONTEXTS + 2];
    private int runIndex;

    private int bitBuffer;
    private int bitCount;

    private JpegLsDecoder(String source, byte[] data) {
        this.source = source;
        this.data = data;
    }

    /**
     * @param source   the file, for messages
     * @param data     the JPEG-LS stream (SOI .. EOI)
     * @param rows     the image's Rows, which the frame header must match
     * @param columns  the image's Columns, which the frame header must match
     * @param lossless whether the transfer syntax is the lossless one (then NEAR must be 0)
     * @return the decoded samples
     * @throws DicomFormatException naming PixelData when the stream is not a one-component JPEG-LS image of that size,
     *                              uses an unsupported option, or is truncated or corrupt
     */
    static JpegImage decode(String source, byte[] data, int rows, int columns, boolean lossless) {
        return new JpegLsDecoder(source, data).run(rows, columns, lossless);
    }

    private JpegImage run(int rows, int columns, boolean lossless) {
        if (data.length < 4 || (data[0] & 0xFF) != 0xFF || (data[1] & 0xFF) != 0xD8) {
            throw error("the JPEG-LS stream does not start with SOI (FFD8)");
        }
        pos = 2;
        boolean frame = false;
        while (true) {
            int marker = nextMarker();
            int length = segmentLength();
            switch (marker) {
                case 0xF7 -> {
                    readFrameHeader(length, rows, columns);
                    frame = true;
                }
                case 0xF8 -> readPresetParameters(length);
                case 0xDD -> {
                    if (length >= 4 && u16(pos + 2) != 0) {
                        throw error("JPEG-LS restart intervals are not decoded");
                    }
                }
                case 0xDA -> {
                    if (!frame) {
                        throw error("the JPEG-LS scan starts before a frame header (SOF55, FFF7)");
                    }
                    readScanHeader(length, lossless);
                    pos += length;
                    return new JpegImage(precision, decodeScan());
                }
                case 0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF ->
                        throw error(String.format("the stream is not JPEG-LS (frame marker FF%02X, JPEG-LS is FFF7)", marker));
                default -> {
                    // APPn, COM and other segments carry nothing the decoding needs
                }
            }
            pos += length;
        }
    }

    private int nextMarker() {
        if (pos >= data.length || (data[pos] & 0xFF) != 0xFF) {
            throw error("expected a JPEG-LS marker at byte " + pos + (pos >= data.length ? " (end of the stream)" : ""));
        }
        while (pos < data.length && (data[pos] & 0xFF) == 0xFF) {
            pos++;
        }
        if (pos >= data.length) {
            throw error("the JPEG-LS stream ends in fill bytes");
        }
        int marker = data[pos++] & 0xFF;
        if (marker == 0xD9) {
            throw error("the JPEG-LS stream ends (EOI) before any scan");
        }
        return marker;
    }

    private int segmentLength() {
        if (pos + 2 > data.length) {
            throw error("the JPEG-LS stream is truncated in a segment length at byte " + pos);
        }
        int length = u16(pos);
        if (length < 2 || pos + length > data.length) {
            throw error("a JPEG-LS segment at byte " + pos + " declares " + length + " bytes, " + (data.length - pos)
                    + " remain");
        }
        return length;
    }

    private void readFrameHeader(int length, int rows, int columns) {
        if (length < 11) {
            throw error("SOF55 segment of length " + length);
        }
        precision = data[pos + 2] & 0xFF;
        height = u16(pos + 3);
        width = u16(pos + 5);
        int components = data[pos + 7] & 0xFF;
        if (precision < 2 || precision > 16) {
            throw error("JPEG-LS precision " + precision + " (2 to 16 bits are valid)");
        }
        if (components != 1) {
            throw error("the JPEG-LS stream has " + components + " components, a greyscale image has 1");
        }
        if (width != columns || height != rows) {
            throw error("the JPEG-LS frame is " + width + "x" + height + ", Columns x Rows is " + columns + "x" + rows);
        }
    }

    /** LSE (T.87 C.2.4.1): only preset coding parameters (id 1); 0 keeps a parameter's default. */
    private void readPresetParameters(int length) {
        int id = length >= 3 ? data[pos + 2] & 0xFF : -1;
        if (id != 1 || length != 13) {
            throw error("JPEG-LS LSE segment of id " + id + " and length " + length + " (only preset coding parameters, "
                    + "id 1, are decoded; mapping tables are not)");
        }
        maxVal = u16(pos + 3);
        t1 = u16(pos + 5);
        t2 = u16(pos + 7);
        t3 = u16(pos + 9);
        reset = u16(pos + 11);
    }

    private void readScanHeader(int length, boolean lossless) {
        int components = length >= 3 ? data[pos + 2] & 0xFF : 0;
        if (components != 1 || length != 8) {
            throw error("the JPEG-LS scan has " + components + " components, a greyscale image has 1");
        }
        near = data[pos + 5] & 0xFF;
        int pointTransform = data[pos + 7] & 0x0F;
        if (pointTransform != 0) {
            throw error("JPEG-LS point transform " + pointTransform + " is not decoded");
        }
        int defaultMax = (1 << precision) - 1;
        if (maxVal == 0) {
            maxVal = defaultMax;
        }
        if (maxVal > defaultMax || maxVal < 1) {
            throw error("JPEG-LS MAXVAL " + maxVal + " for " + precision + "-bit samples");
        }
        if (near > Math.min(255, maxVal / 2)) {
            throw error("JPEG-LS NEAR " + near + " for MAXVAL " + maxVal);
        }
        if (lossless && near != 0) {
            throw error("the transfer syntax is JPEG-LS Lossless but the scan is near-lossless (NEAR " + near + ")");
        }
        setDefaultThresholds();
        if (!(t1 >= near + 1 && t1 <= t2 && t2 <= t3 && t3 <= maxVal) || reset < 3 || reset > Math.max(255, maxVal)) {
            throw error("JPEG-LS coding parameters T1 " + t1 + ", T2 " + t2 + ", T3 " + t3 + ", RESET " + reset
                    + " are inconsistent for MAXVAL " + maxVal + " and NEAR " + near);
        }
        range = (maxVal + 2 * near) / (2 * near + 1) + 1;
        qbpp = ceilLog2(range);
        int bpp = Math.max(2, ceilLog2(maxVal + 1));
        limit = 2 * (bpp + Math.max(8, bpp));
        int initialA = Math.max(2, (range + 32) / 64);
        java.util.Arrays.fill(a, initialA);
        java.util.Arrays.fill(n, 1);
    }

    /** T.87 C.2.4.1.1.1: the default thresholds, for the parameters the stream left at 0. */
    private void setDefaultThresholds() {
        int d1;
        int d2;
        int d3;
        if (maxVal >= 128) {
            int factor = (Math.min(maxVal, 4095) + 128) / 256;
            d1 = clamp(factor * (3 - 2) + 2 + 3 * near, near + 1);
            d2 = clamp(factor * (7 - 3) + 3 + 5 * near, d1);
            d3 = clamp(factor * (21 - 4) + 4 + 7 * near, d2);
        } else {
            int factor = 256 / (maxVal + 1);
            d1 = clamp(Math.max(2, 3 / factor + 3 * near), near + 1);
            d2 = clamp(Math.max(3, 7 / factor + 5 * near), d1);
            d3 = clamp(Math.max(4, 21 / factor + 7 * near), d2);
        }
        t1 = t1 == 0 ? d1 : t1;
        t2 = t2 == 0 ? d2 : t2;
        t3 = t3 == 0 ? d3 : t3;
        reset = reset == 0 ? 64 : reset;
    }

    private int clamp(int i, int j) {
        return i > maxVal || i < j ? j : i;
    }

    private static int ceilLog2(int v) {
        int bits = 0;
        while ((1L << bits) < v) {
            bits++;
        }
        return bits;
    }

    private int[] decodeScan() {
        int[] out = new int[Math.multiplyExact(width, height)];
        // Line buffers with one extra sample at each end (T.87 A.2.1): index x + 1 holds sample x.
        int[] previous = new int[width + 2];
        int[] current = new int[width + 2];
        for (int y = 0; y < height; y++) {
            previous[width + 1] = previous[width];
            current[0] = previous[1];
            int x = 0;
            while (x < width) {
                int ra = current[x];
                int rb = previous[x + 1];
                int rc = previous[x];
                int rd = previous[x + 2];
                int d1 = rd - rb;
                int d2 = rb - rc;
                int d3 = rc - ra;
                if (Math.abs(d1) <= near && Math.abs(d2) <= near && Math.abs(d3) <= near) {
                    x = decodeRun(previous, current, x);
                } else {
                    current[x + 1] = decodeRegular(d1, d2, d3, ra, rb, rc);
                    x++;
                }
            }
            System.arraycopy(current, 1, out, y * width, width);
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return out;
    }

    private int quantize(int d) {
        if (d <= -t3) {
            return -4;
        } else if (d <= -t2) {
            return -3;
        } else if (d <= -t1) {
            return -2;
        } else if (d < -near) {
            return -1;
        } else if (d <= near) {
            return 0;
        } else if (d < t1) {
            return 1;
        } else if (d < t2) {
            return 2;
        } else if (d < t3) {
            return 3;
        }
        return 4;
    }

    private int decodeRegular(int d1, int d2, int d3, int ra, int rb, int rc) {
        int q1 = quantize(d1);
        int q2 = quantize(d2);
        int q3 = quantize(d3);
        int sign = 1;
        if (q1 < 0 || (q1 == 0 && (q2 < 0 || (q2 == 0 && q3 < 0)))) {
            sign = -1;
            q1 = -q1;
            q2 = -q2;
            q3 = -q3;
        }
        int q = 81 * (q1 + 4) + 9 * (q2 + 4) + (q3 + 4);
        int px;
        if (rc >= Math.max(ra, rb)) {
            px = Math.min(ra, rb);
        } else if (rc <= Math.min(ra, rb)) {
            px = Math.max(ra, rb);
        } else {
            px = ra + rb - rc;
        }
        px += sign * c[q];
        px = px < 0 ? 0 : Math.min(px, maxVal);
        int k = golombParameter(n[q], a[q]);
        int mErrval = readGolomb(k, limit);
        int errval = (mErrval & 1) == 0 ? mErrval >> 1 : -((mErrval + 1) >> 1);
        if (near == 0 && k == 0 && 2 * b[q] <= -n[q]) {
            errval = -errval - 1;
        }
        updateRegular(q, errval);
        return reconstruct(px, sign * errval);
    }

    private void updateRegular(int q, int errval) {
        b[q] += errval * (2 * near + 1);
        a[q] += Math.abs(errval);
        if (n[q] == reset) {
            a[q] >>= 1;
            b[q] = b[q] >= 0 ? b[q] >> 1 : -((1 - b[q]) >> 1);
            n[q] >>= 1;
        }
        n[q]++;
        if (b[q] <= -n[q]) {
            b[q] += n[q];
            if (c[q] > -128) {
                c[q]--;
            }
            if (b[q] <= -n[q]) {
                b[q] = -n[q] + 1;
            }
        } else if (b[q] > 0) {
            b[q] -= n[q];
            if (c[q] < 127) {
                c[q]++;
            }
            if (b[q] > 0) {
                b[q] = 0;
            }
        }
    }

    /** Px plus the dequantized error, brought back into range modulo RANGE (T.87 A.4.5) and clamped. */
    private int reconstruct(int px, int signedErrval) {
        int rx = px + signedErrval * (2 * near + 1);
        if (rx < -near) {
            rx += range * (2 * near + 1);
        } else if (rx > maxVal + near) {
            rx -= range * (2 * near + 1);
        }
        return rx < 0 ? 0 : Math.min(rx, maxVal);
    }

    /**
     * Run mode (T.87 A.7): runs of the left neighbour's value, in segments of 2^J[RUNindex] samples, ended by the line
     * end or by a run interruption sample. Returns the position after the run (and its interruption sample).
     */
    private int decodeRun(int[] previous, int[] current, int x) {
        int runValue = current[x];
        while (true) {
            if (readBit() == 1) {
                int segment = 1 << J[runIndex];
                int count = Math.min(segment, width - x);
                for (int i = 0; i < count; i++) {
                    current[x + 1 + i] = runValue;
                }
                x += count;
                if (count == segment && runIndex < 31) {
                    runIndex++;
                }
                if (x == width) {
                    return x;
                }
            } else {
                int count = readBits(J[runIndex]);
                if (count >= width - x) {
                    throw error("a JPEG-LS run of " + count + " samples passes the end of a " + width + "-sample line");
                }
                for (int i = 0; i < count; i++) {
                    current[x + 1 + i] = runValue;
                }
                x += count;
                int rb = previous[x + 1];
                int ra = current[x];
                current[x + 1] = decodeRunInterruption(ra, rb);
                if (runIndex > 0) {
                    runIndex--;
                }
                return x + 1;
            }
        }
    }

    private int decodeRunInterruption(int ra, int rb) {
        int riType = Math.abs(ra - rb) <= near ? 1 : 0;
        int px = riType == 1 ? ra : rb;
        int sign = riType == 0 && ra > rb ? -1 : 1;
        int q = riType == 1 ? RUN_CONTEXT_1 : RUN_CONTEXT_0;
        int temp = riType == 0 ? a[q] : a[q] + (n[q] >> 1);
        int k = golombParameter(n[q], temp);
        int emErrval = readGolomb(k, limit - J[runIndex] - 1);
        int t = emErrval + riType;
        boolean map = (t & 1) != 0;
        int magnitude = (t + 1) >> 1;
        boolean negative = k == 0 && 2 * nn[q] < n[q] ? !map : map;
        int errval = negative ? -magnitude : magnitude;
        if (errval < 0) {
            nn[q]++;
        }
        a[q] += (emErrval + 1 - riType) >> 1;
        if (n[q] == reset) {
            a[q] >>= 1;
            n[q] >>= 1;
            nn[q] >>= 1;
        }
        n[q]++;
        return reconstruct(px, sign * errval);
    }

    private int golombParameter(int count, int accumulated) {
        int k = 0;
        while ((count << k) < accumulated) {
            k++;
            if (k > 24) {
                throw error("corrupt JPEG-LS context (Golomb parameter above 24)");
            }
        }
        return k;
    }

    /** A limited-length Golomb code (T.87 A.5.3): unary high part, k low bits, or an escape with qbpp bits. */
    private int readGolomb(int k, int codeLimit) {
        int zeros = 0;
        while (readBit() == 0) {
            zeros++;
            if (zeros > codeLimit - qbpp - 1) {
                throw error("invalid JPEG-LS Golomb code at byte " + pos);
            }
        }
        int value = zeros < codeLimit - qbpp - 1 ? zeros << k | readBits(k) : readBits(qbpp) + 1;
        // A valid error maps into 0 .. RANGE; more is a corrupt stream (and would overflow the context sums).
        if (value > 2 * range) {
            throw error("JPEG-LS error value " + value + " beyond the sample range at byte " + pos);
        }
        return value;
    }

    private int readBits(int count) {
        int v = 0;
        for (int i = 0; i < count; i++) {
            v = v << 1 | readBit();
        }
        return v;
    }

    /** Reads MSB first; after an FF byte the next byte's top bit is a stuffed 0 (T.87 A.1), and FF 8x+ is a marker. */
    private int readBit() {
        if (bitCount == 0) {
            if (pos >= data.length) {
                throw error("the JPEG-LS data end before all " + width + "x" + height + " samples");
            }
            boolean afterFf = pos > 0 && (data[pos - 1] & 0xFF) == 0xFF && bitBuffer == 0xFF;
            int next = data[pos] & 0xFF;
            if (afterFf) {
                if ((next & 0x80) != 0) {
                    throw error("the JPEG-LS data end at a marker (byte " + (pos - 1) + ") before all " + width + "x"
                            + height + " samples");
                }
                bitBuffer = next;
                bitCount = 7;
            } else {
                bitBuffer = next;
                bitCount = 8;
            }
            pos++;
        }
        bitCount--;
        return (bitBuffer >> bitCount) & 1;
    }

    private DicomFormatException error(String reason) {
        return new DicomFormatException(source, "PixelData", reason);
    }

    private int u16(int at) {
        return (data[at] & 0xFF) << 8 | (data[at + 1] & 0xFF);
    }
}

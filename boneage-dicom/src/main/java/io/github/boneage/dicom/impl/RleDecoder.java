package io.github.boneage.dicom.impl;

import io.github.boneage.dicom.DicomFormatException;

/**
 * Decodes one RLE Lossless frame (PS3.5 annex G): a 64-byte header (segment count, then up to 15 segment offsets,
 * little endian), then one PackBits segment per byte plane, most significant plane first. Hand-written: the format is
 * a page of the standard and no maintained Java library on Maven Central decodes DICOM RLE on its own.
 */
final class RleDecoder {

    private RleDecoder() {
    }

    /**
     * @param source         the file, for messages
     * @param frame          the frame's encoded bytes
     * @param pixels         Rows x Columns
     * @param bytesPerSample 1 or 2 (Bits Allocated / 8)
     * @return the frame in native layout: {@code pixels x bytesPerSample} bytes, little endian
     * @throws DicomFormatException naming PixelData when the header, a segment offset or a segment's decoded length
     *                              disagrees with the image
     */
    static byte[] decode(String source, byte[] frame, int pixels, int bytesPerSample) {
        if (frame.length < 64) {
            throw error(source, "the RLE header needs 64 bytes, the frame holds " + frame.length);
        }
        long segments = u32(frame, 0);
        if (segments != bytesPerSample) {
            throw error(source, "the RLE header declares " + segments + " segments, a 1-sample image of "
                    + bytesPerSample * 8 + "-bit pixels needs " + bytesPerSample);
        }
        byte[] out = new byte[Math.multiplyExact(pixels, bytesPerSample)];
        for (int s = 0; s < segments; s++) {
            long start = u32(frame, 4 + 4 * s);
            long stop = s + 1 < segments ? u32(frame, 8 + 4 * s) : frame.length;
            if (start < 64 || stop > frame.length || start > stop) {
                throw error(source, "RLE segment " + (s + 1) + " spans bytes " + start + " to " + stop + " of a "
                        + frame.length + "-byte frame");
            }
            // Segment 1 holds the most significant bytes: in little-endian output they go last.
            int plane = bytesPerSample - 1 - s;
            unpack(source, frame, (int) start, (int) stop, out, plane, bytesPerSample, pixels, s + 1);
        }
        return out;
    }

    /** PackBits: n in 0..127 copies n + 1 literal bytes, n in -127..-1 repeats the next byte 1 - n times, -128 is a no-op. */
    private static void unpack(String source, byte[] in, int pos, int stop, byte[] out, int plane, int stride, int pixels,
            int segment) {
        int written = 0;
        while (written < pixels) {
            if (pos >= stop) {
                throw error(source, "RLE segment " + segment + " decodes to " + written + " bytes, Rows x Columns is "
                        + pixels);
            }
            int n = in[pos++];
            if (n >= 0) {
                int count = n + 1;
                if (pos + count > stop || written + count > pixels) {
                    throw error(source, "RLE segment " + segment + " has a literal run of " + count + " bytes that "
                            + (pos + count > stop ? "runs past the segment" : "decodes past Rows x Columns = " + pixels));
                }
                for (int i = 0; i < count; i++) {
                    out[(written + i) * stride + plane] = in[pos + i];
                }
                pos += count;
                written += count;
            } else if (n != -128) {
                int count = 1 - n;
                if (pos >= stop || written + count > pixels) {
                    throw error(source, "RLE segment " + segment + " has a repeat run of " + count + " bytes that "
                            + (pos >= stop ? "runs past the segment" : "decodes past Rows x Columns = " + pixels));
                }
                byte b = in[pos++];
                for (int i = 0; i < count; i++) {
                    out[(written + i) * stride + plane] = b;
                }
                written += count;
            }
        }
        // Encoders pad a segment to even length, with a no-op or a zero literal byte; anything more is data beyond
        // Rows x Columns.
        if (stop - pos > 2) {
            throw error(source, "RLE segment " + segment + " holds " + (stop - pos) + " bytes beyond Rows x Columns = "
                    + pixels);
        }
    }

    private static DicomFormatException error(String source, String reason) {
        return new DicomFormatException(source, "PixelData", reason);
    }

    private static long u32(byte[] b, int at) {
        return ((b[at] & 0xFF) | (b[at + 1] & 0xFF) << 8 | (b[at + 2] & 0xFF) << 16 | (long) (b[at + 3] & 0xFF) << 24);
    }
}

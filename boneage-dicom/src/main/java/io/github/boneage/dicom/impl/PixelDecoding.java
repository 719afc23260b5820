package io.github.boneage.dicom.impl;

import io.github.boneage.dicom.DicomFormatException;
import io.github.boneage.dicom.UnsupportedTransferSyntaxException;

/**
 * Decodes frame 1 of encapsulated pixel data into the native layout the uncompressed syntaxes store (Rows x Columns
 * samples of Bits Allocated / 8 bytes, little endian), so that the presentation pipeline treats compressed and
 * uncompressed files alike (masking to Bits Stored, sign, rescale, VOI, MONOCHROME1).
 *
 * <p>Codecs: RLE Lossless ({@link RleDecoder}), JPEG Lossless Process 14 ({@link JpegLosslessDecoder}), JPEG-LS
 * ({@link JpegLsDecoder}), all hand-written; 8-bit JPEG Baseline / Extended through the JDK's ImageIO
 * ({@link JpegBaselineDecoder}).
 */
public final class PixelDecoding {

    /**
     * Most pixels a compressed frame may declare: 50 million, over three times a 4300 x 3500 plate. Uncompressed pixel
     * data are bounded by the file size; compressed ones are not (a few bytes of RLE or JPEG-LS can claim 65535 x
     * 65535), so the output is bounded before it is allocated.
     */
    public static final long MAX_PIXELS = 50_000_000L;

    private PixelDecoding() {
    }

    /**
     * @param source    the file, for messages
     * @param syntax    the transfer syntax UID (one of {@link DicomParser#ENCAPSULATED})
     * @param frame     frame 1's encoded bytes
     * @param rows      Rows
     * @param columns   Columns
     * @param allocated Bits Allocated (8 or 16)
     * @return the frame in native layout, exactly {@code rows x columns x allocated / 8} bytes
     * @throws DicomFormatException               naming PixelData when the frame is corrupt, decodes to another size
     *                                            or precision than the image declares, or declares more than
     *                                            {@link #MAX_PIXELS} pixels
     * @throws UnsupportedTransferSyntaxException when the frame uses a variant this reader does not decode
     */
    public static byte[] decodeFrame(String source, String syntax, byte[] frame, int rows, int columns, int allocated) {
        long pixels = (long) rows * columns;
        if (pixels > MAX_PIXELS) {
            throw new DicomFormatException(source, "Rows", "a compressed image of " + columns + "x" + rows + " = " + pixels
                    + " pixels is more than the " + MAX_PIXELS + " decoded");
        }
        int bytesPerSample = allocated / 8;
        String name = DicomParser.ENCAPSULATED.get(syntax);
        JpegImage image = switch (syntax) {
            case DicomParser.RLE_LOSSLESS -> null;
            case DicomParser.JPEG_BASELINE, DicomParser.JPEG_EXTENDED ->
                    JpegBaselineDecoder.decode(source, syntax, name, frame, rows, columns);
            case DicomParser.JPEG_LOSSLESS, DicomParser.JPEG_LOSSLESS_SV1 ->
                    JpegLosslessDecoder.decode(source, frame, rows, columns);
            case DicomParser.JPEG_LS_LOSSLESS, DicomParser.JPEG_LS_NEAR_LOSSLESS ->
                    JpegLsDecoder.decode(source, frame, rows, columns,
                            syntax.equals(DicomParser.JPEG_LS_LOSSLESS));
            default -> throw new UnsupportedTransferSyntaxException(source, syntax, String.valueOf(name));
        };
        if (image == null) {
            return RleDecoder.decode(source, frame, (int) pixels, bytesPerSample);
        }
        if (image.precision() > allocated) {
            throw new DicomFormatException(source, "BitsAllocated", "the compressed frame has " + image.precision()
                    + "-bit samples, more than Bits Allocated " + allocated);
        }
        int[] samples = image.samples();
        byte[] out = new byte[samples.length * bytesPerSample];
        if (bytesPerSample == 1) {
            for (int i = 0; i < samples.length; i++) {
                out[i] = (byte) samples[i];
            }
        } else {
            for (int i = 0; i < samples.length; i++) {
                out[2 * i] = (byte) samples[i];
                out[2 * i + 1] = (byte) (samples[i] >> 8);
            }
        }
        return out;
    }
}

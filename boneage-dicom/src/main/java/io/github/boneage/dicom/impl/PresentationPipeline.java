package io.github.boneage.dicom.impl;

import io.github.boneage.core.image.GreyImage;
import io.github.boneage.core.image.GreyImage16;
import io.github.boneage.core.image.GreyImage8;
import io.github.boneage.dicom.DicomFormatException;
import io.github.boneage.dicom.VoiTransform;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Turns stored pixel values into presentation grey levels, in the order of the DICOM grayscale pipeline (PS3.4 N.2.1):
 * stored value (masked to Bits Stored below High Bit, sign-extended when Pixel Representation is 1), modality rescale
 * (slope, intercept), VOI (the first VOI LUT item, else the first window with its VOI LUT Function, else none), then
 * MONOCHROME1 inversion so that bone is always bright.
 *
 * <p>Without a VOI the stored values keep their bit depth: the output is {@code stored - smallest storable value}
 * (reversed when the slope is negative), an exact affine image of the modality values, so nothing is clamped. A window
 * maps into {@code max(8, BitsStored)} bits; a VOI LUT into the bits its descriptor declares.
 *
 * <p>Compressed pixel data are decoded first ({@link PixelDecoding}) into the layout uncompressed files store, so every
 * step above treats them alike. Of a multi-frame image only frame 1 is read, with a warning.
 */
public final class PresentationPipeline {

    /**
     * The grey image and which VOI made it.
     *
     * @param image    the presentation image
     * @param voi      the VOI transformation applied
     * @param warnings what the reader did that a caller should know (e.g. only frame 1 of several read)
     */
    public record Result(GreyImage image, VoiTransform voi, List<String> warnings) {
    }

    private PresentationPipeline() {
    }

    /**
     * @param parsed the parsed file
     * @return the presentation image
     * @throws DicomFormatException naming the attribute when the pixel description is missing, inconsistent or
     *                              unsupported (colour, more than 16 bits), or the pixel data do not decode to it
     */
    public static Result apply(DicomParser.Parsed parsed) {
        DataSet data = parsed.dataSet();
        String source = data.source();
        List<String> warnings = new ArrayList<>();
        int samples = data.unsignedShorts(Tag.SAMPLES_PER_PIXEL).length == 0 ? 1 : data.requiredUnsignedShort(Tag.SAMPLES_PER_PIXEL);
        String photometric = data.string(Tag.PHOTOMETRIC_INTERPRETATION)
                .orElseThrow(() -> new DicomFormatException(source, "PhotometricInterpretation", "required attribute is missing"));
        if (samples != 1 || !(photometric.equals("MONOCHROME1") || photometric.equals("MONOCHROME2"))) {
            throw new DicomFormatException(source, "PhotometricInterpretation", "only greyscale MONOCHROME1/MONOCHROME2 "
                    + "radiographs are read, this file is " + photometric + " with " + samples + " sample(s) per pixel");
        }
        double[] frameValues = data.decimals(Tag.NUMBER_OF_FRAMES);
        long frames = 1;
        if (frameValues.length > 0) {
            if (frameValues[0] < 1 || frameValues[0] != Math.rint(frameValues[0]) || frameValues[0] > Integer.MAX_VALUE) {
                throw new DicomFormatException(source, "NumberOfFrames", "'" + frameValues[0] + "' is not a frame count");
            }
            frames = (long) frameValues[0];
        }
        if (frames > 1) {
            warnings.add("NumberOfFrames is " + frames + ": only frame 1 was read");
        }
        int rows = data.requiredUnsignedShort(Tag.ROWS);
        int columns = data.requiredUnsignedShort(Tag.COLUMNS);
        int allocated = data.requiredUnsignedShort(Tag.BITS_ALLOCATED);
        int stored = data.requiredUnsignedShort(Tag.BITS_STORED);
        int highBit = data.unsignedShorts(Tag.HIGH_BIT).length == 0 ? stored - 1 : data.requiredUnsignedShort(Tag.HIGH_BIT);
        boolean signed = data.unsignedShorts(Tag.PIXEL_REPRESENTATION).length > 0
                && data.requiredUnsignedShort(Tag.PIXEL_REPRESENTATION) == 1;
        if (rows == 0 || columns == 0) {
            throw new DicomFormatException(source, "Rows", "image is empty (" + columns + "x" + rows + ")");
        }
        if (allocated != 8 && allocated != 16) {
            throw new DicomFormatException(source, "BitsAllocated", "only 8 and 16 bits allocated are read, got " + allocated);
        }
        if (stored < 1 || stored > allocated || highBit < stored - 1 || highBit >= allocated) {
            throw new DicomFormatException(source, "BitsStored", "inconsistent bits: allocated " + allocated + ", stored "
                    + stored + ", high bit " + highBit);
        }
        int[] values = storedValues(parsed, frames, rows, columns, allocated, stored, highBit, signed);

        double[] slopes = data.decimals(Tag.RESCALE_SLOPE);
        double[] intercepts = data.decimals(Tag.RESCALE_INTERCEPT);
        double slope = slopes.length == 0 ? 1 : slopes[0];
        double intercept = intercepts.length == 0 ? 0 : intercepts[0];
        if (slope == 0) {
            throw new DicomFormatException(source, "RescaleSlope", "slope is zero");
        }

        int outBits;
        VoiTransform voi;
        List<DataSet> luts = data.items(Tag.VOI_LUT_SEQUENCE);
        double[] centres = data.decimals(Tag.WINDOW_CENTER);
        double[] widths = data.decimals(Tag.WINDOW_WIDTH);
        if (!luts.isEmpty()) {
            outBits = applyLut(luts.get(0), values, slope, intercept, signed);
            voi = VoiTransform.VOI_LUT;
        } else if (centres.length > 0 && widths.length > 0) {
            outBits = Math.max(8, stored);
            String function = data.string(Tag.VOI_LUT_FUNCTION).orElse("LINEAR");
            applyWindow(source, values, slope, intercept, centres[0], widths[0], function.isEmpty() ? "LINEAR" : function, outBits);
            voi = VoiTransform.WINDOW;
        } else {
            outBits = stored;
            int min = signed ? -(1 << (stored - 1)) : 0;
            int max = (1 << stored) - 1;
            for (int i = 0; i < values.length; i++) {
                int v = values[i] - min;
                values[i] = slope < 0 ? max - v : v;
            }
            voi = VoiTransform.NONE;
        }
        int max = (1 << outBits) - 1;
        if (photometric.equals("MONOCHROME1")) {
            for (int i = 0; i < values.length; i++) {
                values[i] = max - values[i];
            }
        }
        return new Result(pack(values, columns, rows, outBits), voi, warnings);
    }

    private static int[] storedValues(DicomParser.Parsed parsed, long frames, int rows, int columns, int allocated,
            int stored, int highBit, boolean signed) {
        DataSet data = parsed.dataSet();
        String source = data.source();
        int bytesPerSample = allocated / 8;
        byte[] b;
        int at;
        if (parsed.encapsulated() != null) {
            b = PixelDecoding.decodeFrame(source, parsed.transferSyntaxUid(), parsed.encapsulated().firstFrame(frames),
                    rows, columns, allocated);
            at = 0;
        } else {
            int[] range = data.valueRange(Tag.PIXEL_DATA)
                    .orElseThrow(() -> new DicomFormatException(source, "PixelData", "the file has no pixel data"));
            long frameBytes = (long) rows * columns * bytesPerSample;
            // frameBytes < 2^33 and frames < 2^31 could overflow; such a product is far beyond any file anyway.
            long needed = frames > (Long.MAX_VALUE - 2) / frameBytes ? Long.MAX_VALUE - 1 : frameBytes * frames;
            // PS3.5 8.1.1: the value holds exactly Rows x Columns x SamplesPerPixel x NumberOfFrames samples, plus one
            // pad byte when that is odd. Less is a truncated file; more means Rows or Columns understate the image,
            // which would crop it.
            long padded = needed + (needed % 2);
            if (range[1] < needed || range[1] > padded) {
                throw new DicomFormatException(source, "PixelData", "pixel data hold " + range[1] + " bytes, but Rows "
                        + rows + " x Columns " + columns + " x SamplesPerPixel 1 x BitsAllocated " + allocated + "/8"
                        + (frames > 1 ? " x NumberOfFrames " + frames : "") + " = " + needed + " bytes"
                        + (needed != padded ? " (" + padded + " with the pad byte)" : "") + (range[1] < needed
                                ? ": the file is truncated or Rows/Columns overstate the image"
                                : ": Rows/Columns understate the image, which would crop it"));
            }
            b = data.bytes();
            at = range[0];
        }
        int n = rows * columns;
        int[] out = new int[n];
        int shift = highBit - stored + 1;
        int mask = (1 << stored) - 1;
        int signBit = 1 << (stored - 1);
        for (int i = 0; i < n; i++) {
            int raw = bytesPerSample == 1 ? b[at + i] & 0xFF : (b[at + 2 * i] & 0xFF) | (b[at + 2 * i + 1] & 0xFF) << 8;
            int v = (raw >>> shift) & mask;
            out[i] = signed && (v & signBit) != 0 ? v - (1 << stored) : v;
        }
        return out;
    }

    /** Applies the DICOM window (PS3.3 C.11.2.1.2) to modality values, into {@code 0 .. 2^outBits - 1}. */
    private static void applyWindow(String source, int[] values, double slope, double intercept, double centre, double width,
            String function, int outBits) {
        double yMax = (1 << outBits) - 1;
        switch (function.toUpperCase(Locale.ROOT)) {
            case "LINEAR" -> {
                if (width < 1) {
                    throw new DicomFormatException(source, "WindowWidth", "a LINEAR window needs a width >= 1, got " + width);
                }
                double low = centre - 0.5 - (width - 1) / 2;
                double high = centre - 0.5 + (width - 1) / 2;
                for (int i = 0; i < values.length; i++) {
                    double x = values[i] * slope + intercept;
                    double y = x <= low ? 0 : x > high ? yMax : ((x - (centre - 0.5)) / (width - 1) + 0.5) * yMax;
                    values[i] = (int) Math.round(y);
                }
            }
            case "LINEAR_EXACT" -> {
                if (width <= 0) {
                    throw new DicomFormatException(source, "WindowWidth", "a LINEAR_EXACT window needs a width > 0, got " + width);
                }
                for (int i = 0; i < values.length; i++) {
                    double x = values[i] * slope + intercept;
                    double y = x <= centre - width / 2 ? 0 : x > centre + width / 2 ? yMax : ((x - centre) / width + 0.5) * yMax;
                    values[i] = (int) Math.round(y);
                }
            }
            case "SIGMOID" -> {
                if (width <= 0) {
                    throw new DicomFormatException(source, "WindowWidth", "a SIGMOID window needs a width > 0, got " + width);
                }
                for (int i = 0; i < values.length; i++) {
                    double x = values[i] * slope + intercept;
                    values[i] = (int) Math.round(yMax / (1 + Math.exp(-4 * (x - centre) / width)));
                }
            }
            default -> throw new DicomFormatException(source, "VOILUTFunction", "unknown VOI LUT function '" + function
                    + "' (expected LINEAR, LINEAR_EXACT or SIGMOID)");
        }
    }

    /** Applies a VOI LUT item (PS3.3 C.11.2.1.1) to modality values; returns the LUT's output bits. */
    private static int applyLut(DataSet lut, int[] values, double slope, double intercept, boolean signed) {
        String source = lut.source();
        int[] descriptor = lut.unsignedShorts(Tag.LUT_DESCRIPTOR);
        if (descriptor.length != 3) {
            throw new DicomFormatException(source, "LUTDescriptor", "expected 3 values, got " + descriptor.length);
        }
        int entries = descriptor[0] == 0 ? 65536 : descriptor[0];
        // The first mapped value is signed when the modality values can be negative (PS3.3 C.11.2.1.1).
        int first = signed || intercept < 0 ? (short) descriptor[1] : descriptor[1];
        int bits = descriptor[2];
        if (bits < 8 || bits > 16) {
            throw new DicomFormatException(source, "LUTDescriptor", "LUT output must be 8 to 16 bits, got " + bits);
        }
        int[] range = lut.valueRange(Tag.LUT_DATA)
                .orElseThrow(() -> new DicomFormatException(source, "LUTData", "the VOI LUT item has no LUT data"));
        byte[] b = lut.bytes();
        int[] table = new int[entries];
        if (range[1] >= 2 * entries) {
            for (int i = 0; i < entries; i++) {
                table[i] = ((b[range[0] + 2 * i] & 0xFF) | (b[range[0] + 2 * i + 1] & 0xFF) << 8) & ((1 << bits) - 1);
            }
        } else if (range[1] >= entries && bits == 8) {
            for (int i = 0; i < entries; i++) {
                table[i] = b[range[0] + i] & 0xFF;
            }
        } else {
            throw new DicomFormatException(source, "LUTData", "LUT data hold " + range[1] + " bytes for " + entries + " entries");
        }
        for (int i = 0; i < values.length; i++) {
            long x = Math.round(values[i] * slope + intercept);
            long index = Math.max(0, Math.min(entries - 1, x - first));
            values[i] = table[(int) index];
        }
        return bits;
    }

    private static GreyImage pack(int[] values, int width, int height, int bits) {
        if (bits == 8) {
            byte[] out = new byte[values.length];
            for (int i = 0; i < values.length; i++) {
                out[i] = (byte) values[i];
            }
            return new GreyImage8(width, height, out);
        }
        short[] out = new short[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = (short) values[i];
        }
        return new GreyImage16(width, height, bits, out);
    }
}

package io.github.boneage.cli;

import io.github.boneage.core.image.GreyImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes minimal Explicit VR Little Endian DICOM files from generated images, so CLI tests can feed the same pixels
 * as PNG and as DICOM. Only what the reader needs: file meta, patient sex and age, and the image pixel module.
 */
final class DicomTestFiles {

    private DicomTestFiles() {
    }

    /**
     * @param image       the pixels (stored as 8 bits when the image is 8-bit, else 16 bits allocated)
     * @param monochrome1 store {@code max - v} and declare MONOCHROME1, so the reader must invert back
     * @param sex         PatientSex ({@code M}, {@code F} or empty)
     * @param age         PatientAge, e.g. {@code 010Y}, or empty
     */
    static void write(Path file, GreyImage image, boolean monochrome1, String sex, String age) throws IOException {
        ByteArrayOutputStream meta = new ByteArrayOutputStream();
        element(meta, 0x0002, 0x0001, "OB", new byte[] {0, 1});
        element(meta, 0x0002, 0x0002, "UI", uid("1.2.840.10008.5.1.4.1.1.1.1"));
        element(meta, 0x0002, 0x0003, "UI", uid("1.2.826.0.1.3680043.10.1082.99.1"));
        element(meta, 0x0002, 0x0010, "UI", uid("1.2.840.10008.1.2.1"));
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        element(data, 0x0008, 0x0060, "CS", text("DX"));
        element(data, 0x0010, 0x0040, "CS", text(sex));
        element(data, 0x0010, 0x1010, "AS", text(age));
        element(data, 0x0028, 0x0002, "US", u16(1));
        element(data, 0x0028, 0x0004, "CS", text(monochrome1 ? "MONOCHROME1" : "MONOCHROME2"));
        element(data, 0x0028, 0x0010, "US", u16(image.height()));
        element(data, 0x0028, 0x0011, "US", u16(image.width()));
        int allocated = image.bitDepth() == 8 ? 8 : 16;
        element(data, 0x0028, 0x0100, "US", u16(allocated));
        element(data, 0x0028, 0x0101, "US", u16(image.bitDepth()));
        element(data, 0x0028, 0x0102, "US", u16(image.bitDepth() - 1));
        element(data, 0x0028, 0x0103, "US", u16(0));
        byte[] pixels = new byte[image.width() * image.height() * allocated / 8];
        int i = 0;
        for (int y = 0; y < image.height(); y++) {
            for (int x = 0; x < image.width(); x++) {
                int v = monochrome1 ? image.maxValue() - image.get(x, y) : image.get(x, y);
                pixels[i++] = (byte) v;
                if (allocated == 16) {
                    pixels[i++] = (byte) (v >>> 8);
                }
            }
        }
        element(data, 0x7FE0, 0x0010, allocated == 8 ? "OB" : "OW", pixels);

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(new byte[128]);
        out.write("DICM".getBytes(StandardCharsets.US_ASCII));
        int metaLength = meta.size();
        element(out, 0x0002, 0x0000, "UL", new byte[] {(byte) metaLength, (byte) (metaLength >>> 8), (byte) (metaLength >>> 16), 0});
        meta.writeTo(out);
        data.writeTo(out);
        Files.write(file, out.toByteArray());
    }

    private static void element(ByteArrayOutputStream out, int group, int elem, String vr, byte[] value) {
        byte[] v = value.length % 2 == 0 ? value : java.util.Arrays.copyOf(value, value.length + 1);
        if (value.length % 2 != 0 && !vr.equals("UI") && !vr.equals("OB")) {
            v[v.length - 1] = ' ';
        }
        out.write(group);
        out.write(group >>> 8);
        out.write(elem);
        out.write(elem >>> 8);
        out.writeBytes(vr.getBytes(StandardCharsets.US_ASCII));
        if (vr.equals("OB") || vr.equals("OW")) {
            out.write(0);
            out.write(0);
            out.write(v.length);
            out.write(v.length >>> 8);
            out.write(v.length >>> 16);
            out.write(v.length >>> 24);
        } else {
            out.write(v.length);
            out.write(v.length >>> 8);
        }
        out.writeBytes(v);
    }

    private static byte[] uid(String uid) {
        return uid.getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] text(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] u16(int v) {
        return new byte[] {(byte) v, (byte) (v >>> 8)};
    }
}

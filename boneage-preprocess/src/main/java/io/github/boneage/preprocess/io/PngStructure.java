package io.github.boneage.preprocess.io;

import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;

/**
 * Walks a PNG file's chunks (PNG specification, section 5) before the codec sees it. {@code javax.imageio} stops
 * reading at the last image data it needs and pads a short {@code IDAT} stream silently in some cases, so a cut file
 * can decode to a partly grey image; here a file must hold {@code IHDR} first, at least one {@code IDAT}, every chunk
 * whole with a matching CRC, and end with {@code IEND}. Bytes after {@code IEND} are ignored, as every decoder does.
 */
final class PngStructure {

    private static final byte[] SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};

    private PngStructure() {
    }

    /** @return whether the bytes start with the PNG signature */
    static boolean isPng(byte[] bytes) {
        if (bytes.length < SIGNATURE.length) {
            return false;
        }
        for (int i = 0; i < SIGNATURE.length; i++) {
            if (bytes[i] != SIGNATURE[i]) {
                return false;
            }
        }
        return true;
    }

    /**
     * @param bytes  a whole PNG file (starting with the signature)
     * @param source the name for messages
     * @throws TruncatedImageException  if a chunk is cut off, or the file ends before {@code IEND}
     * @throws UnreadableImageException if a chunk's CRC does not match, {@code IHDR} is not first, or there is no
     *                                  {@code IDAT}
     */
    static void check(byte[] bytes, String source) {
        int pos = SIGNATURE.length;
        boolean first = true;
        boolean idat = false;
        CRC32 crc = new CRC32();
        while (true) {
            if (pos == bytes.length) {
                throw new TruncatedImageException(source, "PNG file is truncated: it ends after " + bytes.length
                        + " bytes without an IEND chunk" + (idat ? "" : " and without image data (IDAT)"), null);
            }
            if (bytes.length - pos < 8) {
                throw new TruncatedImageException(source, "PNG file is truncated: a chunk header at byte " + pos
                        + " is cut off (" + (bytes.length - pos) + " of 8 bytes)", null);
            }
            long length = u32(bytes, pos);
            String type = new String(bytes, pos + 4, 4, StandardCharsets.ISO_8859_1);
            if (length > Integer.MAX_VALUE) {
                throw new UnreadableImageException(source, "corrupt PNG: chunk '" + printable(type) + "' at byte " + pos
                        + " declares " + length + " bytes, more than a PNG chunk may hold", null);
            }
            if (length + 12 > bytes.length - pos) {
                throw new TruncatedImageException(source, "PNG file is truncated: chunk '" + printable(type) + "' at byte "
                        + pos + " declares " + length + " data bytes but the file ends " + (bytes.length - pos - 8)
                        + " bytes later", null);
            }
            if (first && !type.equals("IHDR")) {
                throw new UnreadableImageException(source, "corrupt PNG: the first chunk is '" + printable(type)
                        + "', not IHDR", null);
            }
            crc.reset();
            crc.update(bytes, pos + 4, 4 + (int) length);
            long stored = u32(bytes, pos + 8 + (int) length);
            if (crc.getValue() != stored) {
                throw new UnreadableImageException(source, "corrupt PNG: chunk '" + printable(type) + "' at byte " + pos
                        + " fails its CRC check (stored " + Long.toHexString(stored) + ", computed "
                        + Long.toHexString(crc.getValue()) + ")", null);
            }
            first = false;
            if (type.equals("IDAT")) {
                idat = true;
            } else if (type.equals("IEND")) {
                if (!idat) {
                    throw new UnreadableImageException(source, "corrupt PNG: IEND without any image data (IDAT)", null);
                }
                return;
            }
            pos += 12 + (int) length;
        }
    }

    private static long u32(byte[] b, int at) {
        return (b[at] & 0xFFL) << 24 | (b[at + 1] & 0xFFL) << 16 | (b[at + 2] & 0xFFL) << 8 | (b[at + 3] & 0xFFL);
    }

    /** Chunk types of a corrupt file may hold any byte; messages show them as ASCII or escapes. */
    private static String printable(String type) {
        StringBuilder sb = new StringBuilder();
        for (char c : type.toCharArray()) {
            if (c >= 0x20 && c < 0x7F) {
                sb.append(c);
            } else {
                sb.append(String.format("\\x%02X", (int) c));
            }
        }
        return sb.toString();
    }
}

package io.github.boneage.preprocess.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.github.boneage.core.BoneAgeException;
import io.github.boneage.core.landmarks.LandmarkDetection;
import io.github.boneage.core.image.GreyImage;
import io.github.boneage.preprocess.io.ImageDecoder;
import io.github.boneage.preprocess.landmarks.ClassicalLandmarkDetector;
import java.util.zip.CRC32;

/**
 * Coverage-guided fuzzing of {@link ImageDecoder} on PNG, JPEG and whatever else {@code javax.imageio} recognises,
 * then of the landmark detector on every image that decodes. The property: only the documented typed exceptions
 * ({@link BoneAgeException} subclasses) may escape; any other exception, an {@link Error} or a hang is a finding.
 *
 * <p>Without {@code JAZZER_FUZZ} this runs the seeds in {@code ImageDecoderFuzzTestInputs/decode} once each (regression
 * mode, part of every build); with {@code JAZZER_FUZZ=1} it fuzzes for {@code maxDuration} (see docs/safety.md).
 */
class ImageDecoderFuzzTest {

    /** Lower limits than the defaults keep every execution fast; the code paths are the same. */
    private static final ImageDecoder DECODER = ImageDecoder.builder().optMaxPixels(4_000_000).optMaxDecodeBytes(64L << 20).build();
    private static final ClassicalLandmarkDetector DETECTOR = ClassicalLandmarkDetector.builder().build();

    @FuzzTest(maxDuration = "30s")
    void decode(byte[] data) {
        // Half the inputs get their PNG chunk CRCs repaired, so that mutations reach the codec instead of all
        // stopping at the CRC check.
        byte[] input = data.length > 0 && (data[data.length - 1] & 1) == 1 ? withRepairedPngCrcs(data) : data;
        GreyImage image;
        try {
            image = DECODER.decode(input, "fuzz-input");
        } catch (BoneAgeException expected) {
            return;
        }
        // The detector costs far more than the decoder (it resamples to 256 px); it sees a quarter of the decoded
        // inputs, chosen by length, so that the decoder still gets most of the executions.
        if (data.length % 4 != 0) {
            return;
        }
        LandmarkDetection d = DETECTOR.detect(image, "fuzz-input");
        if (d.reason().contains("analysis failed")) {
            throw new IllegalStateException("the landmark analysis failed on a decodable image: " + d.reason());
        }
    }

    /** @return a copy whose chunks (as far as their lengths reach) carry correct CRCs; other bytes unchanged */
    static byte[] withRepairedPngCrcs(byte[] data) {
        byte[] out = data.clone();
        if (out.length < 8 || out[0] != (byte) 0x89 || out[1] != 'P') {
            return out;
        }
        int pos = 8;
        CRC32 crc = new CRC32();
        while (pos + 12 <= out.length) {
            long length = (out[pos] & 0xFFL) << 24 | (out[pos + 1] & 0xFFL) << 16 | (out[pos + 2] & 0xFFL) << 8 | (out[pos + 3] & 0xFFL);
            if (length > out.length - pos - 12) {
                break;
            }
            int end = pos + 8 + (int) length;
            crc.reset();
            crc.update(out, pos + 4, 4 + (int) length);
            long v = crc.getValue();
            out[end] = (byte) (v >>> 24);
            out[end + 1] = (byte) (v >>> 16);
            out[end + 2] = (byte) (v >>> 8);
            out[end + 3] = (byte) v;
            pos = end + 4;
        }
        return out;
    }
}

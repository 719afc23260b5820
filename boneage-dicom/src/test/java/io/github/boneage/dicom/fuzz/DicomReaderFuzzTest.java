package io.github.boneage.dicom.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.github.boneage.core.BoneAgeException;
import io.github.boneage.dicom.DicomReader;

/**
 * Coverage-guided fuzzing of the DICOM parser and presentation pipeline through {@link DicomReader#read(byte[], String)}.
 * The property: only the documented typed exceptions ({@link BoneAgeException} subclasses) may escape; any other
 * exception, an {@link Error} (a stack overflow from nesting, an out-of-memory from a lying length) or a hang is a
 * finding. Without {@code JAZZER_FUZZ} this runs the seeds in {@code DicomReaderFuzzTestInputs/read} (regression
 * mode); with {@code JAZZER_FUZZ=1} it fuzzes for {@code maxDuration} (see docs/safety.md).
 */
class DicomReaderFuzzTest {

    private static final DicomReader READER = DicomReader.create();

    @FuzzTest(maxDuration = "30s")
    void read(byte[] data) {
        try {
            READER.read(data, "fuzz-input.dcm");
        } catch (BoneAgeException expected) {
            // the documented outcome for malformed input
        }
    }
}

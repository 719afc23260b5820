package io.github.boneage.djl.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.github.boneage.core.BoneAgeException;
import io.github.boneage.djl.manifest.ManifestJson;

/**
 * Coverage-guided fuzzing of the model manifest parser's entry point, {@link ManifestJson#read(byte[], String)}
 * (JSON parsing, the format version, the preprocessing spec and the manifest's own validation). The property: only
 * the documented typed exceptions ({@link BoneAgeException} subclasses) may escape. Without {@code JAZZER_FUZZ} this
 * runs the seeds in {@code ManifestFuzzTestInputs/read} (the shipped default model's manifest); with
 * {@code JAZZER_FUZZ=1} it fuzzes for {@code maxDuration} (see docs/safety.md).
 */
class ManifestFuzzTest {

    @FuzzTest(maxDuration = "30s")
    void read(byte[] data) {
        try {
            ManifestJson.read(data, "fuzz-manifest.json");
        } catch (BoneAgeException expected) {
            // the documented outcome for a malformed manifest
        }
    }
}

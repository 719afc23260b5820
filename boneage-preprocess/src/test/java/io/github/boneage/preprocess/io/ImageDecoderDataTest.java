package io.github.boneage.preprocess.io;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.boneage.core.BoneAgeException;
import io.github.boneage.core.testing.SharedData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The hardened decoder on every real RSNA radiograph at 299 x 299: the refusal of codec warnings, small sides and low
 * bit depths must not turn away a single genuine image.
 */
@Tag("data")
class ImageDecoderDataTest {

    @Test
    void everyRsna299ImageDecodesWithTheDefaultLimits() throws IOException {
        Path images = SharedData.require("data/rsna-299/images");
        ImageDecoder decoder = ImageDecoder.create();
        List<String> refused = new ArrayList<>();
        int decoded = 0;
        try (Stream<Path> files = Files.list(images)) {
            for (Path file : files.sorted().toList()) {
                try {
                    assertThat(decoder.decode(file).width()).isEqualTo(299);
                    decoded++;
                } catch (BoneAgeException e) {
                    refused.add(e.getMessage());
                }
            }
        }
        assertThat(refused).as("refused of %d", decoded + refused.size()).isEmpty();
        assertThat(decoded).isGreaterThan(1000);
    }
}

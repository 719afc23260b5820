package io.github.boneage.djl.train.data;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.boneage.core.RoiScheme;
import io.github.boneage.core.image.GreyImage8;
import io.github.boneage.djl.train.Augmentation;
import io.github.boneage.preprocess.EqualizerSpec;
import io.github.boneage.preprocess.PreprocessSpec;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BatchLoaderTest {

    private static final int IMAGES = 10;
    private static final PreprocessSpec SPEC = new PreprocessSpec(RoiScheme.WHOLE, EqualizerSpec.none(), 4, 1,
            new double[] {0}, new double[] {1});

    @TempDir
    Path dir;

    /** Image i is uniformly grey level i*10, so a batch's first pixel identifies its image. */
    private static ImageCache cache(Path file) throws Exception {
        return ImageCache.build(IMAGES, i -> {
            byte[] data = new byte[16];
            Arrays.fill(data, (byte) (i * 10));
            return new GreyImage8(4, 4, data);
        }, 2, file, "test");
    }

    private static BatchLoader loader(ImageCache cache, long seed, Augmentation augmentation) {
        int[] members = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9};
        float[] labels = new float[IMAGES];
        for (int i = 0; i < IMAGES; i++) {
            labels[i] = i;
        }
        return new BatchLoader(cache, members, labels, 1, new float[0], 0, new TensorWriter(SPEC), augmentation, 3, seed, 2, 2);
    }

    @Test
    void eachEpochVisitsAPermutationAndLabelsFollowTheirImages() throws Exception {
        try (BatchLoader loader = loader(cache(null), 5, Augmentation.none())) {
            assertThat(loader.stepsPerEpoch()).isEqualTo(3);
            Set<Integer> seen = new HashSet<>();
            for (int step = 0; step < 3; step++) {
                BatchLoader.Batch b = loader.take(step);
                for (int i = 0; i < 3; i++) {
                    int image = Math.round(b.images()[i * 16] * 255 / 10);
                    assertThat(b.labels()[i]).isEqualTo(image);
                    assertThat(seen.add(image)).isTrue();
                }
            }
            assertThat(seen).hasSize(9);
        }
    }

    @Test
    void batchesArePureFunctionsOfSeedAndStepWhateverTheAccessOrder() throws Exception {
        Augmentation augmentation = new Augmentation(10, 0.1, 0.1, 0.1, 0.1, 0.5);
        ImageCache cache = cache(null);
        try (BatchLoader sequential = loader(cache, 7, augmentation); BatchLoader jumping = loader(cache, 7, augmentation);
                BatchLoader other = loader(cache, 8, augmentation)) {
            float[][] first = new float[8][];
            for (int step = 0; step < 8; step++) {
                first[step] = sequential.take(step).images().clone();
            }
            assertThat(jumping.take(5).images()).containsExactly(first[5]);
            assertThat(jumping.assemble(2).images()).containsExactly(first[2]);
            assertThat(jumping.take(6).images()).containsExactly(first[6]);
            assertThat(other.take(5).images()).isNotEqualTo(first[5]);
        }
    }

    @Test
    void diskCacheRoundTripsAndRebuildsForAnotherKey() throws Exception {
        Path file = dir.resolve("cache.bin");
        ImageCache built = cache(file);
        assertThat(built.fromDisk()).isFalse();
        ImageCache read = cache(file);
        assertThat(read.fromDisk()).isTrue();
        assertThat(((GreyImage8) read.image(7)).data()).containsExactly(((GreyImage8) built.image(7)).data());
        ImageCache failing = ImageCache.build(2, i -> {
            throw new IllegalStateException("image " + i + " is broken");
        }, 1, dir.resolve("other.bin"), "other");
        assertThat(failing.usable(1)).isFalse();
        assertThat(failing.failure(1)).isEqualTo("image 1 is broken");
    }
}

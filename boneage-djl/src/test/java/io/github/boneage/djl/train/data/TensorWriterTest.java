package io.github.boneage.djl.train.data;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.boneage.core.RoiScheme;
import io.github.boneage.core.image.GreyImage;
import io.github.boneage.core.image.GreyImage16;
import io.github.boneage.core.image.GreyImage8;
import io.github.boneage.djl.train.Augmentation;
import io.github.boneage.preprocess.EqualizerSpec;
import io.github.boneage.preprocess.PreparedImage;
import io.github.boneage.preprocess.PreprocessSpec;
import io.github.boneage.preprocess.Preprocessor;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class TensorWriterTest {

    private static final PreprocessSpec SPEC = new PreprocessSpec(RoiScheme.WHOLE, EqualizerSpec.none(), 16, 3,
            PreprocessSpec.IMAGENET_MEAN, PreprocessSpec.IMAGENET_STD);

    private static GreyImage8 ramp() {
        GreyImage8 image = new GreyImage8(16, 16);
        for (int y = 0; y < 16; y++) {
            for (int x = 0; x < 16; x++) {
                image.set(x, y, (x * 16 + y * 7) & 0xFF);
            }
        }
        return image;
    }

    /** Training tensors must be bit-identical to what the estimator feeds the network. */
    @Test
    void plainTensorsEqualThePreprocessorsFor8And16Bits() {
        TensorWriter writer = new TensorWriter(SPEC);
        Preprocessor preprocessor = new Preprocessor(SPEC);
        GreyImage16 deep = new GreyImage16(16, 16, 12);
        for (int i = 0; i < 256; i++) {
            deep.data()[i] = (short) (i * 16 + 3);
        }
        for (GreyImage image : new GreyImage[] {ramp(), deep}) {
            float[] ours = new float[writer.imageFloats() + 5];
            float[] theirs = new float[writer.imageFloats() + 5];
            writer.write(image, ours, 5);
            PreparedImage prepared = preprocessor.prepare(image, null);
            preprocessor.toTensor(prepared, theirs, 5);
            assertThat(ours).containsExactly(theirs);
        }
    }

    @Test
    void augmentationWithZeroRangesIsTheIdentity() {
        TensorWriter writer = new TensorWriter(SPEC);
        float[] plain = new float[writer.imageFloats()];
        float[] augmented = new float[writer.imageFloats()];
        writer.write(ramp(), plain, 0);
        writer.writeAugmented(ramp(), Augmentation.none(), new SplittableRandom(1), augmented, 0);
        for (int i = 0; i < plain.length; i++) {
            assertThat(augmented[i]).isCloseTo(plain[i], org.assertj.core.api.Assertions.within(1e-5f));
        }
    }

    @Test
    void augmentationIsDeterministicPerGeneratorAndChangesTheImage() {
        TensorWriter writer = new TensorWriter(SPEC);
        Augmentation strong = new Augmentation(20, 0.1, 0.2, 0.2, 0.2, 0.5);
        float[] a = new float[writer.imageFloats()];
        float[] b = new float[writer.imageFloats()];
        float[] plain = new float[writer.imageFloats()];
        writer.writeAugmented(ramp(), strong, new SplittableRandom(9), a, 0);
        writer.writeAugmented(ramp(), strong, new SplittableRandom(9), b, 0);
        writer.write(ramp(), plain, 0);
        assertThat(a).containsExactly(b);
        assertThat(a).isNotEqualTo(plain);
        // grey in, grey out: the three channels carry the same intensity
        float u0 = a[0] * 0.229f + 0.485f;
        float u1 = a[256] * 0.224f + 0.456f;
        assertThat(u1).isCloseTo(u0, org.assertj.core.api.Assertions.within(1e-5f));
    }
}

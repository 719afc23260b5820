package io.github.boneage.djl.train.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class NetworkSpecTest {

    private static final NetworkSpec SPEC = new NetworkSpec("mobilenetv2", "mobilenetv2-imagenet-int8",
            NetworkSpec.FORMAT_TORCHSCRIPT_BACKBONE, 160, 3, HeadSpec.ageBins(24, 0, 240).withDropout(0.2), true, true, 127.3,
            41.2);

    @Test
    void blockArgumentsRoundTrip() {
        assertThat(NetworkSpec.fromArguments(SPEC.toArguments())).isEqualTo(SPEC);
        assertThat(SPEC.auxiliaryInputs()).isEqualTo(2);
    }

    @Test
    void missingOrMalformedArgumentsAreNamed() {
        Map<String, String> args = new HashMap<>(SPEC.toArguments());
        args.remove("inputSize");
        assertThatThrownBy(() -> NetworkSpec.fromArguments(args)).hasMessageContaining("inputSize");
        args.put("inputSize", "big");
        assertThatThrownBy(() -> NetworkSpec.fromArguments(args)).hasMessageContaining("inputSize").hasMessageContaining("big");
    }

    @Test
    void decodesRegressionAndAgeBins() {
        NetworkSpec regression = new NetworkSpec("small-cnn", null, NetworkSpec.FORMAT_DJL, 64, 1, HeadSpec.regression(), false,
                false, 100, 40);
        assertThat(regression.decodeMonths(new float[] {0f, 0.5f}, 1)).isCloseTo(120, within(1e-9));
        assertThat(regression.encodeTarget(120)).isEqualTo(0.5f);
        HeadSpec bins = HeadSpec.ageBins(4, 0, 40);
        assertThat(bins.binCentre(0)).isEqualTo(5);
        NetworkSpec classifier = new NetworkSpec("small-cnn", null, NetworkSpec.FORMAT_DJL, 64, 1, bins, false, false, 0, 1);
        // equal logits: the mean of the centres; one dominant logit: that bin's centre
        assertThat(classifier.decodeMonths(new float[] {1, 1, 1, 1}, 0)).isCloseTo(20, within(1e-9));
        assertThat(classifier.decodeMonths(new float[] {0, 0, 50, 0}, 0)).isCloseTo(25, within(1e-6));
    }
}

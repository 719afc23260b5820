package io.github.boneage.synthetic;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.boneage.core.Sex;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class SyntheticHandGeneratorBuilderTest {

    private static Arguments bad(String expectedText, Consumer<SyntheticHandGenerator.Builder> call) {
        return Arguments.of(expectedText, call);
    }

    static Stream<Arguments> badArguments() {
        return Stream.of(
                bad("image size", b -> b.optImageSize(0, 100)),
                bad("image size", b -> b.optImageSize(100, 9000)),
                bad("age range", b -> b.optAgeRange(-1, 10)),
                bad("age range", b -> b.optAgeRange(20, 10)),
                bad("age range", b -> b.optAgeRange(0, 229)),
                bad("sex", b -> b.optSex(null)),
                bad("finger spread", b -> b.optFingerSpread(-0.1, 0.5)),
                bad("finger curl", b -> b.optFingerCurl(0.5, 1.5)),
                bad("rotation", b -> b.optRotationRange(-190, 0)),
                bad("rotation", b -> b.optRotationRange(10, -10)),
                bad("rotation", b -> b.optRotationRange(Double.NaN, 0)),
                bad("scale", b -> b.optScaleRange(0, 1)),
                bad("scale", b -> b.optScaleRange(0.5, 1.2)),
                bad("translation", b -> b.optTranslation(1.5)),
                bad("flip probability", b -> b.optFlipProbability(-0.1)),
                bad("inversion probability", b -> b.optInversionProbability(Double.NaN)),
                bad("marker probability", b -> b.optMarkerProbability(2)),
                bad("frame probability", b -> b.optFrameProbability(-1)),
                bad("background", b -> b.optBackgroundRange(0.2, 0.6)),
                bad("contrast", b -> b.optContrastRange(0, 0.5)),
                bad("gamma", b -> b.optGammaRange(0.1, 1)),
                bad("noise", b -> b.optNoiseRange(0, 0.6)),
                bad("blur", b -> b.optBlurRange(-1, 1)),
                bad("bit depth", b -> b.optBitDepth(7)),
                bad("bit depth", b -> b.optBitDepth(17)),
                bad("region", b -> b.optAgeSignalRegion(null)),
                bad("fixed age", b -> b.optAgeSignalRegion(AgeSignalRegion.CARPALS, 300)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badArguments")
    void badArgumentsAreRejectedWithAMessageNamingTheSetting(String setting,
            Consumer<SyntheticHandGenerator.Builder> call) {
        assertThatThrownBy(() -> call.accept(SyntheticHandGenerator.builder()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(setting);
    }

    @Test
    void messagesShowTheRejectedValues() {
        assertThatThrownBy(() -> SyntheticHandGenerator.builder().optAgeRange(20, 10))
                .hasMessage("age range must satisfy 0 <= min <= max <= 228 months, got [20, 10]");
        assertThatThrownBy(() -> SyntheticHandGenerator.builder().optRotationRange(0, 200))
                .hasMessage("rotation (degrees) range must satisfy -180 <= min <= max <= 180, got [0, 200]");
    }

    @Test
    void seedIsRequired() {
        assertThatThrownBy(() -> SyntheticHandGenerator.builder().build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("setSeed");
    }

    @Test
    void negativeCountIsRejected() {
        SyntheticHandGenerator generator = SyntheticHandGenerator.builder().setSeed(1).build();
        assertThatThrownBy(() -> generator.generate(-1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("-1");
    }

    @Test
    void boundaryValuesAreAccepted() {
        assertThatCode(() -> SyntheticHandGenerator.builder()
                .setSeed(-1)
                .optImageSize(32, 32)
                .optAgeRange(0, 0)
                .optAgeRange(228, 228)
                .optSex(Sex.FEMALE)
                .optSex(Sex.UNKNOWN)
                .optRotationRange(-180, 180)
                .optScaleRange(1, 1)
                .optTranslation(0)
                .optFlipProbability(1)
                .optBitDepth(16)
                .optBitDepth(8)
                .optAgeSignalRegion(AgeSignalRegion.PHALANGES, 0)
                .build()
                .generate(Long.MIN_VALUE)).doesNotThrowAnyException();
    }
}

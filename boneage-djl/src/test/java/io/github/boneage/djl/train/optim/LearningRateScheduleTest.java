package io.github.boneage.djl.train.optim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class LearningRateScheduleTest {

    @Test
    void stepIsCaffesStepPolicy() {
        LearningRateSchedule s = LearningRateSchedule.step(800, 0.1);
        assertThat(s.factor(0, 3000)).isEqualTo(1.0);
        assertThat(s.factor(799, 3000)).isEqualTo(1.0);
        assertThat(s.factor(800, 3000)).isCloseTo(0.1, within(1e-12));
        assertThat(s.factor(1600, 3000)).isCloseTo(0.01, within(1e-12));
        assertThat(s.factor(2999, 3000)).isCloseTo(0.001, within(1e-12));
    }

    @Test
    void cosineGoesFromOneToTheFloor() {
        LearningRateSchedule s = LearningRateSchedule.cosine(0.01);
        assertThat(s.factor(0, 101)).isCloseTo(1.0, within(1e-12));
        assertThat(s.factor(50, 101)).isCloseTo(0.505, within(1e-12));
        assertThat(s.factor(100, 101)).isCloseTo(0.01, within(1e-12));
    }

    @Test
    void oneCyclePeaksAtItsFraction() {
        LearningRateSchedule s = LearningRateSchedule.oneCycle(0.3);
        assertThat(s.factor(0, 1001)).isCloseTo(0.04, within(1e-9));
        assertThat(s.factor(300, 1001)).isCloseTo(1.0, within(1e-9));
        assertThat(s.factor(1000, 1001)).isCloseTo(0.04 / 1e4, within(1e-12));
        assertThat(s.factor(150, 1001)).isBetween(0.04, 1.0);
    }

    @Test
    void warmupRampsLinearly() {
        LearningRateSchedule s = LearningRateSchedule.constant().withWarmup(4);
        assertThat(s.factor(0, 10)).isEqualTo(0.25);
        assertThat(s.factor(3, 10)).isEqualTo(1.0);
        assertThat(s.factor(9, 10)).isEqualTo(1.0);
    }

    @Test
    void rejectsUnknownPoliciesAndBadSteps() {
        assertThatThrownBy(() -> new LearningRateSchedule("poly", 0, 0, 0, 0, 0)).hasMessageContaining("poly");
        assertThatThrownBy(() -> LearningRateSchedule.step(0, 0.1)).hasMessageContaining("stepSize");
    }
}

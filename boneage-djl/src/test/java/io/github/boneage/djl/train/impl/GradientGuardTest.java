package io.github.boneage.djl.train.impl;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import io.github.boneage.djl.train.net.BoneAgeNetwork;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Non-finite gradients are seen (with a finite loss too) and discarding them leaves zeros. */
class GradientGuardTest {

    @Test
    void seesANaNGradientBehindAFiniteLossAndDiscardsIt() {
        Engine engine = BoneAgeNetwork.engine();
        try (NDManager manager = engine.newBaseManager()) {
            NDArray ok = manager.create(new float[] {1f, 2f, 3f});
            NDArray bad = manager.create(new float[] {0f, 4f});
            ok.setRequiresGradient(true);
            bad.setRequiresGradient(true);
            List<NDArray> weights = List.of(ok, bad);
            try (GradientCollector gc = engine.newGradientCollector()) {
                // sqrt has an infinite derivative at 0; multiplied by 0 it makes a NaN gradient, the loss stays finite.
                NDArray loss = ok.square().sum().add(bad.sqrt().mul(manager.create(new float[] {0f, 1f})).sum());
                gc.backward(loss);
                assertThat(Float.isFinite(loss.getFloat())).isTrue();
            }
            assertThat(ok.getGradient().toFloatArray()).containsExactly(2f, 4f, 6f);
            assertThat(Float.isNaN(bad.getGradient().toFloatArray()[0])).isTrue();
            assertThat(GradientGuard.allFinite(weights)).isFalse();

            GradientGuard.discard(weights);
            assertThat(ok.getGradient().toFloatArray()).containsOnly(0f);
            assertThat(bad.getGradient().toFloatArray()).containsOnly(0f);
            assertThat(GradientGuard.allFinite(weights)).isTrue();
        }
    }

    @Test
    void noWeightsAreFinite() {
        assertThat(GradientGuard.allFinite(List.of())).isTrue();
    }
}

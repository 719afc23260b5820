package io.github.boneage.djl.impl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.ParameterStore;
import com.sun.jna.Platform;
import io.github.boneage.djl.OfflineMode;
import org.junit.jupiter.api.Test;

/** The cap on libtorch's oneDNN kernels reaches the native environment, and PyTorch convolutions still run under it. */
class OneDnnIsaTest {

    @Test
    void offlineModeSetsTheCapInTheNativeEnvironmentUnlessTheUserChoseOne() {
        assumeTrue(!Platform.isWindows(), "the cap is set through POSIX setenv");
        OfflineMode.enforce();
        String own = System.getenv(OneDnnIsa.VARIABLE);
        String expected = own != null && !own.isBlank() ? own
                : System.getProperty(OneDnnIsa.PROPERTY, OneDnnIsa.DEFAULT_ISA).toUpperCase(java.util.Locale.ROOT);
        assumeTrue(!expected.equals("ALL"), "the build asked for no cap");
        assertThat(OneDnnIsa.apply()).isEqualTo(expected);
        assertThat(OneDnnIsa.nativeValue()).isEqualTo(expected);
        assertThat(OneDnnIsa.describe()).isEqualTo(expected);
        // Java's own view of the environment is a copy taken at start: only native code sees the new value.
        assertThat(System.getenv(OneDnnIsa.VARIABLE)).isEqualTo(own);
    }

    @Test
    void theUsersChoiceWinsAndAnUnknownValueKeepsTheCap() {
        assertThat(OneDnnIsa.wanted(null, null)).isEqualTo("AVX2");
        assertThat(OneDnnIsa.wanted("", null)).isEqualTo("AVX2");
        assertThat(OneDnnIsa.wanted("AVX512_CORE", "SSE41")).as("the environment's own value is left alone").isEmpty();
        assertThat(OneDnnIsa.wanted(null, "all")).as("every kernel: nothing set").isEmpty();
        assertThat(OneDnnIsa.wanted(null, "DEFAULT")).isEmpty();
        assertThat(OneDnnIsa.wanted(null, " avx512_core_bf16 ")).isEqualTo("AVX512_CORE_BF16");
        assertThat(OneDnnIsa.wanted(null, "avx3")).as("oneDNN would ignore it and use every kernel").isEqualTo("AVX2");
    }

    @Test
    void aConvolutionRunsAndIsRepeatableUnderTheCap() {
        OfflineMode.enforce();
        try (Model model = Model.newInstance("isa", "PyTorch"); NDManager m = model.getNDManager().newSubManager()) {
            Conv2d conv = Conv2d.builder().setKernelShape(new Shape(3, 3)).optPadding(new Shape(1, 1)).setFilters(16).build();
            conv.initialize(m, ai.djl.ndarray.types.DataType.FLOAT32, new Shape(1, 24, 32, 32));
            NDArray x = m.randomNormal(new Shape(1, 24, 32, 32));
            ParameterStore ps = new ParameterStore(m, false);
            float[] first = conv.forward(ps, new NDList(x), false).singletonOrThrow().toFloatArray();
            for (int i = 0; i < 50; i++) {
                float[] again = conv.forward(ps, new NDList(x), false).singletonOrThrow().toFloatArray();
                assertThat(again).containsExactly(first);
            }
            for (float v : first) {
                assertThat(v).isFinite();
            }
        }
    }
}

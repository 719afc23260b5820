package io.github.boneage.djl.impl;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/** libtorch's C++ log level: parsed like PyTorch's TORCH_CPP_LOG_LEVEL, and really set in the loaded libc10. */
class TorchLogLevelTest {

    @AfterEach
    void clear() {
        System.clearProperty(TorchLogLevel.PROPERTY);
    }

    @Test
    void levelsParseLikePyTorchAndDefaultToError() {
        if (System.getenv(TorchLogLevel.VARIABLE) == null) {
            assertThat(TorchLogLevel.level()).isEqualTo(2);
        }
        String[][] cases = {{"INFO", "0"}, {"warning", "1"}, {" Error ", "2"}, {"FATAL", "3"}, {"0", "0"}, {"1", "1"},
            {"3", "3"}, {"loud", "2"}};
        for (String[] c : cases) {
            System.setProperty(TorchLogLevel.PROPERTY, c[0]);
            assertThat(TorchLogLevel.level()).as(c[0]).isEqualTo(Integer.parseInt(c[1]));
        }
    }

    /** The flag is found in the libc10 the PyTorch engine loaded (the default level, 2, unless the run set another). */
    @Test
    @EnabledOnOs(OS.LINUX)
    void itIsSetInTheLoadedLibtorch() {
        Engines.require("test", "PyTorch");
        assertThat(Engine.hasEngine("PyTorch")).isTrue();
        assertThat(TorchLogLevel.apply()).isEqualTo(TorchLogLevel.level()).isBetween(0, 3);
    }
}

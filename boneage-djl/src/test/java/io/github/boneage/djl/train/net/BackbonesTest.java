package io.github.boneage.djl.train.net;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Model;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** DJL's model-zoo networks lose their classifier and end in pooled features of the documented width. */
class BackbonesTest {

    @ParameterizedTest
    @CsvSource({"SMALL_CNN, 64, 128", "RESNET18, 64, 512", "RESNET50, 64, 2048", "GOOGLENET, 96, 1024", "ALEXNET, 224, 4096",
        "MOBILENET_V2, 64, 1280"})
    void scratchBackbonesEndInPooledFeatures(Architecture architecture, int size, long features) {
        BoneAgeNetwork.engine();
        Block block = Backbones.scratch(architecture, 3, size);
        try (Model model = Model.newInstance("shape", BoneAgeNetwork.ENGINE); NDManager manager = model.getNDManager().newSubManager()) {
            model.setBlock(block);
            block.initialize(manager, DataType.FLOAT32, new Shape(2, 3, size, size));
            Shape out = block.getOutputShapes(new Shape[] {new Shape(2, 3, size, size)})[0];
            assertThat(out).isEqualTo(new Shape(2, features));
        }
    }
}

package io.github.boneage.djl.train.net;

import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.basicmodelzoo.cv.classification.AlexNet;
import ai.djl.basicmodelzoo.cv.classification.GoogLeNet;
import ai.djl.basicmodelzoo.cv.classification.MobileNetV2;
import ai.djl.basicmodelzoo.cv.classification.ResNetV1;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.pooling.Pool;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ModelNotFoundException;
import ai.djl.repository.zoo.ZooModel;
import io.github.boneage.core.BoneAgeException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** Builds feature extractors: DJL's model-zoo networks without their classifier, our small CNN, or TorchScript files. */
final class Backbones {

    private Backbones() {
    }

    /**
     * @param architecture any architecture except {@link Architecture#TORCHSCRIPT}
     * @param channels     input channels
     * @param inputSize    input side length (ResNetV1 chooses its stem from it)
     * @return a randomly initializable feature extractor ending in pooled features
     */
    static Block scratch(Architecture architecture, int channels, int inputSize) {
        Shape image = new Shape(channels, inputSize, inputSize);
        return switch (architecture) {
            case SMALL_CNN -> smallCnn();
            case RESNET18 -> withoutClassifier(ResNetV1.builder().setNumLayers(18).setImageShape(image).setOutSize(1).build());
            case RESNET34 -> withoutClassifier(ResNetV1.builder().setNumLayers(34).setImageShape(image).setOutSize(1).build());
            case RESNET50 -> withoutClassifier(ResNetV1.builder().setNumLayers(50).setImageShape(image).setOutSize(1).build());
            case GOOGLENET -> withoutClassifier(GoogLeNet.builder().setOutSize(1).build());
            case ALEXNET -> withoutClassifier(AlexNet.builder().setOutSize(1).build());
            case MOBILENET_V2 -> withoutClassifier(MobileNetV2.builder().setOutSize(1).build());
            case TORCHSCRIPT -> throw new IllegalArgumentException("a TorchScript backbone is loaded from a file, not built");
        };
    }

    /**
     * Copies a model-zoo classifier's children up to (not including) its last linear or convolutional layer, which is
     * the ImageNet-style classifier; global pooling stays, so the result ends in pooled features.
     */
    private static Block withoutClassifier(Block classifier) {
        List<Block> children = classifier.getChildren().values();
        int last = -1;
        for (int i = 0; i < children.size(); i++) {
            Block child = children.get(i);
            if (child instanceof Linear || child instanceof Conv2d) {
                last = i;
            }
        }
        if (last <= 0) {
            throw new IllegalStateException("cannot find the classifier layer of " + classifier.getClass().getSimpleName());
        }
        SequentialBlock features = new SequentialBlock();
        for (int i = 0; i < last; i++) {
            features.add(children.get(i));
        }
        return features.add(Blocks.batchFlattenBlock());
    }

    /** Four conv-BN-ReLU-maxpool stages (16, 32, 64, 128 channels), then global average pooling: 128 features. */
    private static Block smallCnn() {
        SequentialBlock net = new SequentialBlock();
        for (int channels : new int[] {16, 32, 64, 128}) {
            net.add(Conv2d.builder().setFilters(channels).setKernelShape(new Shape(3, 3)).optPadding(new Shape(1, 1)).optBias(false).build())
                    .add(BatchNorm.builder().build())
                    .add(Activation.reluBlock())
                    .add(Pool.maxPool2dBlock(new Shape(2, 2), new Shape(2, 2)));
        }
        return net.add(Pool.globalAvgPool2dBlock()).add(Blocks.batchFlattenBlock());
    }

    /**
     * Loads a TorchScript feature extractor into its own model, so its native module lives as long as that model.
     *
     * @param file      the {@code .pt} file
     * @param trainable whether its parameters get gradients (fine-tuning) or stay frozen (inference)
     * @return the model holding the backbone block ({@code model.getBlock()})
     */
    static Model loadTorchScript(Path file, boolean trainable) {
        Model model = Model.newInstance("backbone", BoneAgeNetwork.ENGINE);
        try {
            model.load(file, null, Map.of("trainParam", Boolean.toString(trainable)));
            return model;
        } catch (IOException | MalformedModelException | RuntimeException e) {
            model.close();
            throw new BoneAgeException("cannot load TorchScript backbone " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Fetches a TorchScript feature extractor from a DJL model-zoo URL (online only).
     *
     * @param url the model URL
     * @return the model holding the backbone block, with trainable parameters
     */
    static Model loadFromUrl(String url) {
        Criteria<NDList, NDList> criteria = Criteria.builder()
                .setTypes(NDList.class, NDList.class)
                .optModelUrls(url)
                .optEngine(BoneAgeNetwork.ENGINE)
                .optOption("trainParam", "true")
                .build();
        try {
            ZooModel<NDList, NDList> model = criteria.loadModel();
            return model;
        } catch (IOException | ModelNotFoundException | MalformedModelException e) {
            throw new BoneAgeException("cannot load backbone from " + url + ": " + e.getMessage(), e);
        }
    }
}

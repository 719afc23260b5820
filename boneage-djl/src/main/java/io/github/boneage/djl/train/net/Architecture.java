package io.github.boneage.djl.train.net;

import java.util.Locale;

/**
 * Backbone architectures the trainer can build or load. Each one ends in pooled features ({@code [N, F]}); the bone-age
 * head is added on top by {@link BoneAgeNetwork}.
 */
public enum Architecture {
    /** A small conv-BN-ReLU network of our own (four stages, 128 features): fast, for tests and quick experiments. */
    SMALL_CNN("small-cnn"),
    /** DJL's ResNetV1 with 18 layers (not identical to torchvision's ResNet-18; see docs/training.md). */
    RESNET18("resnet18"),
    /** DJL's ResNetV1 with 34 layers. */
    RESNET34("resnet34"),
    /** DJL's ResNetV1 with 50 layers (bottleneck units), as in the 2020 paper. */
    RESNET50("resnet50"),
    /** DJL's GoogLeNet (Inception v1 without the auxiliary classifiers), the 2020 paper's best network. */
    GOOGLENET("googlenet"),
    /** DJL's AlexNet; features are fc7's 4096 outputs, so the head plays the role of CaffeNet's fc8 (2018 paper). */
    ALEXNET("alexnet"),
    /** DJL's MobileNetV2 (1280 features). */
    MOBILENET_V2("mobilenetv2"),
    /** A TorchScript feature extractor loaded from a file, e.g. exported by {@code tools/export_backbone.py}. */
    TORCHSCRIPT("torchscript");

    private final String label;

    Architecture(String label) {
        this.label = label;
    }

    /** @return the lower-case name used in manifests, reports and CLI flags */
    public String label() {
        return label;
    }

    /**
     * @param text a label such as {@code resnet50} (case-insensitive; {@code _} and {@code -} are interchangeable)
     * @return the architecture
     * @throws IllegalArgumentException naming the text and the accepted labels when it matches none
     */
    public static Architecture fromLabel(String text) {
        String wanted = text == null ? "" : text.trim().toLowerCase(Locale.ROOT).replace('_', '-');
        for (Architecture a : values()) {
            if (a.label.equals(wanted) || a.label.equals(wanted.replace("-", ""))) {
                return a;
            }
        }
        StringBuilder known = new StringBuilder();
        for (Architecture a : values()) {
            known.append(known.length() == 0 ? "" : ", ").append(a.label);
        }
        throw new IllegalArgumentException("unknown architecture '" + text + "' (expected one of " + known + ")");
    }
}

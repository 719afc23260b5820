package io.github.boneage.djl.train.impl;

import io.github.boneage.djl.train.TrainingProgressListener;
import io.github.boneage.djl.train.TrainingSettings;
import io.github.boneage.djl.train.data.ImageCache;
import io.github.boneage.djl.train.data.TensorWriter;
import io.github.boneage.djl.train.net.BackboneSpec;
import io.github.boneage.djl.train.net.NetworkSpec;
import java.nio.file.Path;
import java.util.List;

/**
 * Everything one network's training needs.
 *
 * @param name              the network's name ({@code all}, {@code male}, {@code female})
 * @param spec              what to build
 * @param backbone          where the backbone's weights come from
 * @param settings          the solver and schedule
 * @param cache             the prepared images
 * @param writer            writes tensors from cached images
 * @param trainMembers      cache indices of the training images
 * @param trainLabels       their targets, {@code labelWidth} each
 * @param labelWidth        targets per image
 * @param trainAux          their auxiliary inputs, {@code spec.auxiliaryInputs()} each
 * @param validationMembers cache indices of the validation images
 * @param validationAges    their reference ages in months
 * @param validationAux     their auxiliary inputs
 * @param checkpointDir     this network's checkpoint folder
 * @param resume            whether to continue from a checkpoint found there
 * @param fingerprint       identifies the run (data and settings)
 * @param listeners         progress listeners
 */
public record NetworkJob(
        String name,
        NetworkSpec spec,
        BackboneSpec backbone,
        TrainingSettings settings,
        ImageCache cache,
        TensorWriter writer,
        int[] trainMembers,
        float[] trainLabels,
        int labelWidth,
        float[] trainAux,
        int[] validationMembers,
        double[] validationAges,
        float[] validationAux,
        Path checkpointDir,
        boolean resume,
        String fingerprint,
        List<TrainingProgressListener> listeners) {
}

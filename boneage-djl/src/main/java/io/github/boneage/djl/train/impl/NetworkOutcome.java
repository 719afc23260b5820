package io.github.boneage.djl.train.impl;

import io.github.boneage.djl.train.TrainingReport.NetworkReport;
import java.nio.file.Path;

/**
 * A trained network.
 *
 * @param report                its report
 * @param weights               the folder holding the kept weights ({@code BoneAgeNetwork.save} layout)
 * @param validationPredictions the kept weights' predictions on the validation images, in months
 */
public record NetworkOutcome(NetworkReport report, Path weights, double[] validationPredictions) {
}

/**
 * Calibrated uncertainty for any {@link io.github.boneage.core.BoneAgeEstimator}: test-time augmentation
 * ({@link io.github.boneage.clinical.uncertainty.TestTimeAugmentation}, {@link
 * io.github.boneage.clinical.uncertainty.TtaPredictor}), a split-conformal interval fitted on held-out labelled
 * radiographs ({@link io.github.boneage.clinical.uncertainty.IntervalCalibrator}, stored as
 * {@link io.github.boneage.clinical.uncertainty.UncertaintyCalibration} JSON beside the model), and the estimator that
 * puts them together ({@link io.github.boneage.clinical.uncertainty.UncertaintyEstimator}).
 */
package io.github.boneage.clinical.uncertainty;

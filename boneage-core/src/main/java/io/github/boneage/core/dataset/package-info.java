/**
 * Labelled radiograph datasets ({@link io.github.boneage.core.dataset.RsnaDataset}, the RSNA challenge format) and
 * reproducible training/validation splits ({@link io.github.boneage.core.dataset.FractionSplit},
 * {@link io.github.boneage.core.dataset.PerSexCountSplit}, recorded as {@link io.github.boneage.core.dataset.DatasetSplit}).
 */
package io.github.boneage.core.dataset;

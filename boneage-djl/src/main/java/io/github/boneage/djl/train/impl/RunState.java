package io.github.boneage.djl.train.impl;

import io.github.boneage.djl.train.EpochRecord;
import io.github.boneage.djl.train.TrainingReport.NetworkReport;
import java.util.List;

/**
 * A network's training state at a checkpoint: everything besides the weights and optimizer moments that the loop
 * needs to continue as if it had never stopped. Stored as {@code state.json} in the network's checkpoint folder.
 *
 * @param fingerprint                   identifies the run's data and settings; a different run refuses to resume from it
 * @param nextStep                      the first iteration still to run
 * @param checkpointFolder              the folder (relative to the network's checkpoint folder) with the weights and moments
 * @param history                       validation records so far
 * @param bestMad                       the best validation MAD so far ({@code NaN} before the first validation)
 * @param bestCcc                       its CCC
 * @param bestStep                      iterations completed at the best validation
 * @param bestPredictions               validation predictions of the best weights, in validation order
 * @param validationsWithoutImprovement validations since the best one
 * @param lossSinceRecord               summed training loss since the last validation record
 * @param stepsSinceRecord              iterations since the last validation record
 * @param trainSeconds                  seconds spent in training iterations so far
 * @param trainImages                   images trained on so far
 * @param wallSeconds                   seconds since the network started, all sessions together
 * @param loaderWaitSeconds             seconds the loop waited for batches so far
 * @param finished                      the report once the network is done (then nothing else is used)
 */
public record RunState(
        String fingerprint,
        int nextStep,
        String checkpointFolder,
        List<EpochRecord> history,
        double bestMad,
        double bestCcc,
        int bestStep,
        double[] bestPredictions,
        int validationsWithoutImprovement,
        double lossSinceRecord,
        int stepsSinceRecord,
        double trainSeconds,
        long trainImages,
        double wallSeconds,
        double loaderWaitSeconds,
        NetworkReport finished) {
}

package io.github.boneage.spark;

/**
 * What one scoring run did.
 *
 * @param runId    the run's id: its rows carry it in {@link ScoreSchema#RUN_ID}, and its output lies under
 *                 {@code parquet/run_id=<runId>} and {@code csv/run_id=<runId>}
 * @param listed   inputs listed (files, table rows and listing problems)
 * @param skipped  inputs already scored with this model by an earlier run (resume), not scored again
 * @param scored   rows this run wrote: {@code listed - skipped}
 * @param failed   of those, rows with an error (every input gets a row; none is dropped)
 * @param seconds  wall time of the run, listing and writing included
 * @param output   the output folder
 * @param model    the model's name
 * @param digest   the model's weights digest
 */
public record ScoringSummary(String runId, long listed, long skipped, long scored, long failed, double seconds,
        String output, String model, String digest) {

    @Override
    public String toString() {
        return String.format(java.util.Locale.ROOT,
                "run %s: %d listed, %d already scored (skipped), %d scored (%d with an error) in %.1f s with %s [%s] -> %s",
                runId, listed, skipped, scored, failed, seconds, model, digest, output);
    }
}

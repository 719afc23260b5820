package io.github.boneage.cli;

import io.github.boneage.djl.train.EpochRecord;
import io.github.boneage.djl.train.StepProgress;
import io.github.boneage.djl.train.TrainingProgressListener;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * A console progress bar per trained network (epoch, loss, last validation MAD, ETA from the trainer's own estimate),
 * written to the command's error stream so that results on standard output stay clean. Also collects the images the
 * trainer had to skip, which make the command exit with {@link ExitCode#PARTIAL}.
 */
final class ConsoleProgress implements TrainingProgressListener, AutoCloseable {

    private final PrintWriter err;
    private final String label;
    private final boolean draw;
    private final List<String> skipped = new ArrayList<>();
    private ProgressBar bar;
    private volatile double etaSeconds = Double.NaN;
    private double lastValidationMad = Double.NaN;

    /**
     * @param err   where the bar is drawn
     * @param label prefix of the bar's task name (e.g. the experiment cell), or empty
     * @param draw  whether to draw bars at all ({@link Progress#wanted}); skipped images are collected either way
     */
    ConsoleProgress(PrintWriter err, String label, boolean draw) {
        this.err = err;
        this.label = label;
        this.draw = draw;
    }

    @Override
    public void onNetworkStart(String network, int firstStep, int totalSteps, int trainingImages, int validationImages) {
        close();
        lastValidationMad = Double.NaN;
        etaSeconds = Double.NaN;
        if (!draw) {
            return;
        }
        bar = new ProgressBarBuilder()
                .setTaskName((label.isEmpty() ? "" : label + " ") + network)
                .setInitialMax(totalSteps)
                .startsFrom(firstStep, Duration.ZERO)
                .setStyle(ProgressBarStyle.ASCII)
                .setUpdateIntervalMillis(500)
                .setEtaFunction(state -> Double.isFinite(etaSeconds)
                        ? Optional.of(Duration.ofSeconds(Math.round(etaSeconds))) : Optional.empty())
                .setConsumer(new Progress.LineConsumer(err))
                .build();
    }

    @Override
    public void onStep(StepProgress p) {
        if (bar == null) {
            return;
        }
        etaSeconds = p.etaSeconds();
        bar.stepTo(p.step() + 1L);
        bar.setExtraMessage(String.format(Locale.ROOT, "epoch %d loss %.4f%s", p.epoch() + 1, p.loss(),
                Double.isFinite(lastValidationMad) ? String.format(Locale.ROOT, " val MAD %.2f", lastValidationMad) : ""));
    }

    @Override
    public void onValidation(EpochRecord r) {
        lastValidationMad = r.validationMad();
    }

    @Override
    public void onImageSkipped(String imageId, String reason) {
        skipped.add(imageId + ": " + reason);
    }

    /** @return the images the trainer skipped, as {@code id: reason} */
    List<String> skipped() {
        return List.copyOf(skipped);
    }

    /** Finishes the current bar, leaving its last state on its own line. */
    @Override
    public void close() {
        if (bar != null) {
            bar.close();
            bar = null;
        }
    }
}

package io.github.boneage.cli;

import java.io.PrintWriter;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarConsumer;
import me.tongfei.progressbar.ProgressBarStyle;
import picocli.CommandLine.Model.CommandSpec;

/**
 * A progress bar over a known number of items (images), drawn on the command's error stream so that results on
 * standard output (JSON, CSV, tables) never contain it. Off unless {@link #wanted(CommandSpec)}: standard error is a
 * terminal (or {@code --progress} forces it) and {@code --quiet} is not given. When off, every method does nothing.
 */
final class Progress implements AutoCloseable {

    /** Redraw interval: often enough to look alive, rarely enough to cost nothing. */
    private static final int UPDATE_MILLIS = 500;

    private final ProgressBar bar;

    private Progress(ProgressBar bar) {
        this.bar = bar;
    }

    /**
     * @param spec  the running subcommand (its root carries {@code --quiet}, {@code --progress} and whether standard
     *              error is a terminal)
     * @param task  what is counted, e.g. {@code estimate}
     * @param total how many items
     * @return a bar on the command's error stream, or a silent one when progress is not wanted
     */
    static Progress start(CommandSpec spec, String task, long total) {
        if (!wanted(spec)) {
            return new Progress(null);
        }
        ProgressBar bar = new ProgressBarBuilder()
                .setTaskName(task)
                .setInitialMax(total)
                .setStyle(ProgressBarStyle.ASCII)
                .setUpdateIntervalMillis(UPDATE_MILLIS)
                .setConsumer(new LineConsumer(spec.commandLine().getErr()))
                .showSpeed()
                .build();
        return new Progress(bar);
    }

    /** @return a bar that draws nothing, for work too short to need one */
    static Progress none() {
        return new Progress(null);
    }

    /**
     * @param spec the running subcommand
     * @return whether progress should be drawn: not {@code --quiet}, and {@code --progress} or standard error is a
     *         terminal
     */
    static boolean wanted(CommandSpec spec) {
        Object root = spec.root().userObject();
        return root instanceof BoneAgeCli cli && cli.progressWanted();
    }

    /** @return whether a bar is being drawn (callers hold back their own stderr lines until {@link #close()}) */
    boolean active() {
        return bar != null;
    }

    /**
     * @param items how many more items are done
     */
    void stepBy(long items) {
        if (bar != null) {
            bar.stepBy(items);
        }
    }

    /** Draws the final state and ends its line. */
    @Override
    public void close() {
        if (bar != null) {
            bar.close();
        }
    }

    /** Redraws the bar in place with a carriage return; the final state ends with a line break. */
    static final class LineConsumer implements ProgressBarConsumer {
        private static final int WIDTH = 110;
        private final PrintWriter out;

        /** @param out where the bar is drawn (the command's error stream) */
        LineConsumer(PrintWriter out) {
            this.out = out;
        }

        @Override
        public int getMaxRenderedLength() {
            return WIDTH;
        }

        @Override
        public void accept(String rendered) {
            out.print('\r');
            out.print(rendered);
            out.flush();
        }

        @Override
        public void close() {
            out.println();
            out.flush();
        }
    }
}

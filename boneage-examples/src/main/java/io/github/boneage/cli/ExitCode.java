package io.github.boneage.cli;

/** The CLI's exit codes, the same for every subcommand. */
public final class ExitCode {

    /** Everything succeeded. */
    public static final int OK = 0;
    /** A command failed as a whole (unreadable model, bad input file for a single-input command). */
    public static final int FAILURE = 1;
    /** The command line itself is wrong (unknown option, missing argument, bad value). */
    public static final int USAGE = 2;
    /** Some inputs failed; each was reported with file and reason and the others were still processed. */
    public static final int PARTIAL = 3;

    private ExitCode() {
    }
}

package io.github.boneage.cli;

/** Runs the CLI in-process for tests outside this package (the CLI's classes are package-private). */
public final class CliTestAccess {

    private CliTestAccess() {
    }

    /**
     * What one run printed.
     *
     * @param exitCode the exit code
     * @param out      standard output
     * @param err      standard error
     */
    public record Result(int exitCode, String out, String err) {
    }

    /**
     * @param args the command line
     * @return what it printed and its exit code
     */
    public static Result run(String... args) {
        CliTest.Run r = CliTest.run(args);
        return new Result(r.exitCode(), r.out(), r.err());
    }
}

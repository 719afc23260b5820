package io.github.boneage.cli;

import io.github.boneage.core.BoneAgeException;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The {@code boneage} command line. Failures print one line naming the input and the reason; stack traces only with
 * {@code --verbose}.
 */
@Command(name = "boneage",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Estimate a child's bone age from hand radiographs.",
        subcommands = {EstimateCommand.class, EvaluateCommand.class, TrainCommand.class, CalibrateCommand.class,
            ExperimentCommand.class, LandmarksCommand.class, PreprocessCommand.class, SynthCommand.class,
            ExportCommand.class, EnsembleCommand.class, CommandLine.HelpCommand.class})
public final class BoneAgeCli {

    /** System property the launcher sets to {@code true} when standard error is a terminal ({@code [ -t 2 ]}). */
    static final String STDERR_TERMINAL_PROPERTY = "boneage.stderrIsTerminal";

    @Option(names = "--verbose", scope = CommandLine.ScopeType.INHERIT, description = "Print stack traces on failure.")
    boolean verbose;

    @Option(names = {"-q", "--quiet"}, scope = CommandLine.ScopeType.INHERIT,
            description = "No progress bars (they are drawn on stderr only when it is a terminal).")
    boolean quiet;

    @Option(names = "--progress", scope = CommandLine.ScopeType.INHERIT,
            description = "Draw progress bars on stderr even when it is not a terminal (e.g. into a log file).")
    boolean progress;

    /** Whether standard error is a terminal, as far as the JVM can tell; false when embedded or tested. */
    private final boolean stderrTerminal;

    private BoneAgeCli(boolean stderrTerminal) {
        this.stderrTerminal = stderrTerminal;
    }

    /** @return whether long-running commands draw progress bars: not {@code --quiet}; {@code --progress} or a terminal */
    boolean progressWanted() {
        return !quiet && (progress || stderrTerminal);
    }

    /**
     * Runs the CLI and exits the JVM with the command's exit code.
     *
     * @param args command-line arguments
     */
    public static void main(String[] args) {
        // Java cannot ask whether stderr alone is a terminal: the launcher can ([ -t 2 ]); else a console means one.
        String told = System.getProperty(STDERR_TERMINAL_PROPERTY);
        boolean terminal = told != null ? Boolean.parseBoolean(told) : System.console() != null;
        System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true), terminal));
    }

    /**
     * Runs the CLI without exiting, for tests and embedding; progress bars only with {@code --progress}.
     *
     * @param args the command line, as given to {@code main}
     * @param out where results and help go
     * @param err where errors and warnings go
     * @return the exit code ({@link ExitCode})
     */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        return run(args, out, err, false);
    }

    /**
     * Runs the CLI without exiting.
     *
     * @param args           command-line arguments
     * @param out            standard output
     * @param err            standard error
     * @param stderrTerminal whether {@code err} is a terminal (progress bars are drawn there by default only then)
     * @return the exit code ({@link ExitCode})
     */
    static int run(String[] args, PrintWriter out, PrintWriter err, boolean stderrTerminal) {
        BoneAgeCli root = new BoneAgeCli(stderrTerminal);
        CommandLine cli = new CommandLine(root);
        cli.setOut(out);
        cli.setErr(err);
        cli.setExitCodeExceptionMapper(e -> e instanceof CommandLine.ParameterException ? ExitCode.USAGE : ExitCode.FAILURE);
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            commandLine.getErr().println("boneage: " + describe(e));
            if (root.verbose) {
                e.printStackTrace(commandLine.getErr());
            }
            commandLine.getErr().flush();
            return ExitCode.FAILURE;
        });
        if (args.length == 0) {
            cli.usage(out);
            return ExitCode.USAGE;
        }
        return cli.execute(args);
    }

    /** One-line description of a failure: our exceptions already name the input; others get their type added. */
    static String describe(Throwable e) {
        if (e instanceof BoneAgeException || e instanceof IllegalArgumentException || e instanceof java.io.UncheckedIOException) {
            return e.getMessage();
        }
        String message = e.getMessage();
        return e.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }
}

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
        subcommands = {EstimateCommand.class, EvaluateCommand.class, TrainCommand.class, ExperimentCommand.class,
            LandmarksCommand.class, PreprocessCommand.class, SynthCommand.class, CommandLine.HelpCommand.class})
public final class BoneAgeCli {

    @Option(names = "--verbose", scope = CommandLine.ScopeType.INHERIT, description = "Print stack traces on failure.")
    boolean verbose;

    /**
     * Runs the CLI and exits the JVM with the command's exit code.
     *
     * @param args command-line arguments
     */
    public static void main(String[] args) {
        System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /**
     * Runs the CLI without exiting, for tests and embedding.
     *
     * @param args the command line, as given to {@code main}
     * @param out where results and help go
     * @param err where errors and warnings go
     * @return the exit code ({@link ExitCode})
     */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        BoneAgeCli root = new BoneAgeCli();
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

package io.github.boneage.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.boneage.cli.CliTest.Run;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Keeps docs/cli.md honest: runs every example of its {@code cli-doc-examples} block and checks the exit code against
 * the exit-code table and each listed stderr line against what the program prints. The two batch examples run the
 * shipped default model (a few seconds each).
 */
class CliDocTest {

    private static final Path DOC = Paths.get("..", "docs", "cli.md").toAbsolutePath().normalize();
    private static final Path SAMPLE = Paths.get("..", "samples", "synthetic-hand.png").toAbsolutePath().normalize();
    private static final Pattern EXIT = Pattern.compile("\\(exit (\\d)\\)");

    @TempDir
    static Path folder;

    /** One documented command: its arguments, the stderr lines it must print (prefixes) and its exit code. */
    record Example(String command, List<String> args, List<String> stderr, int exitCode) {
    }

    @BeforeAll
    static void makeTheDocumentedFolder() throws IOException {
        Files.copy(SAMPLE, folder.resolve("hand.png"));
        Files.writeString(folder.resolve("broken.png"), "not an image\n");
        Files.createDirectories(folder.resolve("empty"));
        Files.writeString(folder.resolve("cases.csv"), "file,gender\nhand.png,female\n");
        Files.writeString(folder.resolve("mixed.csv"),
                "file,sex,chronological_age_months\nhand.png,female,120\nhand.png,girl,100\nhand.png,female,300\n");
    }

    static List<Example> examples() throws IOException {
        String doc = Files.readString(DOC, StandardCharsets.UTF_8);
        int begin = doc.indexOf("<!-- cli-doc-examples:begin -->");
        int end = doc.indexOf("<!-- cli-doc-examples:end -->");
        assertThat(begin).as("docs/cli.md has the cli-doc-examples block").isPositive();
        assertThat(end).isGreaterThan(begin);
        List<Example> examples = new ArrayList<>();
        String command = null;
        List<String> lines = new ArrayList<>();
        for (String line : doc.substring(begin, end).lines().toList()) {
            Matcher exit = EXIT.matcher(line.strip());
            if (line.startsWith("$ ./boneage ")) {
                command = line.substring(2);
                lines = new ArrayList<>();
            } else if (exit.matches()) {
                assertThat(command).as("an (exit N) line follows a $ line").isNotNull();
                List<String> args = List.of(command.substring("./boneage ".length()).trim().split("\\s+"));
                examples.add(new Example(command, args, lines, Integer.parseInt(exit.group(1))));
                command = null;
            } else if (command != null && !line.isBlank()) {
                lines.add(line);
            }
        }
        return examples;
    }

    /** @return the argument with a documented file or folder name made absolute in the example folder */
    private static String inFolder(String arg) {
        if (arg.startsWith("-") || !(arg.contains(".") || Files.exists(folder.resolve(arg)))) {
            return arg;
        }
        return folder.resolve(arg).toString();
    }

    @Test
    void everyDocumentedExampleExitsAndPrintsAsDocumented() throws IOException {
        List<Example> examples = examples();
        assertThat(examples).as("documented examples").hasSizeGreaterThanOrEqualTo(8);
        assertThat(examples.stream().map(Example::exitCode).distinct().sorted().toList())
                .as("every failing exit code of the table has an example").containsExactly(1, 2, 3);
        for (Example e : examples) {
            Run r = CliTest.run(e.args().stream().map(CliDocTest::inFolder).toArray(String[]::new));
            String err = r.err().replace(folder + File.separator, "");
            assertThat(r.exitCode()).as("%s%nstderr: %s", e.command(), err).isEqualTo(e.exitCode());
            List<String> printed = err.lines().toList();
            for (String expected : e.stderr()) {
                String prefix = expected.endsWith("...") ? expected.substring(0, expected.length() - 3) : expected;
                assertThat(printed).as("%s: stderr line starting %s", e.command(), prefix)
                        .anySatisfy(line -> assertThat(line).startsWith(prefix));
                if (!expected.endsWith("...")) {
                    assertThat(printed).as("%s: stderr line %s (whole)", e.command(), expected).contains(expected);
                }
            }
        }
    }

    @Test
    void theExitCodeTableMatchesTheProgram() throws IOException {
        String doc = Files.readString(DOC, StandardCharsets.UTF_8);
        assertThat(doc).contains("| " + ExitCode.OK + " | everything succeeded |")
                .contains("| " + ExitCode.FAILURE + " | the command failed as a whole")
                .contains("| " + ExitCode.USAGE + " | usage error")
                .contains("| " + ExitCode.PARTIAL + " | some inputs failed");
    }
}

package io.github.boneage.cli;

import io.github.boneage.core.Sex;
import io.github.boneage.preprocess.io.PngWriter;
import io.github.boneage.synthetic.SyntheticDatasetCsv;
import io.github.boneage.synthetic.SyntheticHand;
import io.github.boneage.synthetic.SyntheticHandGenerator;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code boneage synth}: writes synthetic hand radiographs (no clinical meaning) in the RSNA layout, with their exact
 * landmarks, for demos and for trying the tools without real data.
 */
@Command(name = "synth",
        mixinStandardHelpOptions = true,
        description = {"Write synthetic hand radiographs (no clinical meaning) as an RSNA-format folder:",
            "OUT/images/<id>.png, OUT/boneage-training-dataset.csv and OUT/landmarks.csv (with fingertips)."})
final class SynthCommand implements Callable<Integer> {

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output folder (created).")
    Path out;

    @Option(names = "--count", defaultValue = "8", paramLabel = "N", description = "Number of images (default: ${DEFAULT-VALUE}).")
    int count;

    @Option(names = "--seed", defaultValue = "1", paramLabel = "S", description = "Generator seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--size", defaultValue = "512x640", paramLabel = "WxH", description = "Image size (default: ${DEFAULT-VALUE}).")
    String size;

    @Option(names = "--sex", paramLabel = "SEX", converter = Converters.SexConverter.class,
            description = "male or female for all images (default: drawn per image).")
    Sex sex;

    @Option(names = "--bit-depth", defaultValue = "8", paramLabel = "B",
            description = "8, or 9..16 for 16-bit PNGs with that many significant bits (default: ${DEFAULT-VALUE}).")
    int bitDepth;

    @Override
    public Integer call() throws IOException {
        if (count < 1) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--count must be >= 1, got " + count);
        }
        String[] wh = size.toLowerCase(java.util.Locale.ROOT).split("x");
        if (wh.length != 2) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--size must look like 512x640, got " + size);
        }
        SyntheticHandGenerator.Builder builder;
        try {
            builder = SyntheticHandGenerator.builder().setSeed(seed)
                    .optImageSize(Integer.parseInt(wh[0]), Integer.parseInt(wh[1]))
                    .optBitDepth(bitDepth);
            if (sex != null) {
                builder.optSex(sex);
            }
        } catch (IllegalArgumentException e) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        List<SyntheticHand> hands = builder.build().generate(count);
        Path images = Files.createDirectories(out.resolve("images"));
        for (SyntheticHand hand : hands) {
            PngWriter.write(hand.image(), images.resolve(SyntheticDatasetCsv.id(hand) + ".png"));
        }
        try (Writer w = Files.newBufferedWriter(out.resolve("boneage-training-dataset.csv"), StandardCharsets.UTF_8)) {
            SyntheticDatasetCsv.writeLabels(w, hands);
        }
        try (Writer w = Files.newBufferedWriter(out.resolve("landmarks.csv"), StandardCharsets.UTF_8)) {
            SyntheticDatasetCsv.writeLandmarks(w, hands);
        }
        spec.commandLine().getOut().printf("wrote %d synthetic hands to %s%n", hands.size(), out);
        return ExitCode.OK;
    }
}

package io.github.boneage.cli;

import io.github.boneage.core.HandLandmarks;
import io.github.boneage.core.QualityGateException;
import io.github.boneage.core.RoiScheme;
import io.github.boneage.core.image.GreyImage;
import io.github.boneage.djl.EnsembleBundle;
import io.github.boneage.djl.ModelBundle;
import io.github.boneage.core.landmarks.LandmarkDetection;
import io.github.boneage.preprocess.EqualizerSpec;
import io.github.boneage.preprocess.PreparedImage;
import io.github.boneage.preprocess.PreprocessSpec;
import io.github.boneage.preprocess.Preprocessor;
import io.github.boneage.preprocess.io.ImageDecoder;
import io.github.boneage.preprocess.io.PngWriter;
import io.github.boneage.djl.landmarks.LandmarkDetectors;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code boneage preprocess}: writes one image exactly as a model would see it (grey, before tensor normalization).
 * The ROI, equalizer, size and channels are the model's ({@code --model}, default: the shipped default model), so that
 * by default the picture is what {@code estimate} feeds the default model; {@code --roi}, {@code --equalizer} and
 * {@code --size} override them one by one.
 */
@Command(name = "preprocess",
        mixinStandardHelpOptions = true,
        description = {"Write IMAGE as the model sees it: ROI crop, equalization and resize (grey, before normalization).",
            "ROI, equalizer, size and channels come from the model's manifest (--model, default: the shipped default "
                    + "model); --roi, --equalizer and --size override them."})
final class PreprocessCommand implements Callable<Integer> {

    /** The {@code --landmarks} value that asks for automatic detection instead of a file. */
    static final String AUTO = "auto";

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "IMAGE", description = "PNG or JPEG radiograph.")
    Path image;

    @Option(names = "--out", required = true, paramLabel = "OUT.png", description = "Where to write the PNG.")
    Path out;

    @Option(names = "--model", paramLabel = "BUNDLE",
            description = "Take the preprocessing from this model bundle (folder or zip; default: the shipped default model).")
    Path model;

    @Option(names = "--roi", paramLabel = "SCHEME", converter = Converters.RoiConverter.class,
            description = "whole, roi1, roi2 or roi3 (default: the model's). roi1/roi2 need --landmarks (a file or auto).")
    RoiScheme roi;

    @Option(names = "--landmarks", paramLabel = "FILE",
            description = "Landmarks CSV (see docs/landmarks.md); the row whose id is IMAGE's name without extension is used. "
                    + "'auto' detects them on IMAGE (fails if the quality gate rejects it).")
    Path landmarks;

    @Option(names = "--equalizer", paramLabel = "METHOD", converter = Converters.EqualizerConverter.class,
            description = "none, histeq, histeq-matlab or clahe (default: the model's).")
    EqualizerSpec equalizer;

    @Option(names = "--size", paramLabel = "N",
            description = "Output side length in pixels; 0 keeps the crop's own size (default: the model's).")
    Integer size;

    @Override
    public Integer call() {
        if (size != null && size < 0) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--size must be >= 0, got " + size);
        }
        // The model is read only when it decides something: all three flags given (and no --model) need no model.
        PreprocessSpec base;
        String from;
        if (model != null || roi == null || equalizer == null || size == null) {
            Path bundle = ModelLocator.resolve(model);
            if (EnsembleBundle.isEnsemble(bundle)) {
                throw new picocli.CommandLine.ParameterException(spec.commandLine(), ensembleMessage(bundle));
            }
            try (ModelBundle b = ModelBundle.load(bundle)) {
                base = b.manifest().preprocessing();
                from = "model " + b.manifest().name();
            }
        } else {
            base = new PreprocessSpec(roi, equalizer, size, 1, new double[] {0}, new double[] {1});
            from = "the flags";
        }
        PreprocessSpec preprocessSpec = new PreprocessSpec(roi != null ? roi : base.roi(),
                equalizer != null ? equalizer : base.equalizer(), size != null ? size : base.size(), base.channels(),
                base.mean(), base.std());
        GreyImage decoded = ImageDecoder.create().decode(image);
        HandLandmarks handLandmarks;
        if (landmarks == null) {
            handLandmarks = null;
        } else if (landmarks.toString().equals(AUTO)) {
            LandmarkDetection detection = LandmarkDetectors.defaultDetector().detect(decoded, image.toString());
            if (!detection.ok()) {
                throw new QualityGateException(image.toString(), detection);
            }
            handLandmarks = detection.landmarks().orElseThrow();
        } else {
            handLandmarks = Inputs.landmarksFor(landmarks, image, decoded.width(), decoded.height());
        }
        PreparedImage prepared = new Preprocessor(preprocessSpec).prepare(decoded, handLandmarks);
        PngWriter.write(prepared.image(), out);
        RoiScheme usedRoi = preprocessSpec.roi();
        spec.commandLine().getOut().printf("%s: %s %dx%d from ROI %s (x=%d y=%d %dx%d), equalizer %s, %d channel%s in the "
                        + "tensor (settings of %s) -> %s%n",
                image, usedRoi.label(), prepared.image().width(), prepared.image().height(), usedRoi.label(),
                prepared.roi().x(), prepared.roi().y(), prepared.roi().width(), prepared.roi().height(),
                preprocessSpec.equalizer().method(), preprocessSpec.channels(), preprocessSpec.channels() == 1 ? "" : "s",
                from, out);
        return ExitCode.OK;
    }

    /**
     * An ensemble's members each see their own picture, so one output cannot be "what the model sees": the message lists
     * them with their regions and names a member folder to give instead.
     */
    private static String ensembleMessage(Path ensemble) {
        List<EnsembleBundle.MemberEntry> entries = EnsembleBundle.read(ensemble).members();
        List<String> members = new ArrayList<>();
        Path example = entries.get(0).folder();
        boolean regionFound = false;
        for (EnsembleBundle.MemberEntry m : entries) {
            try (ModelBundle b = ModelBundle.load(m.folder())) {
                RoiScheme roi = b.manifest().preprocessing().roi();
                members.add(m.folder().getFileName() + " (" + roi.label() + ")");
                // A region member makes the better example: its picture is the one a user cannot guess.
                if (!regionFound && roi != RoiScheme.WHOLE) {
                    example = m.folder();
                    regionFound = true;
                }
            }
        }
        return "--model " + ensemble + " is an ensemble: its members see different pictures (" + String.join(", ", members)
                + "); give one member's folder, e.g. --model " + example;
    }
}

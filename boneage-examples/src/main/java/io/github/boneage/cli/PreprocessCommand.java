package io.github.boneage.cli;

import io.github.boneage.core.HandLandmarks;
import io.github.boneage.core.QualityGateException;
import io.github.boneage.core.RoiScheme;
import io.github.boneage.core.image.GreyImage;
import io.github.boneage.core.landmarks.LandmarkDetection;
import io.github.boneage.preprocess.EqualizerSpec;
import io.github.boneage.preprocess.PreparedImage;
import io.github.boneage.preprocess.PreprocessSpec;
import io.github.boneage.preprocess.Preprocessor;
import io.github.boneage.preprocess.io.ImageDecoder;
import io.github.boneage.preprocess.io.PngWriter;
import io.github.boneage.djl.landmarks.LandmarkDetectors;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code boneage preprocess}: writes one image exactly as a model would see it (grey, before tensor normalization). */
@Command(name = "preprocess",
        mixinStandardHelpOptions = true,
        description = "Write IMAGE as the model sees it: ROI crop, equalization and resize (grey, before normalization).")
final class PreprocessCommand implements Callable<Integer> {

    /** The {@code --landmarks} value that asks for automatic detection instead of a file. */
    static final String AUTO = "auto";

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "IMAGE", description = "PNG or JPEG radiograph.")
    Path image;

    @Option(names = "--out", required = true, paramLabel = "OUT.png", description = "Where to write the PNG.")
    Path out;

    @Option(names = "--roi", paramLabel = "SCHEME", defaultValue = "whole", converter = Converters.RoiConverter.class,
            description = "whole, roi1, roi2 or roi3 (default: ${DEFAULT-VALUE}). roi1/roi2 need --landmarks (a file or auto).")
    RoiScheme roi;

    @Option(names = "--landmarks", paramLabel = "FILE",
            description = "Landmarks CSV (see docs/landmarks.md); the row whose id is IMAGE's name without extension is used. "
                    + "'auto' detects them on IMAGE (fails if the quality gate rejects it).")
    Path landmarks;

    @Option(names = "--equalizer", paramLabel = "METHOD", defaultValue = "histeq-matlab",
            converter = Converters.EqualizerConverter.class,
            description = "none, histeq, histeq-matlab or clahe (default: ${DEFAULT-VALUE}).")
    EqualizerSpec equalizer;

    @Option(names = "--size", paramLabel = "N", defaultValue = "224",
            description = "Output side length in pixels; 0 keeps the crop's own size (default: ${DEFAULT-VALUE}).")
    int size;

    @Override
    public Integer call() {
        if (size < 0) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--size must be >= 0, got " + size);
        }
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
        PreprocessSpec preprocessSpec = new PreprocessSpec(roi, equalizer, size, 1, new double[] {0}, new double[] {1});
        PreparedImage prepared = new Preprocessor(preprocessSpec).prepare(decoded, handLandmarks);
        PngWriter.write(prepared.image(), out);
        spec.commandLine().getOut().printf("%s: %s %dx%d from ROI %s (x=%d y=%d %dx%d), equalizer %s -> %s%n",
                image, roi.label(), prepared.image().width(), prepared.image().height(), roi.label(),
                prepared.roi().x(), prepared.roi().y(), prepared.roi().width(), prepared.roi().height(),
                equalizer.method(), out);
        return ExitCode.OK;
    }
}

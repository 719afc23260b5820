package io.github.boneage.cli;

import io.github.boneage.djl.export.OnnxExport;
import io.github.boneage.djl.landmarks.LandmarkBundle;
import io.github.boneage.djl.manifest.WeightsFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code boneage export --format onnx BUNDLE --out DIR}: writes a new bundle folder whose networks are ONNX graphs, so
 * that ONNX Runtime alone runs the model ({@link OnnxExport}; pure Java, nothing but the bundle is read).
 */
@Command(name = "export",
        mixinStandardHelpOptions = true,
        description = {"Export a model bundle to another format: a new bundle folder with the same preprocessing, sex "
                + "handling, output scaling, calibration and provenance.",
            "Supported: --format onnx of bundles with a TorchScript MobileNetV2 backbone and a linear head (the default "
                    + "model) and of the learned landmark model; others fail naming their architecture."})
final class ExportCommand implements Callable<Integer> {

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "BUNDLE",
            description = "The model bundle to export (folder or zip), or a learned landmark bundle folder (landmark-model.json).")
    Path bundle;

    @Option(names = "--format", required = true, paramLabel = "FORMAT", description = "The format to write: onnx.")
    String format;

    @Option(names = "--out", required = true, paramLabel = "DIR",
            description = "The new bundle folder (must not exist or be empty).")
    Path out;

    @Override
    public Integer call() {
        if (!"onnx".equals(format.toLowerCase(Locale.ROOT))) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                    "--format must be onnx (the only export format), got '" + format + "'");
        }
        if (!Files.exists(bundle)) {
            throw new io.github.boneage.djl.ModelBundleException(bundle.toString(), "no such file or folder");
        }
        var w = spec.commandLine().getOut();
        if (Files.isRegularFile(bundle.resolve(LandmarkBundle.MANIFEST))) {
            LandmarkBundle landmarks = OnnxExport.exportLandmarks(bundle, out);
            w.println("exported landmark model " + bundle + " to " + landmarks.folder() + " (engine " + landmarks.engine() + ")");
            w.println("  " + landmarks.weights() + " sha256 " + landmarks.sha256());
            w.flush();
            return ExitCode.OK;
        }
        OnnxExport.Result result = OnnxExport.export(bundle, out);
        w.println("exported " + bundle + " to " + result.folder() + " (" + result.manifest().format().label() + ", engine "
                + result.manifest().engine() + ")");
        for (WeightsFile f : result.manifest().weights()) {
            w.println("  " + f.role().label() + ": " + f.file() + " sha256 " + f.sha256());
        }
        if (!result.copiedFiles().isEmpty()) {
            w.println("  copied: " + String.join(", ", result.copiedFiles()));
        }
        w.flush();
        return ExitCode.OK;
    }
}

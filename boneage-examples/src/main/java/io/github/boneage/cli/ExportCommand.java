package io.github.boneage.cli;

import io.github.boneage.djl.export.OnnxExport;
import io.github.boneage.djl.export.OnnxImport;
import io.github.boneage.djl.landmarks.LandmarkBundle;
import io.github.boneage.djl.manifest.NetworkRole;
import io.github.boneage.djl.manifest.WeightsFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code boneage export --format onnx BUNDLE --out DIR}: writes a new bundle folder whose networks are ONNX graphs, so
 * that ONNX Runtime alone runs the model ({@link OnnxExport}; pure Java, nothing but the bundle is read). The inverse,
 * {@code --format djl-params}, turns one network of an ONNX bundle (a member of model v2, for example) back into a
 * bundle that {@code boneage train --from} fine-tunes ({@link OnnxImport}).
 */
@Command(name = "export",
        mixinStandardHelpOptions = true,
        description = {"Export a model bundle to another format: a new bundle folder with the same preprocessing, sex "
                + "handling, output scaling, calibration and provenance.",
            "Supported: --format onnx of bundles with a TorchScript MobileNetV2 backbone and a linear head (the default "
                    + "model) and of the learned landmark model; others fail naming their architecture.",
            "--format djl-params turns one network of such an ONNX bundle (e.g. a member of models/v2) back into a "
                    + "bundle that train --from fine-tunes; a per-sex bundle needs --role."})
final class ExportCommand implements Callable<Integer> {

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "BUNDLE",
            description = "The model bundle to export (folder or zip), or a learned landmark bundle folder (landmark-model.json).")
    Path bundle;

    @Option(names = "--format", required = true, paramLabel = "FORMAT",
            description = "The format to write: onnx, or djl-params (trainable, from an ONNX bundle).")
    String format;

    @Option(names = "--role", paramLabel = "ROLE", converter = Converters.NetworkRoleConverter.class,
            description = "djl-params: which network of a per-sex ONNX bundle to import (male, female or agnostic); it "
                    + "comes back with its sex input, as a network for that sex only.")
    NetworkRole role;

    @Option(names = "--template", paramLabel = "BUNDLE",
            description = "djl-params: a trainable bundle of the same architecture whose layout (TorchScript code, "
                    + "block) is reused; none of its values are (default: models/default-pytorch).")
    Path template;

    @Option(names = "--name", paramLabel = "NAME",
            description = "djl-params: the new model's name (default: the source's, with -djl).")
    String name;

    @Option(names = "--out", required = true, paramLabel = "DIR",
            description = "The new bundle folder (must not exist or be empty).")
    Path out;

    @Override
    public Integer call() {
        String target = format.toLowerCase(Locale.ROOT);
        if (!target.equals("onnx") && !target.equals("djl-params")) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                    "--format must be onnx or djl-params, got '" + format + "'");
        }
        if (!target.equals("djl-params") && (role != null || template != null || name != null)) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                    "--role, --template and --name are for --format djl-params");
        }
        if (!Files.exists(bundle)) {
            throw new io.github.boneage.djl.ModelBundleException(bundle.toString(), "no such file or folder");
        }
        var w = spec.commandLine().getOut();
        if (target.equals("djl-params")) {
            Path layout = template != null ? template : ModelLocator.trainableDefault();
            OnnxImport.Result result = OnnxImport.importNetwork(bundle, layout, Optional.ofNullable(role), name, out);
            w.println("imported " + bundle + " network " + result.role().label() + " to " + result.folder() + " ("
                    + result.manifest().format().label() + ", engine " + result.manifest().engine() + ", layout of " + layout + ")");
            if (result.pinnedSexValue() != null) {
                w.println("  its sex input, pinned to " + result.pinnedSexValue() + " in the graph, is an input again"
                        + (result.role() == NetworkRole.AGNOSTIC ? "" : ": the network was trained for "
                                + result.role().label() + " patients only; fine-tune it on them"));
            }
            for (WeightsFile f : result.manifest().weights()) {
                w.println("  " + f.role().label() + ": " + f.file() + " sha256 " + f.sha256());
            }
            w.flush();
            return ExitCode.OK;
        }
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

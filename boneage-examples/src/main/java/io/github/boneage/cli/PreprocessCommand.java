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
 * {@code --size} override them one by one. An ensemble's members each see their own picture: one is written per member
 * ({@code OUT-NAME.png}), or only {@code --member}'s (or, given {@code --roi}, only the picture of the member reading
 * that region, else the first member's, with that region), and region members get the reference points the default
 * landmark detector finds (as {@code --landmarks auto}) unless {@code --landmarks} gives them.
 */
@Command(name = "preprocess",
        mixinStandardHelpOptions = true,
        description = {"Write IMAGE as the model sees it: ROI crop, equalization and resize (grey, before normalization).",
            "ROI, equalizer, size and channels come from the model's manifest (--model, default: the shipped default "
                    + "model); --roi, --equalizer and --size override them. For an ensemble (the default model is one) it "
                    + "writes one picture per member, OUT-NAME.png, or only --member's (with --roi: the member reading "
                    + "that region)."})
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
            description = "Take the preprocessing from this model bundle or ensemble (folder or zip; default: the shipped "
                    + "default model).")
    Path model;

    @Option(names = "--member", paramLabel = "NAME",
            description = "With an ensemble: write only this member's picture, to OUT (default: every member's, or with "
                    + "--roi the member reading that region).")
    String member;

    @Option(names = "--roi", paramLabel = "SCHEME", converter = Converters.RoiConverter.class,
            description = "whole, roi1, roi2 or roi3 (default: the model's). roi1/roi2 need --landmarks (a file or auto).")
    RoiScheme roi;

    @Option(names = "--landmarks", paramLabel = "FILE",
            description = "Landmarks CSV (see docs/landmarks.md); the row whose id is IMAGE's name without extension is used. "
                    + "'auto' detects them on IMAGE (fails if the quality gate rejects it; an ensemble's region members "
                    + "get them so without this option).")
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
        if (model != null || roi == null || equalizer == null || size == null) {
            Path bundle = ModelLocator.resolve(model);
            if (EnsembleBundle.isEnsemble(bundle)) {
                return ensemble(bundle);
            }
            if (member != null) {
                throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--member: " + bundle
                        + " is a single model bundle, not an ensemble");
            }
            try (ModelBundle b = ModelBundle.load(bundle)) {
                GreyImage decoded = ImageDecoder.create().decode(image);
                PreprocessSpec base = b.manifest().preprocessing();
                write(decoded, overridden(base), givenLandmarks(decoded), "model " + b.manifest().name(), out);
            }
        } else {
            GreyImage decoded = ImageDecoder.create().decode(image);
            write(decoded, new PreprocessSpec(roi, equalizer, size, 1, new double[] {0}, new double[] {1}),
                    givenLandmarks(decoded), "the flags", out);
        }
        return ExitCode.OK;
    }

    /**
     * One picture per member (or the one {@code --member} or {@code --roi} picks). Without {@code --landmarks}, the
     * region members' points come from the default landmark detector; where it finds none, the ensemble would estimate
     * with its whole-image members only, and so only their pictures are written and the others named as not written.
     */
    private int ensemble(Path bundle) {
        List<Member> members = new ArrayList<>();
        for (EnsembleBundle.MemberEntry entry : EnsembleBundle.read(bundle).members()) {
            try (ModelBundle b = ModelBundle.load(entry.folder())) {
                members.add(new Member(entry.folder().getFileName().toString(), b.manifest().name(),
                        b.manifest().preprocessing()));
            }
        }
        List<String> names = members.stream().map(Member::name).toList();
        if (member != null && !names.contains(member)) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--member " + member + ": " + bundle
                    + " has the members " + String.join(", ", names));
        }
        // --roi without --member asks for one picture of that region: the member that reads it, else the first.
        String single = member != null ? member : roi == null ? null
                : members.stream().filter(m -> m.preprocessing().roi() == roi).map(Member::name).findFirst()
                        .orElse(names.get(0));
        GreyImage decoded = ImageDecoder.create().decode(image);
        HandLandmarks points = null;
        String noPoints = null;
        List<String> notWritten = new ArrayList<>();
        for (Member m : members) {
            if (single != null && !single.equals(m.name())) {
                continue;
            }
            PreprocessSpec memberSpec = overridden(m.preprocessing());
            if (memberSpec.roi() != RoiScheme.WHOLE && points == null && noPoints == null) {
                if (landmarks != null) {
                    points = givenLandmarks(decoded);
                } else {
                    LandmarkDetection detection = LandmarkDetectors.defaultDetector().detect(decoded, image.toString());
                    if (detection.ok()) {
                        points = detection.landmarks().orElseThrow();
                    } else if (single != null) {
                        throw new QualityGateException(image.toString(), detection);
                    } else {
                        noPoints = detection.verdict() + ": " + detection.reason();
                    }
                }
            }
            if (memberSpec.roi() != RoiScheme.WHOLE && points == null) {
                notWritten.add(m.name() + " (" + memberSpec.roi().label() + ")");
                continue;
            }
            Path target = single != null ? out : memberFile(out, m.name());
            write(decoded, memberSpec, memberSpec.roi() == RoiScheme.WHOLE ? null : points,
                    "member " + m.name() + " (" + m.modelName() + ") of " + bundle.getFileName(), target);
        }
        if (!notWritten.isEmpty()) {
            spec.commandLine().getOut().printf("not written: %s; no reliable reference points (%s), so the ensemble "
                    + "estimates this image with its whole-image members only%n", String.join(", ", notWritten), noPoints);
        }
        return ExitCode.OK;
    }

    /**
     * One member of an ensemble, as its manifest describes it.
     *
     * @param name          its folder's name in the ensemble
     * @param modelName     its bundle's model name
     * @param preprocessing what it reads
     */
    private record Member(String name, String modelName, PreprocessSpec preprocessing) {
    }

    /** {@code out.png} -> {@code out-NAME.png}, beside it. */
    static Path memberFile(Path out, String name) {
        String file = out.getFileName().toString();
        int dot = file.lastIndexOf('.');
        String stem = dot > 0 ? file.substring(0, dot) : file;
        String extension = dot > 0 ? file.substring(dot) : ".png";
        return out.resolveSibling(stem + "-" + name + extension);
    }

    /** The model's settings with the flags given laid over them. */
    private PreprocessSpec overridden(PreprocessSpec base) {
        return new PreprocessSpec(roi != null ? roi : base.roi(), equalizer != null ? equalizer : base.equalizer(),
                size != null ? size : base.size(), base.channels(), base.mean(), base.std());
    }

    /** The points {@code --landmarks} gives (a file, or {@code auto}); null when not given. */
    private HandLandmarks givenLandmarks(GreyImage decoded) {
        if (landmarks == null) {
            return null;
        }
        if (landmarks.toString().equals(AUTO)) {
            LandmarkDetection detection = LandmarkDetectors.defaultDetector().detect(decoded, image.toString());
            if (!detection.ok()) {
                throw new QualityGateException(image.toString(), detection);
            }
            return detection.landmarks().orElseThrow();
        }
        return Inputs.landmarksFor(landmarks, image, decoded.width(), decoded.height());
    }

    private void write(GreyImage decoded, PreprocessSpec preprocessSpec, HandLandmarks handLandmarks, String from, Path target) {
        PreparedImage prepared = new Preprocessor(preprocessSpec).prepare(decoded, handLandmarks);
        PngWriter.write(prepared.image(), target);
        RoiScheme usedRoi = preprocessSpec.roi();
        spec.commandLine().getOut().printf("%s: %s %dx%d from ROI %s (x=%d y=%d %dx%d), equalizer %s, %d channel%s in the "
                        + "tensor (settings of %s) -> %s%n",
                image, usedRoi.label(), prepared.image().width(), prepared.image().height(), usedRoi.label(),
                prepared.roi().x(), prepared.roi().y(), prepared.roi().width(), prepared.roi().height(),
                preprocessSpec.equalizer().method(), preprocessSpec.channels(), preprocessSpec.channels() == 1 ? "" : "s",
                from, target);
    }
}

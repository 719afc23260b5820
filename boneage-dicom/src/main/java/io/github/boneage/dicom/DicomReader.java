package io.github.boneage.dicom;

import io.github.boneage.core.InputFiles;
import io.github.boneage.core.NotARegularFileException;
import io.github.boneage.core.Sex;
import io.github.boneage.dicom.impl.DataSet;
import io.github.boneage.dicom.impl.DicomParser;
import io.github.boneage.dicom.impl.PixelDecoding;
import io.github.boneage.dicom.impl.PresentationPipeline;
import io.github.boneage.dicom.impl.Tag;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.Period;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads CR/DX hand radiographs from DICOM Part 10 files at full bit depth (see {@link DicomRadiograph} for what comes
 * out). Uncompressed Implicit and Explicit VR Little Endian, Deflated Explicit VR Little Endian, RLE Lossless, JPEG
 * Baseline and 8-bit Extended, JPEG Lossless (Process 14) and JPEG-LS files are read (of a multi-frame file, frame 1,
 * with a warning); any other transfer syntax raises {@link UnsupportedTransferSyntaxException} naming its UID.
 * Stateless and thread-safe.
 *
 * <pre>{@code
 * DicomRadiograph r = DicomReader.create().read(Path.of("hand.dcm"));
 * GreyImage image = r.image();
 * Sex sex = r.patientSex();
 * }</pre>
 */
public final class DicomReader {

    /** Days per month when ages are given in days or weeks: 365.25 / 12. */
    private static final double DAYS_PER_MONTH = 365.25 / 12;
    /**
     * Largest file read: 1 GiB, far above a single-frame radiograph (a 4300 x 3500 plate at 16 bits is 30 MB) and below
     * the size of a Java array.
     */
    public static final long MAX_FILE_BYTES = 1L << 30;
    private static final Pattern AGE_STRING = Pattern.compile("(\\d{3})([DWMY])");

    private DicomReader() {
    }

    /** @return a reader */
    public static DicomReader create() {
        return new DicomReader();
    }

    /**
     * @param file a path
     * @return whether the file starts with a DICOM Part 10 preamble and {@code DICM} marker (false when unreadable or
     *         not a regular file, which is not opened)
     */
    public static boolean isDicom(Path file) {
        // Not opened unless it is a regular file: opening a FIFO would block until a writer appears.
        if (!Files.isRegularFile(file)) {
            return false;
        }
        try (InputStream in = Files.newInputStream(file)) {
            return DicomParser.hasPart10Marker(in.readNBytes(132));
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * @param file a DICOM file
     * @return the radiograph
     * @throws NotARegularFileException          if the path is a FIFO, device, socket or folder (before opening it)
     * @throws DicomFormatException              naming the file when it is missing, not DICOM, truncated, larger than
     *                                           {@link #MAX_FILE_BYTES}, nested deeper than
     *                                           {@link DicomParser#MAX_SEQUENCE_DEPTH} sequences, its pixel data
     *                                           disagree with Rows x Columns (compressed ones: decode to another size,
     *                                           are corrupt or declare more than {@link PixelDecoding#MAX_PIXELS}
     *                                           pixels), a deflated data set inflates beyond {@link #MAX_FILE_BYTES},
     *                                           or it is not a greyscale image
     * @throws UnsupportedTransferSyntaxException naming the file and UID for JPEG 2000, big-endian, unknown syntaxes
     *                                           and undecoded variants (12-bit JPEG Extended)
     */
    public DicomRadiograph read(Path file) {
        String source = file.toString();
        byte[] bytes;
        try {
            long size = InputFiles.requireRegularFile(file).size();
            if (size > MAX_FILE_BYTES) {
                throw new DicomFormatException(source, null, "the file holds " + size + " bytes, more than the "
                        + MAX_FILE_BYTES + " a single-frame radiograph can need");
            }
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new DicomFormatException(source, null, "no such file");
        } catch (IOException e) {
            throw new DicomFormatException(source, null, "cannot read file: " + e.getMessage());
        }
        return read(bytes, source);
    }

    /**
     * @param bytes  the whole file
     * @param source the name to use in messages and in {@link DicomRadiograph#source()}
     * @return the radiograph
     * @throws DicomFormatException              when the bytes are not a readable greyscale DICOM image (see
     *                                           {@link #read(Path)})
     * @throws UnsupportedTransferSyntaxException for transfer syntaxes or variants this reader does not decode
     */
    public DicomRadiograph read(byte[] bytes, String source) {
        // A deflated data set may inflate to at most what a file may hold: the same budget, whatever the packing.
        DicomParser.Parsed parsed = DicomParser.parse(source, bytes, MAX_FILE_BYTES);
        DataSet data = parsed.dataSet();
        PresentationPipeline.Result presentation = PresentationPipeline.apply(parsed);
        List<String> warnings = new ArrayList<>(presentation.warnings());
        return new DicomRadiograph(source, presentation.image(), presentation.voi(), pixelSpacing(data, warnings),
                sex(data, warnings), ageAtStudy(data, warnings), data.string(Tag.MODALITY).orElse(""),
                parsed.transferSyntaxUid(), warnings);
    }

    private static Optional<PixelSpacing> pixelSpacing(DataSet data, List<String> warnings) {
        for (Tag tag : new Tag[] {Tag.PIXEL_SPACING, Tag.IMAGER_PIXEL_SPACING}) {
            double[] v;
            try {
                v = data.decimals(tag);
            } catch (DicomFormatException e) {
                warnings.add(tag.keyword() + " ignored: " + e.getMessage());
                continue;
            }
            if (v.length == 2 && v[0] > 0 && v[1] > 0) {
                return Optional.of(new PixelSpacing(v[0], v[1], tag.keyword()));
            }
            if (v.length > 0) {
                warnings.add(tag.keyword() + " ignored: expected two positive values, got " + v.length + " value(s)");
            }
        }
        return Optional.empty();
    }

    private static Sex sex(DataSet data, List<String> warnings) {
        String text = data.string(Tag.PATIENT_SEX).orElse("");
        try {
            return Sex.parse(text);
        } catch (IllegalArgumentException e) {
            warnings.add("PatientSex '" + text + "' is not M, F or O: sex taken as unknown");
            return Sex.UNKNOWN;
        }
    }

    /** Birth and study dates give the age to the day; Patient Age only to its unit, so the dates win when both exist. */
    private static Optional<AgeAtStudy> ageAtStudy(DataSet data, List<String> warnings) {
        Optional<LocalDate> birth = date(data, Tag.PATIENT_BIRTH_DATE, warnings);
        Optional<LocalDate> study = date(data, Tag.STUDY_DATE, warnings);
        if (birth.isPresent() && study.isPresent()) {
            if (study.get().isBefore(birth.get())) {
                warnings.add("StudyDate " + study.get() + " is before PatientBirthDate " + birth.get() + ": age from dates ignored");
            } else {
                Period p = Period.between(birth.get(), study.get());
                return Optional.of(new AgeAtStudy(p.toTotalMonths() + p.getDays() / DAYS_PER_MONTH, "PatientBirthDate+StudyDate"));
            }
        }
        String age = data.string(Tag.PATIENT_AGE).orElse("");
        if (age.isEmpty()) {
            return Optional.empty();
        }
        Matcher m = AGE_STRING.matcher(age);
        if (!m.matches()) {
            warnings.add("PatientAge '" + age + "' is not of the form nnnD, nnnW, nnnM or nnnY: ignored");
            return Optional.empty();
        }
        int n = Integer.parseInt(m.group(1));
        double months = switch (m.group(2)) {
            case "D" -> n / DAYS_PER_MONTH;
            case "W" -> n * 7 / DAYS_PER_MONTH;
            case "M" -> n;
            default -> n * 12.0;
        };
        return Optional.of(new AgeAtStudy(months, "PatientAge"));
    }

    private static Optional<LocalDate> date(DataSet data, Tag tag, List<String> warnings) {
        String text = data.string(tag).orElse("");
        if (text.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(LocalDate.parse(text, DateTimeFormatter.BASIC_ISO_DATE.withLocale(Locale.ROOT)));
        } catch (DateTimeParseException e) {
            warnings.add(tag.keyword() + " '" + text + "' is not a date (YYYYMMDD): ignored");
            return Optional.empty();
        }
    }
}

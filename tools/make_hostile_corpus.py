#!/usr/bin/python3
"""Writes the hostile-input corpus of issue #11 into boneage-examples/src/test/resources/hostile/.

Run from the repository root with Debian's python3 (PIL, numpy, pydicom 2.x):

    /usr/bin/python3 tools/make_hostile_corpus.py

Everything is generated: patterns and noise, never a radiograph, never a patient. The script also writes
expected.csv (file,expected,case): `decoded` when the file must decode, `refused:<ExceptionClass>` when reading it
must throw that typed exception (the class or a subclass; simple class names of BoneAgeException subclasses). .dcm
files are read with DicomReader, every other file with ImageDecoder. A FIFO and an unreadable folder cannot be
committed: the Java test makes those at run time. Deterministic: the same bytes on every run.
"""
import csv
import io
import os
import struct
import zlib

import numpy as np
import pydicom
from PIL import Image
from pydicom.dataset import FileDataset, FileMetaDataset
from pydicom.uid import ExplicitVRLittleEndian, generate_uid

OUT = os.path.join("boneage-examples", "src", "test", "resources", "hostile")
RNG = np.random.default_rng(20261205)
ROWS = []


def pattern(w, h):
    """A smooth hand-sized pattern with edges: every cut of its encoding loses visible data."""
    y, x = np.mgrid[0:h, 0:w]
    v = 60 + 0.5 * x + 0.3 * y + 60 * (((x // 17) + (y // 23)) % 2) + RNG.normal(0, 6, (h, w))
    return np.clip(v, 0, 255).astype(np.uint8)


def write(name, data, expected, case):
    with open(os.path.join(OUT, name), "wb") as f:
        f.write(data)
    ROWS.append((name, expected, case))


def encode(img, fmt, **kw):
    buf = io.BytesIO()
    img.save(buf, fmt, **kw)
    return buf.getvalue()


def chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def png_raw(width, height, bit_depth, colour_type, idat_payload):
    ihdr = struct.pack(">IIBBBBB", width, height, bit_depth, colour_type, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(idat_payload))
            + chunk(b"IEND", b""))


def dicom(name, rows=80, cols=64, data_rows=None):
    """A valid 8-bit MONOCHROME2 DX file of a pattern; data_rows stores that many rows whatever Rows says."""
    meta = FileMetaDataset()
    meta.MediaStorageSOPClassUID = "1.2.840.10008.5.1.4.1.1.1.1"
    meta.MediaStorageSOPInstanceUID = generate_uid(entropy_srcs=[name])
    meta.TransferSyntaxUID = ExplicitVRLittleEndian
    meta.ImplementationClassUID = generate_uid(entropy_srcs=["boneage-hostile"])
    ds = FileDataset(name, {}, file_meta=meta, preamble=b"\0" * 128)
    ds.is_little_endian = True
    ds.is_implicit_VR = False
    ds.SOPClassUID = meta.MediaStorageSOPClassUID
    ds.SOPInstanceUID = meta.MediaStorageSOPInstanceUID
    ds.Modality = "DX"
    ds.PatientName = "Synthetic^Hostile"
    ds.PatientID = name
    ds.Rows = rows
    ds.Columns = cols
    ds.SamplesPerPixel = 1
    ds.PhotometricInterpretation = "MONOCHROME2"
    ds.BitsAllocated = 8
    ds.BitsStored = 8
    ds.HighBit = 7
    ds.PixelRepresentation = 0
    ds.PixelData = pattern(cols, data_rows or rows).tobytes()
    buf = io.BytesIO()
    ds.save_as(buf, write_like_original=False)
    return buf.getvalue()


def insert_after_meta(file, inserted):
    """Puts bytes at the start of the data set, after the preamble, DICM and the file meta group."""
    group_length = struct.unpack("<I", file[140:144])[0]
    at = 132 + 12 + group_length
    return file[:at] + inserted + file[at:]


FUZZ_SEEDS = {
    "image": os.path.join("boneage-preprocess", "src", "test", "resources", "io", "github", "boneage", "preprocess", "fuzz",
                          "ImageDecoderFuzzTestInputs", "decode"),
    "dicom": os.path.join("boneage-dicom", "src", "test", "resources", "io", "github", "boneage", "dicom", "fuzz",
                          "DicomReaderFuzzTestInputs", "read"),
    "labels": os.path.join("boneage-core", "src", "test", "resources", "io", "github", "boneage", "core", "fuzz",
                           "RsnaLabelsFuzzTestInputs", "read"),
    "manifest": os.path.join("boneage-djl", "src", "test", "resources", "io", "github", "boneage", "djl", "fuzz",
                             "ManifestFuzzTestInputs", "read"),
}


def seed(kind, name, data):
    os.makedirs(FUZZ_SEEDS[kind], exist_ok=True)
    with open(os.path.join(FUZZ_SEEDS[kind], name), "wb") as f:
        f.write(data)


def write_fuzz_seeds():
    """Small valid inputs the fuzzers start from (Jazzer's <Class>Inputs/<method> folders; regression mode runs them)."""
    small = Image.fromarray(pattern(64, 72), "L")
    seed("image", "grey8.png", encode(small, "PNG"))
    seed("image", "grey16.png", encode(Image.fromarray(pattern(64, 64).astype(np.uint16) * 257, "I;16"), "PNG"))
    seed("image", "rgb.png", encode(small.convert("RGB"), "PNG"))
    seed("image", "rgba.png", encode(small.convert("RGBA"), "PNG"))
    seed("image", "palette.png", encode(small.convert("P", palette=Image.ADAPTIVE, colors=200), "PNG"))
    seed("image", "grey.jpg", encode(small, "JPEG", quality=75))
    seed("image", "colour.jpg", encode(small.convert("RGB"), "JPEG", quality=75))
    seed("image", "progressive.jpg", encode(small, "JPEG", quality=75, progressive=True))
    seed("image", "grey.bmp", encode(small, "BMP"))
    seed("dicom", "mono8.dcm", dicom("seed8.dcm", rows=16, cols=16))
    seed("dicom", "nested-4.dcm", insert_after_meta(dicom("seednest.dcm", rows=16, cols=16),
                                                    b"\x09\x00\x01\x10SQ\x00\x00\xff\xff\xff\xff\xfe\xff\x00\xe0\xff\xff\xff\xff"
                                                    b"\xfe\xff\x0d\xe0\x00\x00\x00\x00\xfe\xff\xdd\xe0\x00\x00\x00\x00"))
    for name in ("mono1_12bit.dcm", "voilut_implicit.dcm", "window_sigmoid.dcm"):
        with open(os.path.join("boneage-dicom", "src", "test", "resources", "dicom", name), "rb") as f:
            seed("dicom", name, f.read())
    seed("labels", "rsna.csv", b"id,boneage,male\n1,120,True\n2,36.5,False\n")
    seed("labels", "quoted.csv", b'\xef\xbb\xbfmale,id,boneage,note\r\nfalse,"3",1e2,"a, ""b"""\r\n\r\nTrue,4,0,\r\n')
    with open(os.path.join("models", "default", "boneage-model.json"), "rb") as f:
        seed("manifest", "default-model.json", f.read())


def main():
    os.makedirs(OUT, exist_ok=True)
    for old in os.listdir(OUT):
        if old not in ("README.md",):
            os.remove(os.path.join(OUT, old))

    # Controls: what must still decode.
    good = Image.fromarray(pattern(256, 320), "L")
    write("good.png", encode(good, "PNG"), "decoded", "8-bit grey PNG 256x320")
    jpeg = encode(good, "JPEG", quality=90)
    write("good.jpg", jpeg, "decoded", "8-bit grey baseline JPEG 256x320")
    write("good-rsna-size.jpg", encode(Image.fromarray(pattern(299, 299), "L"), "JPEG", quality=90), "decoded",
          "299x299 grey JPEG, the size of the rsna-299 images")
    g16 = (pattern(128, 160).astype(np.uint16) * 257)
    write("good16.png", encode(Image.fromarray(g16, "I;16"), "PNG"), "decoded", "16-bit grey PNG 128x160")
    write("good.dcm", dicom("good.dcm"), "decoded", "8-bit MONOCHROME2 DICOM 64x80, pixel data match Rows x Columns")

    # Truncated JPEGs: cut at several points of the scan data, and only the end-of-image marker missing.
    for pct in (10, 25, 50, 75, 90, 99):
        cut = len(jpeg) * pct // 100
        write(f"jpeg-cut-{pct:02d}.jpg", jpeg[:cut], "refused:TruncatedImageException",
              f"good.jpg cut after {cut} of {len(jpeg)} bytes ({pct}%)")
    write("jpeg-no-eoi.jpg", jpeg[:-2], "refused:TruncatedImageException", "good.jpg without its end-of-image marker")
    write("jpeg-header-only.jpg", jpeg[:120], "refused:UnreadableImageException", "good.jpg cut inside its header")

    # Truncated and corrupt PNGs.
    png = encode(good, "PNG")
    write("png-cut-50.png", png[:len(png) // 2], "refused:TruncatedImageException", "good.png cut in the middle of IDAT")
    write("png-no-iend.png", png[:-12], "refused:TruncatedImageException", "good.png without its IEND chunk")
    flipped = bytearray(png)
    flipped[len(png) // 2] ^= 0x10
    write("png-crc-mismatch.png", bytes(flipped), "refused:UnreadableImageException",
          "good.png with one bit flipped in IDAT (CRC mismatch)")

    # Garbage that decodes: low bit depth, tiny, elongated.
    write("bilevel-1bit.png", encode(Image.fromarray(pattern(256, 320) > 128).convert("1"), "PNG"),
          "refused:UnsuitableImageException", "1-bit (bilevel) PNG 256x320")
    four = Image.fromarray((pattern(256, 320) // 16).astype(np.uint8), "L").convert("P", palette=Image.ADAPTIVE, colors=16)
    write("palette-4bit.png", encode(four, "PNG", bits=4), "refused:UnsuitableImageException", "4-bit palette PNG 256x320")
    write("tiny-32x32.png", encode(Image.fromarray(pattern(32, 32), "L"), "PNG"), "refused:UnsuitableImageException",
          "32x32 grey PNG, below the 64 px minimum side")
    write("aspect-64x11200.png", encode(Image.fromarray(pattern(64, 11200), "L"), "PNG"),
          "refused:UnsuitableImageException", "64x11200 grey PNG, 175 : 1 (such strips crashed the landmark detector)")

    # Size bombs: headers that claim far more than the file holds.
    rgba16 = png_raw(7000, 7000, 16, 6, b"\0" * 64)
    write("rgba16-7000x7000.png", rgba16, "refused:ImageTooLargeException",
          "16-bit RGBA PNG header of 7000x7000 (49 Mpx, under the pixel limit; about 700 MiB to decode)")
    write("grey8-100000x100000.png", png_raw(100000, 100000, 8, 0, b"\0" * 64), "refused:ImageTooLargeException",
          "8-bit grey PNG header of 100000x100000")
    sof = jpeg.find(b"\xff\xc0")
    huge = bytearray(jpeg)
    huge[sof + 5:sof + 9] = struct.pack(">HH", 65000, 65000)
    write("jpeg-65000x65000.jpg", bytes(huge), "refused:ImageTooLargeException", "good.jpg with its SOF0 size set to 65000x65000")

    # Not images at all.
    for ext in ("png", "jpg"):
        write(f"zero-bytes.{ext}", b"", "refused:TruncatedImageException", "empty file")
        write(f"random-bytes.{ext}", RNG.integers(0, 256, 4096, dtype=np.uint8).tobytes(),
              "refused:UnreadableImageException", "4096 random bytes")
    write("text.png", b"This is a text file, not a PNG.\n" * 20, "refused:UnreadableImageException", "text named .png")
    write("png-signature-only.png", b"\x89PNG\r\n\x1a\n", "refused:TruncatedImageException", "only the PNG signature")

    # DICOM.
    write("zero-bytes.dcm", b"", "refused:DicomFormatException", "empty file")
    write("random-bytes.dcm", RNG.integers(0, 256, 4096, dtype=np.uint8).tobytes(), "refused:DicomFormatException",
          "4096 random bytes")
    nested = b""
    for _ in range(3000):
        nested += b"\x09\x00\x01\x10SQ\x00\x00\xff\xff\xff\xff" + b"\xfe\xff\x00\xe0\xff\xff\xff\xff"
    for _ in range(3000):
        nested += b"\xfe\xff\x0d\xe0\x00\x00\x00\x00" + b"\xfe\xff\xdd\xe0\x00\x00\x00\x00"
    write("dicom-nested-3000.dcm", insert_after_meta(dicom("nested.dcm"), nested), "refused:DicomFormatException",
          "good.dcm with 3000 nested private sequences of undefined length (was a StackOverflowError)")
    write("dicom-rows-short.dcm", dicom("rows.dcm", rows=79, data_rows=80), "refused:DicomFormatException",
          "Rows 79 with pixel data for 80 rows (was cropped silently)")
    write("dicom-rows-long.dcm", dicom("rows-long.dcm", rows=81, data_rows=80), "refused:DicomFormatException",
          "Rows 81 with pixel data for 80 rows")
    lying = b"\x09\x00\x10\x10OB\x00\x00\xf0\xff\xff\xff\x01\x02\x03\x04"
    write("dicom-lying-length.dcm", insert_after_meta(dicom("lying.dcm"), lying), "refused:DicomFormatException",
          "a private OB element declaring 4294967280 bytes in a 5 kB file")
    good_dcm = dicom("cut.dcm")
    write("dicom-truncated.dcm", good_dcm[:len(good_dcm) - 1000], "refused:DicomFormatException",
          "good.dcm without its last 1000 bytes of pixel data")

    write_fuzz_seeds()
    with open(os.path.join(OUT, "expected.csv"), "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["file", "expected", "case"])
        for row in ROWS:
            w.writerow(row)
    total = sum(os.path.getsize(os.path.join(OUT, n)) for n in os.listdir(OUT))
    print(f"{len(ROWS)} files, {total} bytes in {OUT}")


if __name__ == "__main__":
    main()

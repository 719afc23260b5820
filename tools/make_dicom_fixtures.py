#!/usr/bin/python3
"""Writes the small synthetic DICOM files the boneage-dicom tests read.

Run with Debian's python3-pydicom (pydicom 2.x) from the repository root:

    /usr/bin/python3 tools/make_dicom_fixtures.py

Every image is 64 columns x 80 rows of a deterministic pattern (no radiograph, no patient), so the Java tests can
recompute each stored value from the formula documented next to each file below. The patient data are invented.
"""
import os

import numpy as np
import pydicom
from pydicom.dataset import Dataset, FileDataset, FileMetaDataset
from pydicom.encaps import encapsulate
from pydicom.sequence import Sequence
from pydicom.uid import (ExplicitVRBigEndian, ExplicitVRLittleEndian, ImplicitVRLittleEndian, JPEGBaseline8Bit,
                         generate_uid)

OUT = os.path.join("boneage-dicom", "src", "test", "resources", "dicom")
ROWS, COLS = 80, 64
DX_SOP_CLASS = "1.2.840.10008.5.1.4.1.1.1.1"  # Digital X-Ray Image Storage - For Presentation
CR_SOP_CLASS = "1.2.840.10008.5.1.4.1.1.1"  # Computed Radiography Image Storage


def grid():
    y, x = np.mgrid[0:ROWS, 0:COLS]
    return x.astype(np.int64), y.astype(np.int64)


def base(name, transfer_syntax, sop_class=DX_SOP_CLASS, modality="DX"):
    meta = FileMetaDataset()
    meta.MediaStorageSOPClassUID = sop_class
    meta.MediaStorageSOPInstanceUID = generate_uid(entropy_srcs=[name])
    meta.TransferSyntaxUID = transfer_syntax
    meta.ImplementationClassUID = generate_uid(entropy_srcs=["boneage-fixtures"])
    ds = FileDataset(name, {}, file_meta=meta, preamble=b"\0" * 128)
    ds.is_little_endian = transfer_syntax != ExplicitVRBigEndian
    ds.is_implicit_VR = transfer_syntax == ImplicitVRLittleEndian
    ds.SOPClassUID = sop_class
    ds.SOPInstanceUID = meta.MediaStorageSOPInstanceUID
    ds.Modality = modality
    ds.BodyPartExamined = "HAND"
    ds.PatientName = "Synthetic^Fixture"
    ds.PatientID = name
    ds.Rows = ROWS
    ds.Columns = COLS
    ds.SamplesPerPixel = 1
    return ds


def pixels(ds, bits_allocated, bits_stored, signed, values, photometric="MONOCHROME2"):
    ds.PhotometricInterpretation = photometric
    ds.BitsAllocated = bits_allocated
    ds.BitsStored = bits_stored
    ds.HighBit = bits_stored - 1
    ds.PixelRepresentation = 1 if signed else 0
    if bits_allocated == 8:
        ds.PixelData = values.astype(np.uint8).tobytes()
    else:
        dtype = ">u2" if not ds.is_little_endian else "<u2"
        ds.PixelData = (values.astype(np.int64) & 0xFFFF).astype(dtype).tobytes()


def save(ds, name):
    path = os.path.join(OUT, name)
    ds.save_as(path, write_like_original=False)
    print(f"{path}: {os.path.getsize(path)} bytes")


def main():
    os.makedirs(OUT, exist_ok=True)
    x, y = grid()

    # 16 bits stored, MONOCHROME2, no rescale, no VOI: stored = (x * 1031 + y * 257) % 65536, read back unchanged.
    ds = base("mono2_16bit", ExplicitVRLittleEndian)
    pixels(ds, 16, 16, False, (x * 1031 + y * 257) % 65536)
    ds.PatientSex = "F"
    ds.PatientAge = "010Y"
    ds.PixelSpacing = [0.143, 0.15]
    save(ds, "mono2_16bit.dcm")

    # 12 of 16 bits, MONOCHROME1, implicit VR: stored = (x * 61 + y * 13) % 4096 with junk in the 4 unused high bits
    # (0xA000), read back as 4095 - stored. Age from birth and study dates: 9 years 6 months 15 days.
    ds = base("mono1_12bit", ImplicitVRLittleEndian, CR_SOP_CLASS, "CR")
    pixels(ds, 16, 12, False, ((x * 61 + y * 13) % 4096) | 0xA000, "MONOCHROME1")
    ds.PatientSex = "M"
    ds.PatientBirthDate = "20150310"
    ds.StudyDate = "20240925"
    ds.ImagerPixelSpacing = [0.1, 0.1]
    save(ds, "mono1_12bit.dcm")

    # 8 bits, MONOCHROME2: stored = (x * 3 + y * 2) % 256, read back as an 8-bit image. Age "006M", sex unknown.
    ds = base("mono2_8bit", ExplicitVRLittleEndian)
    pixels(ds, 8, 8, False, (x * 3 + y * 2) % 256)
    ds.PatientSex = ""
    ds.PatientAge = "006M"
    save(ds, "mono2_8bit.dcm")

    # 12 bits, MONOCHROME1, rescale slope 2 intercept -1000, window centre 1000 width 2001 (LINEAR), a second window
    # that must be ignored: stored = (x * 50 + y * 10) % 4096; value = 2 * stored - 1000; windowed to 0..4095 with
    # the DICOM linear window, then inverted (4095 - windowed).
    ds = base("window_12bit_rescale", ExplicitVRLittleEndian)
    pixels(ds, 16, 12, False, (x * 50 + y * 10) % 4096, "MONOCHROME1")
    ds.RescaleSlope = "2"
    ds.RescaleIntercept = "-1000"
    ds.WindowCenter = ["1000", "500"]
    ds.WindowWidth = ["2001", "100"]
    ds.PatientSex = "F"
    ds.PatientAge = "012Y"
    save(ds, "window_12bit_rescale.dcm")

    # Signed 16 bits, MONOCHROME2, a VOI LUT (2048 entries from -500, 10 bits out: lut[i] = (i * i) >> 12) and a window
    # that the LUT overrides: stored = (x * 37 + y * 29) % 2400 - 600 (below -500 and above 1547 take the end entries).
    # Written twice: explicit VR, and implicit VR (the sequence's VRs then come from the reader's dictionary).
    for name, syntax in (("voilut_16bit_signed", ExplicitVRLittleEndian), ("voilut_implicit", ImplicitVRLittleEndian)):
        ds = base(name, syntax)
        pixels(ds, 16, 16, True, (x * 37 + y * 29) % 2400 - 600)
        item = Dataset()
        item.add_new(0x00283002, "SS", [2048, -500, 10])
        item.add_new(0x00283006, "OW", ((np.arange(2048, dtype=np.int64) ** 2) >> 12).astype("<u2").tobytes())
        ds.VOILUTSequence = Sequence([item])
        ds.WindowCenter = "0"
        ds.WindowWidth = "10"
        ds.PatientSex = "M"
        ds.PatientAge = "005W"
        save(ds, name + ".dcm")

    # 12 bits, SIGMOID window centre 2048 width 1000: stored = (x * 50 + y * 10) % 4096,
    # value = round(4095 / (1 + exp(-4 * (stored - 2048) / 1000))).
    ds = base("window_sigmoid", ExplicitVRLittleEndian)
    pixels(ds, 16, 12, False, (x * 50 + y * 10) % 4096)
    ds.WindowCenter = "2048"
    ds.WindowWidth = "1000"
    ds.VOILUTFunction = "SIGMOID"
    save(ds, "window_sigmoid.dcm")

    # 12 bits, LINEAR_EXACT window centre 1000 width 500: stored as above; value = 0 at or below 750, 4095 above 1250,
    # else round(((stored - 1000) / 500 + 0.5) * 4095).
    ds = base("window_linear_exact", ExplicitVRLittleEndian)
    pixels(ds, 16, 12, False, (x * 50 + y * 10) % 4096)
    ds.WindowCenter = "1000"
    ds.WindowWidth = "500"
    ds.VOILUTFunction = "LINEAR_EXACT"
    save(ds, "window_linear_exact.dcm")

    # 10 bits, negative rescale slope, no VOI: stored = (x * 7 + y * 11) % 1024, read back as 1023 - stored.
    ds = base("negative_slope_10bit", ExplicitVRLittleEndian)
    pixels(ds, 16, 10, False, (x * 7 + y * 11) % 1024)
    ds.RescaleSlope = "-1"
    ds.RescaleIntercept = "1023"
    save(ds, "negative_slope_10bit.dcm")

    # Colour and multi-frame images are refused, naming the attribute.
    ds = base("rgb", ExplicitVRLittleEndian)
    ds.SamplesPerPixel = 3
    ds.PlanarConfiguration = 0
    ds.PhotometricInterpretation = "RGB"
    ds.BitsAllocated = 8
    ds.BitsStored = 8
    ds.HighBit = 7
    ds.PixelRepresentation = 0
    ds.PixelData = np.zeros((ROWS, COLS, 3), dtype=np.uint8).tobytes()
    save(ds, "rgb.dcm")
    ds = base("two_frames", ExplicitVRLittleEndian)
    pixels(ds, 8, 8, False, np.concatenate([(x + y) % 256, (x * y) % 256]))
    ds.NumberOfFrames = "2"
    save(ds, "two_frames.dcm")

    # Compressed pixel data: the reader must refuse the transfer syntax by UID before touching the pixels.
    ds = base("jpeg_baseline", JPEGBaseline8Bit)
    ds.PhotometricInterpretation = "MONOCHROME2"
    ds.BitsAllocated = 8
    ds.BitsStored = 8
    ds.HighBit = 7
    ds.PixelRepresentation = 0
    ds.PixelData = encapsulate([b"\xff\xd8\xff\xd9"])
    ds["PixelData"].is_undefined_length = True
    ds["PixelData"].VR = "OB"
    save(ds, "jpeg_baseline.dcm")

    # Big-endian explicit VR (retired): refused by UID too.
    ds = base("big_endian", ExplicitVRBigEndian)
    pixels(ds, 16, 12, False, (x + y) % 4096)
    save(ds, "big_endian.dcm")


if __name__ == "__main__":
    main()

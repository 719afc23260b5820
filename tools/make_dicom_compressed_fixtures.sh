#!/usr/bin/env bash
# Writes the small compressed DICOM files the boneage-dicom tests read, by compressing the synthetic uncompressed
# fixtures that tools/make_dicom_fixtures.py writes (64 x 80 generated patterns, invented patient data; nothing from
# ../shared) with DCMTK's command-line codecs (Debian package dcmtk: dcmcjpeg, dcmcjpls, dcmcrle, dcmconv).
#
#   tools/make_dicom_compressed_fixtures.sh        # from the repository root
#
# The tests decode each file and compare it with its uncompressed source, pixel by pixel, so the exact bytes DCMTK
# writes do not matter; +un keeps the SOP Instance UIDs of the sources so reruns differ only in DCMTK's own stamps.
set -euo pipefail
SRC=boneage-dicom/src/test/resources/dicom
OUT=$SRC/compressed
for tool in dcmcjpeg dcmcjpls dcmcrle dcmconv; do
  command -v "$tool" >/dev/null || { echo "$tool not found: apt-get install -y dcmtk" >&2; exit 1; }
done
mkdir -p "$OUT"

# A phantom with flat areas (background, discs) next to a gradient and a noisy patch, so that JPEG-LS run mode and run
# interruption samples and long RLE runs are exercised; the patterns of make_dicom_fixtures.py have no flat areas.
# 12 bits stored in 16, MONOCHROME1, Explicit VR Little Endian; written uncompressed next to its compressed copies.
/usr/bin/python3 - "$OUT/phantom_12bit.dcm" <<'PY'
import sys
import numpy as np
from pydicom.dataset import FileDataset, FileMetaDataset
from pydicom.uid import ExplicitVRLittleEndian, generate_uid

rows, cols = 120, 96
y, x = np.mgrid[0:rows, 0:cols]
img = np.full((rows, cols), 300, dtype=np.int64)                       # flat background
img[((x - 30) ** 2 + (y - 40) ** 2) < 15 ** 2] = 2500                   # flat disc
img[((x - 66) ** 2 + (y - 80) ** 2) < 20 ** 2] = 1800                   # second flat disc
img[90:110, 5:45] = 1000 + 60 * x[90:110, 5:45] + 7 * y[90:110, 5:45]    # gradient bar
rng = np.random.default_rng(14)
img[10:30, 60:90] = rng.integers(0, 4096, size=(20, 30))                # noise patch
img[60, :] = 4095                                                        # one bright line
meta = FileMetaDataset()
meta.MediaStorageSOPClassUID = "1.2.840.10008.5.1.4.1.1.1.1"
meta.MediaStorageSOPInstanceUID = generate_uid(entropy_srcs=["phantom_12bit"])
meta.TransferSyntaxUID = ExplicitVRLittleEndian
meta.ImplementationClassUID = generate_uid(entropy_srcs=["boneage-fixtures"])
ds = FileDataset(sys.argv[1], {}, file_meta=meta, preamble=b"\0" * 128)
ds.is_little_endian = True
ds.is_implicit_VR = False
ds.SOPClassUID = meta.MediaStorageSOPClassUID
ds.SOPInstanceUID = meta.MediaStorageSOPInstanceUID
ds.Modality = "DX"
ds.PatientName = "Synthetic^Phantom"
ds.PatientID = "phantom_12bit"
ds.PatientSex = "F"
ds.PatientAge = "008Y"
ds.Rows, ds.Columns, ds.SamplesPerPixel = rows, cols, 1
ds.PhotometricInterpretation = "MONOCHROME1"
ds.BitsAllocated, ds.BitsStored, ds.HighBit, ds.PixelRepresentation = 16, 12, 11, 0
ds.PixelData = img.astype("<u2").tobytes()
ds.save_as(sys.argv[1], write_like_original=False)
PY
dcmcjpls +un "$OUT/phantom_12bit.dcm" "$OUT/phantom_jpegls_lossless.dcm"
dcmcjpls +un +en +md 3 "$OUT/phantom_12bit.dcm" "$OUT/phantom_jpegls_near3.dcm"
dcmcjpeg +un +el +sv 6 "$OUT/phantom_12bit.dcm" "$OUT/phantom_jpeg_lossless_sv6.dcm"
dcmcrle "$OUT/phantom_12bit.dcm" "$OUT/phantom_rle.dcm"

# JPEG Lossless, Process 14. +e1: first-order prediction (selection value 1, 1.2.840.10008.1.2.4.70);
# +el +sv 7: predictor 7 ((Ra + Rb) / 2, 1.2.840.10008.1.2.4.57).
dcmcjpeg +un +e1 "$SRC/mono2_16bit.dcm" "$OUT/jpeg_lossless_sv1_16bit.dcm"
dcmcjpeg +un +el +sv 7 "$SRC/mono1_12bit.dcm" "$OUT/jpeg_lossless_sv7_mono1_12bit.dcm"
dcmcjpeg +un +el +sv 4 "$SRC/voilut_16bit_signed.dcm" "$OUT/jpeg_lossless_sv4_signed.dcm"
dcmcjpeg +un +e1 "$SRC/two_frames.dcm" "$OUT/jpeg_lossless_two_frames.dcm"
# JPEG Baseline (1.2.840.10008.1.2.4.50) and Extended (.51): 8-bit lossy; 12-bit Extended, which the reader refuses.
dcmcjpeg +un +eb "$SRC/mono2_8bit.dcm" "$OUT/jpeg_baseline_8bit.dcm"
dcmcjpeg +un +ee "$SRC/mono2_8bit.dcm" "$OUT/jpeg_extended_8bit.dcm"
dcmcjpeg +un +ee "$SRC/mono1_12bit.dcm" "$OUT/jpeg_extended_12bit.dcm"
# JPEG-LS lossless (1.2.840.10008.1.2.4.80) and near-lossless with NEAR = 2 (.81).
dcmcjpls +un "$SRC/mono2_16bit.dcm" "$OUT/jpegls_lossless_16bit.dcm"
dcmcjpls +un "$SRC/mono1_12bit.dcm" "$OUT/jpegls_lossless_mono1_12bit.dcm"
dcmcjpls +un "$SRC/mono2_8bit.dcm" "$OUT/jpegls_lossless_8bit.dcm"
dcmcjpls +un "$SRC/voilut_16bit_signed.dcm" "$OUT/jpegls_lossless_signed.dcm"
dcmcjpls +un +en +md 2 "$SRC/mono2_16bit.dcm" "$OUT/jpegls_near2_16bit.dcm"
# RLE Lossless (1.2.840.10008.1.2.5).
dcmcrle "$SRC/mono2_8bit.dcm" "$OUT/rle_8bit.dcm"
dcmcrle "$SRC/voilut_16bit_signed.dcm" "$OUT/rle_signed.dcm"
dcmcrle "$SRC/mono1_12bit.dcm" "$OUT/rle_mono1_12bit.dcm"
dcmcrle "$SRC/two_frames.dcm" "$OUT/rle_two_frames.dcm"
# Deflated Explicit VR Little Endian (1.2.840.10008.1.2.1.99).
dcmconv +td "$SRC/mono1_12bit.dcm" "$OUT/deflated_mono1_12bit.dcm"
dcmconv +td "$SRC/window_12bit_rescale.dcm" "$OUT/deflated_window_12bit.dcm"
# DCMTK's own decoding of the lossy baseline file (IJG), the reference the JDK's decoding is compared with.
dcmdjpeg "$OUT/jpeg_baseline_8bit.dcm" "$OUT/jpeg_baseline_8bit_dcmdjpeg.dcm"
ls -l "$OUT"

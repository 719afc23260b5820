/** The DICOM parser and grayscale pipeline behind {@link io.github.boneage.dicom.DicomReader}. */
package io.github.boneage.dicom.impl;

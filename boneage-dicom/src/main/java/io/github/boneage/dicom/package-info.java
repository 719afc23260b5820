/** DICOM input: CR/DX hand radiographs read at full bit depth, with patient sex, age and pixel spacing. */
package io.github.boneage.dicom;

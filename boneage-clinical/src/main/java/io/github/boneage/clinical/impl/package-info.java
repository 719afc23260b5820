/** Implementation details of the clinical layer (image warps, blurs); not a public API. */
package io.github.boneage.clinical.impl;

/** Exporting model bundles to other formats: {@link io.github.boneage.djl.export.OnnxExport}. */
package io.github.boneage.djl.export;

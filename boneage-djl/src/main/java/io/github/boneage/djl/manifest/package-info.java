/**
 * The model bundle's manifest, {@code boneage-model.json}: plain records bound to JSON by {@link ManifestJson}. The
 * format is described field by field in {@code docs/model-bundle.md}.
 */
package io.github.boneage.djl.manifest;

package io.github.boneage.clinical.explain;

/** What an occluding patch is filled with. */
public enum OcclusionFill {
    /**
     * The mean grey of the ROI: removes everything under the patch, including its brightness. Strong and simple; can
     * overstate regions whose brightness alone matters to the model.
     */
    MEAN_GREY,
    /**
     * A strongly blurred copy of the image: removes fine structure (growth plates, carpal outlines) but keeps the local
     * brightness, so the heatmap shows where the detail the model reads lies rather than where bone is bright.
     */
    BLUR
}

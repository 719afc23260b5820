package io.github.boneage.core;

/** An ROI scheme needs landmarks (or fingertips) that were not given. */
public class MissingLandmarksException extends BoneAgeException {

    /** @param message which landmarks are missing and what needed them */
    public MissingLandmarksException(String message) {
        super(message);
    }
}

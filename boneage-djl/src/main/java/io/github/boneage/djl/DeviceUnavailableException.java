package io.github.boneage.djl;

import io.github.boneage.core.BoneAgeException;

/**
 * A GPU was asked for but the engine cannot use it (no CUDA device, or a CPU-only native library on the classpath).
 * Thrown unless the caller allowed a CPU fallback ({@link DjlBoneAgeEstimator.Builder#optCpuFallback(boolean)}).
 */
public class DeviceUnavailableException extends BoneAgeException {

    /** @param message the device, the engine and why it cannot be used */
    public DeviceUnavailableException(String message) {
        super(message);
    }
}

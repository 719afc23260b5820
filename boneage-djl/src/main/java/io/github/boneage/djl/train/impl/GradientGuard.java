package io.github.boneage.djl.train.impl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDScope;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import java.util.List;

/**
 * Checks a step's gradients before the optimizer applies them, and discards them when one is not finite.
 *
 * <p>Why both trainers need it: a finite loss does not guarantee finite gradients. PyTorch 2.7.1's multi-threaded CPU
 * backward pass occasionally returned NaN gradients for the landmark network's early layers on the first step of a
 * JVM (about one run in two with two intra-op threads, never with one; the loss itself was finite), and one such update
 * turns every later prediction into NaN. PyTorch also accumulates gradients, so a skipped step must zero them or they
 * poison the next one.
 */
public final class GradientGuard {

    private GradientGuard() {
    }

    /**
     * @param weights the trainable parameter arrays (PyTorch), after {@code backward}
     * @return whether every gradient element is finite (one reduction per array, one read-back in all)
     */
    public static boolean allFinite(List<NDArray> weights) {
        if (weights.isEmpty()) {
            return true;
        }
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            NDList sums = new NDList(weights.size());
            for (NDArray w : weights) {
                // A sum is NaN or infinite when any element is (or when finite elements overflow, also worth refusing).
                sums.add(w.getGradient().sum());
            }
            return Float.isFinite(NDArrays.stack(sums).sum().getFloat());
        }
    }

    /**
     * Zeroes the gradients in place (PyTorch would otherwise add the next step's to them).
     *
     * @param weights the trainable parameter arrays (PyTorch)
     */
    public static void discard(List<NDArray> weights) {
        for (NDArray w : weights) {
            JniUtils.zeroGrad((PtNDArray) w);
        }
    }
}

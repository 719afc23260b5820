package io.github.boneage.djl.train.impl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.training.loss.Loss;
import io.github.boneage.djl.train.LossFunction;
import io.github.boneage.djl.train.net.HeadSpec;

/** The training losses: DJL's L1 and L2 (Caffe's Euclidean), and our Huber and soft-label age-bin cross-entropy. */
public final class Losses {

    private Losses() {
    }

    /**
     * @param head       the head (age bins always use the soft cross-entropy)
     * @param function   the regression loss
     * @param huberDelta Huber's threshold in scaled-target units
     * @return the loss
     */
    public static Loss of(HeadSpec head, LossFunction function, double huberDelta) {
        if (head.isAgeBins()) {
            return new SoftLabelCrossEntropy();
        }
        return switch (function) {
            case L2 -> Loss.l2Loss("l2");
            case L1 -> Loss.l1Loss("l1");
            case HUBER -> new Huber((float) huberDelta);
        };
    }

    /** Huber loss: {@code 0.5 d^2} within {@code delta}, {@code delta (|d| - 0.5 delta)} beyond, averaged. */
    static final class Huber extends Loss {
        private final float delta;

        Huber(float delta) {
            super("huber");
            this.delta = delta;
        }

        @Override
        public NDArray evaluate(NDList labels, NDList predictions) {
            NDArray diff = predictions.singletonOrThrow().sub(labels.singletonOrThrow().reshape(predictions.singletonOrThrow().getShape())).abs();
            NDArray quadratic = diff.minimum(delta);
            NDArray linear = diff.sub(quadratic);
            return quadratic.square().mul(0.5f).add(linear.mul(delta)).mean();
        }
    }

    /** Cross-entropy against a target distribution over the age bins: {@code -sum(q * log_softmax(p))}, averaged. */
    static final class SoftLabelCrossEntropy extends Loss {
        SoftLabelCrossEntropy() {
            super("soft-label-cross-entropy");
        }

        @Override
        public NDArray evaluate(NDList labels, NDList predictions) {
            NDArray logProbabilities = predictions.singletonOrThrow().logSoftmax(1);
            return logProbabilities.mul(labels.singletonOrThrow()).sum(new int[] {1}).neg().mean();
        }
    }
}

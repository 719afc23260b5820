package io.github.boneage.djl.train.optim;

import java.util.Locale;

/**
 * The update rule and its hyper-parameters. Weight decay applies to weights of rank two or more (convolution and linear
 * kernels), never to biases or batch-norm scales and shifts.
 *
 * <ul>
 *   <li>{@code sgd}: PyTorch's SGD with momentum: {@code v = momentum*v + g; w -= lr*v};</li>
 *   <li>{@code caffe-sgd}: Caffe's SGD solver, the seed paper's: {@code v = momentum*v + lr*g; w -= v} (the learning
 *       rate sits inside the momentum, which only matters when it changes);</li>
 *   <li>{@code adam}: Adam with L2 weight decay added to the gradient;</li>
 *   <li>{@code adamw}: Adam with decoupled weight decay ({@code w -= lr*decay*w}).</li>
 * </ul>
 *
 * @param method                 {@code sgd}, {@code caffe-sgd}, {@code adam} or {@code adamw}
 * @param momentum               SGD momentum
 * @param weightDecay            weight decay (L2 factor, or decoupled for {@code adamw})
 * @param beta1                  Adam's first-moment decay
 * @param beta2                  Adam's second-moment decay
 * @param epsilon                Adam's epsilon
 * @param biasLearningRateFactor learning-rate multiplier for bias parameters (Caffe's {@code lr_mult: 2} on biases)
 */
public record OptimizerSpec(String method, double momentum, double weightDecay, double beta1, double beta2, double epsilon,
        double biasLearningRateFactor) {

    /**
     * Validates the fields.
     *
     * @param method {@code sgd}, {@code caffe-sgd}, {@code adam} or {@code adamw}
     * @param momentum SGD momentum
     * @param weightDecay weight decay (L2 factor, or decoupled for {@code adamw})
     * @param beta1 Adam's first-moment decay
     * @param beta2 Adam's second-moment decay
     * @param epsilon Adam's epsilon
     * @param biasLearningRateFactor learning-rate multiplier for bias parameters (Caffe's {@code lr_mult: 2} on biases)
     */
    public OptimizerSpec {
        method = method == null ? "sgd" : method.trim().toLowerCase(Locale.ROOT);
        if (!method.equals("sgd") && !method.equals("caffe-sgd") && !method.equals("adam") && !method.equals("adamw")) {
            throw new IllegalArgumentException("unknown optimizer '" + method + "' (expected sgd, caffe-sgd, adam or adamw)");
        }
        if (!(momentum >= 0 && momentum < 1) || !(weightDecay >= 0) || !(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1)
                || !(epsilon > 0) || !(biasLearningRateFactor > 0)) {
            throw new IllegalArgumentException("optimizer hyper-parameters out of range: " + method + " momentum=" + momentum
                    + " weightDecay=" + weightDecay + " betas=" + beta1 + "," + beta2 + " epsilon=" + epsilon
                    + " biasFactor=" + biasLearningRateFactor);
        }
    }

    /**
     * @param momentum    momentum (0.9 is usual)
     * @param weightDecay weight decay (5e-4 in the seed paper)
     * @return PyTorch-style SGD
     */
    public static OptimizerSpec sgd(double momentum, double weightDecay) {
        return new OptimizerSpec("sgd", momentum, weightDecay, 0.9, 0.999, 1e-8, 1);
    }

    /** @return the seed paper's Caffe solver: momentum 0.9, weight decay 5e-4, biases at twice the learning rate */
    public static OptimizerSpec caffeSgd() {
        return new OptimizerSpec("caffe-sgd", 0.9, 5e-4, 0.9, 0.999, 1e-8, 2);
    }

    /**
     * @param weightDecay L2 weight decay added to the gradient
     * @return Adam
     */
    public static OptimizerSpec adam(double weightDecay) {
        return new OptimizerSpec("adam", 0, weightDecay, 0.9, 0.999, 1e-8, 1);
    }

    /**
     * @param weightDecay decoupled weight decay (1e-2 is AdamW's default)
     * @return AdamW
     */
    public static OptimizerSpec adamW(double weightDecay) {
        return new OptimizerSpec("adamw", 0, weightDecay, 0.9, 0.999, 1e-8, 1);
    }
}

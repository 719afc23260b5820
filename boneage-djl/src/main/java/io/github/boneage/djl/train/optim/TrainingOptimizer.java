package io.github.boneage.djl.train.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.optimizer.Optimizer;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A DJL {@link Optimizer} whose state can be saved and restored, so a resumed run continues exactly: per-parameter
 * learning-rate multipliers (lower for a pretrained backbone, Caffe's doubled bias rate), a {@link LearningRateSchedule}
 * driven by the trainer's own iteration counter ({@link #setStep}), and momentum / Adam moments keyed by the parameter's
 * position in the network (parameter ids are random per run, positions are not).
 *
 * <p>PyTorch engine only: like DJL's fused PyTorch updates, it clears each parameter's gradient after updating it.
 */
public final class TrainingOptimizer extends Optimizer {

    private final OptimizerSpec spec;
    private final LearningRateSchedule schedule;
    private final double baseLearningRate;
    private final int totalSteps;
    private final Map<String, Integer> indexById = new HashMap<>();
    private double[] multiplier = new double[0];
    private boolean[] decay = new boolean[0];
    private NDArray[][] state = new NDArray[0][];
    private int step;

    /**
     * @param spec             the update rule
     * @param schedule         the learning-rate schedule
     * @param baseLearningRate the base learning rate (the head's)
     * @param totalSteps       the run's length in iterations (for cosine and one-cycle)
     */
    public TrainingOptimizer(OptimizerSpec spec, LearningRateSchedule schedule, double baseLearningRate, int totalSteps) {
        super(new Config());
        this.spec = spec;
        this.schedule = schedule;
        this.baseLearningRate = baseLearningRate;
        this.totalSteps = totalSteps;
    }

    /**
     * Declares the parameters once they are initialized (the trainer needs the optimizer before that).
     *
     * @param parameters             the trainable parameters in the network's stable order
     * @param backboneParameterIds   ids of the parameters that belong to the backbone
     * @param backboneLearningFactor learning-rate multiplier for the backbone (e.g. 0.1 when fine-tuning)
     */
    public void register(List<Parameter> parameters, Set<String> backboneParameterIds, double backboneLearningFactor) {
        int n = parameters.size();
        indexById.clear();
        multiplier = new double[n];
        decay = new boolean[n];
        state = new NDArray[n][];
        for (int i = 0; i < n; i++) {
            Parameter p = parameters.get(i);
            indexById.put(p.getId(), i);
            double m = backboneParameterIds.contains(p.getId()) ? backboneLearningFactor : 1;
            if (p.getType() == Parameter.Type.BIAS) {
                m *= spec.biasLearningRateFactor();
            }
            multiplier[i] = m;
            decay[i] = p.getArray().getShape().dimension() >= 2;
        }
    }

    /** @param step the iteration about to be applied by {@code Trainer.step()}, from 0 */
    public void setStep(int step) {
        this.step = step;
    }

    /** @return the head's learning rate at the current iteration */
    public double currentLearningRate() {
        return baseLearningRate * schedule.factor(step, totalSteps);
    }

    @Override
    public void update(String parameterId, NDArray weight, NDArray grad) {
        Integer index = indexById.get(parameterId);
        if (index == null) {
            throw new IllegalStateException("parameter " + parameterId + " was not registered with the optimizer");
        }
        int i = index;
        float lr = (float) (currentLearningRate() * multiplier[i]);
        float wd = decay[i] ? (float) spec.weightDecay() : 0f;
        NDArray[] s = stateOf(i, weight);
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            switch (spec.method()) {
                case "sgd" -> {
                    NDArray g = wd > 0 ? grad.add(weight.mul(wd)) : grad;
                    if (s.length == 0) {
                        weight.subi(g.mul(lr));
                    } else {
                        s[0].muli((float) spec.momentum()).addi(g);
                        weight.subi(s[0].mul(lr));
                    }
                }
                case "caffe-sgd" -> {
                    NDArray g = wd > 0 ? grad.add(weight.mul(wd)) : grad;
                    if (s.length == 0) {
                        weight.subi(g.mul(lr));
                    } else {
                        s[0].muli((float) spec.momentum()).addi(g.mul(lr));
                        weight.subi(s[0]);
                    }
                }
                default -> adam(weight, grad, s, lr, wd);
            }
        }
        // PyTorch accumulates gradients; DJL's own PyTorch optimizers clear them in their fused update, so must we.
        JniUtils.zeroGrad((PtNDArray) weight);
    }

    private void adam(NDArray weight, NDArray grad, NDArray[] s, float lr, float wd) {
        boolean decoupled = spec.method().equals("adamw");
        NDArray g = wd > 0 && !decoupled ? grad.add(weight.mul(wd)) : grad;
        if (wd > 0 && decoupled) {
            weight.muli(1f - lr * wd);
        }
        float b1 = (float) spec.beta1();
        float b2 = (float) spec.beta2();
        s[0].muli(b1).addi(g.mul(1f - b1));
        s[1].muli(b2).addi(g.square().muli(1f - b2));
        int t = step + 1;
        float correction1 = (float) (1 - Math.pow(b1, t));
        float correction2 = (float) (1 - Math.pow(b2, t));
        NDArray denominator = s[1].div(correction2).sqrt().addi((float) spec.epsilon());
        weight.subi(s[0].div(denominator).muli(lr / correction1));
    }

    private NDArray[] stateOf(int i, NDArray weight) {
        if (state[i] == null) {
            int slots = switch (spec.method()) {
                case "adam", "adamw" -> 2;
                default -> spec.momentum() > 0 ? 1 : 0;
            };
            state[i] = new NDArray[slots];
            for (int k = 0; k < slots; k++) {
                state[i][k] = weight.zerosLike();
            }
        }
        return state[i];
    }

    /**
     * Writes the moments (parameters without state yet are written as absent).
     *
     * @param out the stream
     * @throws IOException if writing fails
     */
    public void saveState(DataOutputStream out) throws IOException {
        out.writeInt(state.length);
        for (NDArray[] slots : state) {
            if (slots == null) {
                out.writeInt(-1);
                continue;
            }
            out.writeInt(slots.length);
            for (NDArray a : slots) {
                byte[] bytes = a.encode();
                out.writeInt(bytes.length);
                out.write(bytes);
            }
        }
    }

    /**
     * Reads what {@link #saveState} wrote, for the same network.
     *
     * @param manager the manager that will own the moments (the model's)
     * @param in      the stream
     * @throws IOException if reading fails or the state belongs to another network
     */
    public void loadState(NDManager manager, DataInputStream in) throws IOException {
        int n = in.readInt();
        if (n != state.length) {
            throw new IOException("optimizer state has " + n + " parameters, the network " + state.length);
        }
        for (int i = 0; i < n; i++) {
            int slots = in.readInt();
            if (slots < 0) {
                state[i] = null;
                continue;
            }
            state[i] = new NDArray[slots];
            for (int k = 0; k < slots; k++) {
                byte[] bytes = new byte[in.readInt()];
                in.readFully(bytes);
                state[i][k] = manager.decode(bytes);
            }
        }
    }

    /** DJL's optimizer base needs a builder; ours keeps DJL's defaults (no rescaling, no clipping). */
    private static final class Config extends OptimizerBuilder<Config> {
        @Override
        protected Config self() {
            return this;
        }
    }
}

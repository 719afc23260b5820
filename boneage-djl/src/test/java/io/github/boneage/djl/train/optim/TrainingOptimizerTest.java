package io.github.boneage.djl.train.optim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import io.github.boneage.djl.train.net.BoneAgeNetwork;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The update rules against hand-computed values, and the optimizer state's round trip. */
class TrainingOptimizerTest {

    private NDManager manager;

    @BeforeEach
    void open() {
        manager = BoneAgeNetwork.engine().newBaseManager();
    }

    @AfterEach
    void close() {
        manager.close();
    }

    /** A rank-2 weight ([1, n], decayed) or, for biases, a rank-1 vector (not decayed). */
    private Parameter parameter(String name, Parameter.Type type, float... values) {
        Parameter p = Parameter.builder().setName(name).setType(type).build();
        NDArray a = type == Parameter.Type.BIAS ? manager.create(values)
                : manager.create(values, new ai.djl.ndarray.types.Shape(1, values.length));
        a.setRequiresGradient(true);
        p.setArray(a);
        return p;
    }

    /** Two steps of w=[1,2], grad=[0.5,-1], lr 0.1, momentum 0.9, decay 0.01 (rank-2 weight, so decayed). */
    @Test
    void sgdAndCaffeSgdFollowTheirFormulas() {
        for (String method : List.of("sgd", "caffe-sgd")) {
            Parameter w = parameter("w", Parameter.Type.WEIGHT, 1f, 2f);
            TrainingOptimizer o = new TrainingOptimizer(new OptimizerSpec(method, 0.9, 0.01, 0.9, 0.999, 1e-8, 1),
                    LearningRateSchedule.step(1, 0.5), 0.1, 10);
            o.register(List.of(w), Set.of(), 1);
            double[] weight = {1, 2};
            double[] v = {0, 0};
            double[] grad = {0.5, -1};
            for (int step = 0; step < 2; step++) {
                double lr = 0.1 * Math.pow(0.5, step);
                o.setStep(step);
                o.update(w.getId(), w.getArray(), manager.create(new float[] {0.5f, -1f}, w.getArray().getShape()));
                for (int k = 0; k < 2; k++) {
                    double g = grad[k] + 0.01 * weight[k];
                    if (method.equals("sgd")) {
                        v[k] = 0.9 * v[k] + g;
                        weight[k] -= lr * v[k];
                    } else {
                        v[k] = 0.9 * v[k] + lr * g;
                        weight[k] -= v[k];
                    }
                }
            }
            float[] got = w.getArray().toFloatArray();
            assertThat(got[0]).as(method).isCloseTo((float) weight[0], within(1e-6f));
            assertThat(got[1]).as(method).isCloseTo((float) weight[1], within(1e-6f));
        }
    }

    @Test
    void adamWDecouplesDecayAndBiasesGetTheirFactorWithoutDecay() {
        Parameter w = parameter("w", Parameter.Type.WEIGHT, 1f, 2f);
        Parameter b = parameter("b", Parameter.Type.BIAS, 3f);
        TrainingOptimizer o = new TrainingOptimizer(new OptimizerSpec("adamw", 0, 0.1, 0.9, 0.999, 1e-8, 2),
                LearningRateSchedule.constant(), 0.01, 10);
        o.register(List.of(w, b), Set.of(w.getId()), 0.5);
        o.setStep(0);
        o.update(w.getId(), w.getArray(), manager.create(new float[] {0.5f, -1f}, w.getArray().getShape()));
        o.update(b.getId(), b.getArray(), manager.create(new float[] {2f}));
        // First Adam step moves each coordinate by lr * sign(grad); backbone lr 0.005 for w, bias lr 0.02.
        float[] got = w.getArray().toFloatArray();
        assertThat(got[0]).isCloseTo((float) (1 * (1 - 0.005 * 0.1) - 0.005), within(1e-6f));
        assertThat(got[1]).isCloseTo((float) (2 * (1 - 0.005 * 0.1) + 0.005), within(1e-6f));
        assertThat(b.getArray().toFloatArray()[0]).isCloseTo(3f - 0.02f, within(1e-6f));
    }

    @Test
    void stateRoundTripContinuesIdentically() throws Exception {
        Parameter w1 = parameter("w", Parameter.Type.WEIGHT, 1f, 2f);
        Parameter w2 = parameter("w", Parameter.Type.WEIGHT, 1f, 2f);
        OptimizerSpec spec = OptimizerSpec.adam(0.01);
        TrainingOptimizer first = new TrainingOptimizer(spec, LearningRateSchedule.constant(), 0.05, 10);
        first.register(List.of(w1), Set.of(), 1);
        for (int step = 0; step < 3; step++) {
            first.setStep(step);
            first.update(w1.getId(), w1.getArray(), manager.create(new float[] {0.3f, -0.7f}, w1.getArray().getShape()));
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        first.saveState(new DataOutputStream(bytes));
        w2.getArray().set(w1.getArray().toFloatArray());
        TrainingOptimizer second = new TrainingOptimizer(spec, LearningRateSchedule.constant(), 0.05, 10);
        second.register(List.of(w2), Set.of(), 1);
        second.loadState(manager, new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
        first.setStep(3);
        second.setStep(3);
        first.update(w1.getId(), w1.getArray(), manager.create(new float[] {0.3f, -0.7f}, w1.getArray().getShape()));
        second.update(w2.getId(), w2.getArray(), manager.create(new float[] {0.3f, -0.7f}, w2.getArray().getShape()));
        assertThat(w2.getArray().toFloatArray()).containsExactly(w1.getArray().toFloatArray());
    }
}

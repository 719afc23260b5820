package io.github.boneage.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.boneage.core.RoiScheme;
import io.github.boneage.core.Sex;
import io.github.boneage.core.image.GreyImage;
import io.github.boneage.synthetic.SyntheticHandGenerator;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * One pipeline shared by eight threads gives exactly the serial results, and a long run through it keeps its memory
 * flat (the soak: {@code -Dboneage.soak.runs=10000} for the 10,000; CI runs 400).
 */
class PipelineConcurrencyTest {

    private static List<PipelineInput> inputs(int count) {
        SyntheticHandGenerator hands = SyntheticHandGenerator.builder().setSeed(99L).optImageSize(256, 320).build();
        List<PipelineInput> out = new ArrayList<>();
        for (long i = 0; i < count; i++) {
            GreyImage image = hands.generate(i).image();
            // Every other image inverted, so both paths of the inversion check run concurrently.
            GreyImage input = i % 2 == 0 ? image : new Orientation(0, false, true).apply(image);
            out.add(PipelineInput.builder().setImage(input).optSourceId("hand-" + i).optSex(Sex.MALE, "test").build());
        }
        return out;
    }

    private static String outcome(PipelineResult r) {
        return r.isSuccess() ? Double.toString(r.report().orElseThrow().estimate().months()) : r.error().orElseThrow().getMessage();
    }

    @Test
    void eightThreadsGiveTheSerialResults() throws Exception {
        BoneAgePipeline pipeline = BoneAgePipeline.builder().setEstimator(new ContentEstimator(RoiScheme.WHOLE)).build();
        List<PipelineInput> inputs = inputs(24);
        List<String> serial = new ArrayList<>();
        for (PipelineInput in : inputs) {
            serial.add(outcome(pipeline.run(in)));
        }
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<String>> futures = new ArrayList<>();
            for (PipelineInput in : inputs) {
                futures.add(pool.submit(() -> outcome(pipeline.run(in))));
            }
            for (int i = 0; i < inputs.size(); i++) {
                assertThat(futures.get(i).get()).as(inputs.get(i).sourceId()).isEqualTo(serial.get(i));
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(serial).as("some hands are estimated").anyMatch(s -> !s.contains(":"));
    }

    @Test
    void aLongRunKeepsMemoryFlat() {
        BoneAgePipeline pipeline = BoneAgePipeline.builder().setEstimator(ContentEstimator.forgetful(RoiScheme.WHOLE)).build();
        List<PipelineInput> inputs = inputs(12);
        int runs = Integer.getInteger("boneage.soak.runs", 400);
        long afterWarmUp = 0;
        for (int i = 0; i < runs; i++) {
            pipeline.run(inputs.get(i % inputs.size()));
            if (i == runs / 5) {
                afterWarmUp = usedAfterGc();
            }
        }
        long atEnd = usedAfterGc();
        System.out.printf("SAFETY soak: %d pipeline runs, heap after GC %d MB after %d runs, %d MB at the end%n", runs,
                afterWarmUp >> 20, runs / 5, atEnd >> 20);
        assertThat(atEnd - afterWarmUp).as("heap growth over the run, bytes").isLessThan(32L << 20);
    }

    private static long usedAfterGc() {
        Runtime rt = Runtime.getRuntime();
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return rt.totalMemory() - rt.freeMemory();
    }
}

package io.github.boneage.benchmarks;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The library's overhead over the raw engine, measured paired: for each network and engine, one JVM holds the raw DJL
 * predictor ({@link InferenceBenchmark#raw1}), the estimator on a pass-through bundle ({@link InferenceBenchmark#library1})
 * and the end-to-end estimator ({@link InferenceBenchmark#endToEnd1}), and calls them in turn, in rotating order, so
 * that load from other processes falls on all three alike; then the same for batches of 32 ({@code raw32},
 * {@code library32}). Reports the median of each and the median of the per-round ratios to the raw time. Complements
 * the JMH run, whose forks run one after another and so see different loads.
 *
 * <p>Usage: {@code java -cp boneage-benchmarks/target/benchmarks.jar io.github.boneage.benchmarks.InferenceOverhead
 * [rounds [rounds32 [models]]]} (defaults 25, 5 and {@code googlenet,resnet50,alexnet}), from the repository root,
 * after {@code tools/make_benchmark_models.py}.
 */
public final class InferenceOverhead {

    private static final int WARMUP_ROUNDS = 2;

    private InferenceOverhead() {
    }

    /**
     * @param args optional number of measured rounds
     * @throws Exception when a model cannot be loaded or run
     */
    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 25;
        int rounds32 = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        List<String> models = List.of((args.length > 2 ? args[2] : "googlenet,resnet50,alexnet").split(","));
        // The same single-threaded engines as the JMH forks (see InferenceBenchmark).
        System.setProperty("ai.djl.pytorch.num_threads", System.getProperty("ai.djl.pytorch.num_threads", "1"));
        System.setProperty("ai.djl.pytorch.num_interop_threads", System.getProperty("ai.djl.pytorch.num_interop_threads", "1"));
        InferenceBenchmark bench = new InferenceBenchmark();
        InferenceBenchmark.Radiograph radiograph = new InferenceBenchmark.Radiograph();
        radiograph.make();
        System.out.printf(Locale.ROOT, "%-10s %-12s %9s %9s %9s %9s %9s %10s %10s %10s%n", "model", "engine", "raw1 ms",
                "lib1 ms", "e2e1 ms", "raw32 ms", "lib32 ms", "lib1/raw1", "e2e1/raw1", "lib32/raw32");
        for (String model : models) {
            for (String engine : List.of("OnnxRuntime", "PyTorch")) {
                InferenceBenchmark.Network network = new InferenceBenchmark.Network();
                network.model = model;
                network.engine = engine;
                network.locate();
                InferenceBenchmark.Raw raw = new InferenceBenchmark.Raw();
                raw.load(network);
                InferenceBenchmark.Library library = new InferenceBenchmark.Library();
                library.load(network);
                InferenceBenchmark.EndToEnd endToEnd = new InferenceBenchmark.EndToEnd();
                endToEnd.load(network, radiograph);
                try {
                    double[][] one = interleave(rounds, 3, which -> {
                        switch (which) {
                            case 0 -> bench.raw1(raw);
                            case 1 -> bench.library1(library);
                            default -> bench.endToEnd1(endToEnd, radiograph);
                        }
                    });
                    double[][] many = interleave(rounds32, 2, which -> {
                        if (which == 0) {
                            bench.raw32(raw);
                        } else {
                            bench.library32(library);
                        }
                    });
                    System.out.printf(Locale.ROOT, "%-10s %-12s %9.1f %9.1f %9.1f %9.1f %9.1f %+9.1f%% %+9.1f%% %+9.1f%%%n",
                            model, engine, median(one[0]), median(one[1]), median(one[2]), median(many[0]),
                            median(many[1]), overhead(one[1], one[0]), overhead(one[2], one[0]),
                            overhead(many[1], many[0]));
                } finally {
                    raw.close();
                    library.close();
                    endToEnd.close();
                }
            }
        }
    }

    /** One of the variants being compared, by index. */
    private interface Variant {
        void run(int which) throws Exception;
    }

    /** @return milliseconds per variant and round; each round runs every variant once, starting with a rotating one */
    private static double[][] interleave(int rounds, int variants, Variant variant) throws Exception {
        double[][] ms = new double[variants][rounds];
        for (int r = -WARMUP_ROUNDS; r < rounds; r++) {
            for (int k = 0; k < variants; k++) {
                int which = Math.floorMod(r + k, variants);
                long start = System.nanoTime();
                variant.run(which);
                if (r >= 0) {
                    ms[which][r] = (System.nanoTime() - start) / 1e6;
                }
            }
        }
        return ms;
    }

    /** @return the median over rounds of {@code variant / baseline - 1}, in percent */
    private static double overhead(double[] variant, double[] baseline) {
        double[] ratio = new double[variant.length];
        for (int r = 0; r < ratio.length; r++) {
            ratio[r] = variant[r] / baseline[r];
        }
        return 100 * (median(ratio) - 1);
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }
}

package io.github.boneage.benchmarks;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The library's overhead over the raw engine, measured paired: for each network and engine, one JVM holds the raw DJL
 * predictor ({@link InferenceBenchmark#raw1}), the estimator on a pass-through bundle ({@link InferenceBenchmark#library1})
 * and the end-to-end estimator ({@link InferenceBenchmark#endToEnd1}), and calls them in turn, in rotating order, so
 * that load from other processes falls on all three alike. Reports the median of each and the median of the per-round
 * ratios to the raw time. Complements the JMH run, whose forks run one after another and so see different loads.
 *
 * <p>Usage: {@code java -cp boneage-benchmarks/target/benchmarks.jar io.github.boneage.benchmarks.InferenceOverhead
 * [rounds]} (default 25), from the repository root, after {@code tools/make_benchmark_models.py}.
 */
public final class InferenceOverhead {

    private static final int WARMUP_ROUNDS = 3;

    private InferenceOverhead() {
    }

    /**
     * @param args optional number of measured rounds
     * @throws Exception when a model cannot be loaded or run
     */
    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 25;
        // The same single-threaded engines as the JMH forks (see InferenceBenchmark).
        System.setProperty("ai.djl.pytorch.num_threads", System.getProperty("ai.djl.pytorch.num_threads", "1"));
        System.setProperty("ai.djl.pytorch.num_interop_threads", System.getProperty("ai.djl.pytorch.num_interop_threads", "1"));
        InferenceBenchmark bench = new InferenceBenchmark();
        InferenceBenchmark.Radiograph radiograph = new InferenceBenchmark.Radiograph();
        radiograph.make();
        System.out.printf(Locale.ROOT, "%-10s %-12s %9s %9s %9s %10s %10s%n", "model", "engine", "raw1 ms", "lib1 ms",
                "e2e1 ms", "lib/raw", "e2e/raw");
        for (String model : List.of("googlenet", "resnet50", "alexnet")) {
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
                    double[][] ms = new double[3][rounds];
                    for (int r = -WARMUP_ROUNDS; r < rounds; r++) {
                        for (int k = 0; k < 3; k++) {
                            int which = Math.floorMod(r + k, 3);
                            long start = System.nanoTime();
                            switch (which) {
                                case 0 -> bench.raw1(raw);
                                case 1 -> bench.library1(library);
                                default -> bench.endToEnd1(endToEnd, radiograph);
                            }
                            if (r >= 0) {
                                ms[which][r] = (System.nanoTime() - start) / 1e6;
                            }
                        }
                    }
                    double[] libRatio = new double[rounds];
                    double[] e2eRatio = new double[rounds];
                    for (int r = 0; r < rounds; r++) {
                        libRatio[r] = ms[1][r] / ms[0][r];
                        e2eRatio[r] = ms[2][r] / ms[0][r];
                    }
                    System.out.printf(Locale.ROOT, "%-10s %-12s %9.1f %9.1f %9.1f %+9.1f%% %+9.1f%%%n", model, engine,
                            median(ms[0]), median(ms[1]), median(ms[2]), 100 * (median(libRatio) - 1),
                            100 * (median(e2eRatio) - 1));
                } finally {
                    raw.close();
                    library.close();
                    endToEnd.close();
                }
            }
        }
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }
}

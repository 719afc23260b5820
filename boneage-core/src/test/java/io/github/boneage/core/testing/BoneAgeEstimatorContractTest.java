package io.github.boneage.core.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.github.boneage.core.BoneAgeEstimate;
import io.github.boneage.core.BoneAgeEstimator;
import io.github.boneage.core.BoneAgeException;
import io.github.boneage.core.EstimationOutcome;
import io.github.boneage.core.EstimationRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link BoneAgeEstimator} promises: estimates that name their source and model, determinism, batches in
 * request order that agree with single estimates, one bad item failing alone, thread safety, and an idempotent close.
 * Each implementation's test extends this class and supplies an estimator and requests.
 */
public abstract class BoneAgeEstimatorContractTest {

    /** Threads and estimates per thread of the concurrency check. */
    private static final int THREADS = 8;
    private static final int ESTIMATES_PER_THREAD = 100;

    private BoneAgeEstimator estimator;

    /** @return a new estimator; the contract test closes it */
    protected abstract BoneAgeEstimator createEstimator();

    /** @return at least three requests the estimator can estimate, with distinct source ids and images */
    protected abstract List<EstimationRequest> validRequests();

    /** @return a request the estimator must refuse (e.g. without the landmarks its ROI needs) */
    protected abstract EstimationRequest invalidRequest();

    /**
     * @return how far a batched estimate may be from the single one, in months: stacking images may change the
     *         engine's summation order
     */
    protected double batchTolerance() {
        return 1e-4;
    }

    @BeforeEach
    void openEstimator() {
        estimator = createEstimator();
    }

    @AfterEach
    void closeEstimator() {
        estimator.close();
    }

    /** @return the estimator under test */
    protected BoneAgeEstimator estimator() {
        return estimator;
    }

    @Test
    void estimateNamesSourceAndModelAndIsFinite() {
        EstimationRequest request = validRequests().get(0);
        BoneAgeEstimate e = estimator.estimate(request);
        assertThat(e.sourceId()).isEqualTo(request.sourceId());
        assertThat(e.months()).isFinite();
        assertThat(e.model()).isNotNull();
        assertThat(e.model().architecture()).isEqualTo(estimator.model().architecture());
        assertThat(e.model().digest()).isNotBlank();
        assertThat(e.roi()).isNotNull();
        assertThat(e.roi().fitsIn(request.image().width(), request.image().height())).isTrue();
        assertThat(e.sexUsed()).isNotNull();
    }

    @Test
    void estimatesAreDeterministic() {
        for (EstimationRequest r : validRequests()) {
            assertThat(estimator.estimate(r).months()).isEqualTo(estimator.estimate(r).months());
        }
    }

    @Test
    void batchIsInRequestOrderAndAgreesWithSingleEstimates() {
        List<EstimationRequest> requests = validRequests();
        List<EstimationOutcome> outcomes = estimator.estimateBatch(requests);
        assertThat(outcomes).hasSize(requests.size());
        for (int i = 0; i < requests.size(); i++) {
            EstimationOutcome o = outcomes.get(i);
            assertThat(o.sourceId()).isEqualTo(requests.get(i).sourceId());
            assertThat(o.isSuccess()).as("outcome %s: %s", i, o.error()).isTrue();
            assertThat(o.estimate().orElseThrow().months())
                    .isCloseTo(estimator.estimate(requests.get(i)).months(), within(batchTolerance()));
        }
    }

    @Test
    void emptyBatchGivesNoOutcomes() {
        assertThat(estimator.estimateBatch(List.of())).isEmpty();
    }

    @Test
    void invalidRequestFailsNamingItsSource() {
        EstimationRequest bad = invalidRequest();
        assertThatThrownBy(() -> estimator.estimate(bad))
                .isInstanceOf(BoneAgeException.class)
                .hasMessageContaining(bad.sourceId());
    }

    @Test
    void badItemFailsAloneInBatch() {
        List<EstimationRequest> valid = validRequests();
        EstimationRequest bad = invalidRequest();
        List<EstimationOutcome> outcomes = estimator.estimateBatch(List.of(valid.get(0), bad, valid.get(1)));
        assertThat(outcomes).hasSize(3);
        assertThat(outcomes.get(1).isSuccess()).isFalse();
        assertThat(outcomes.get(1).sourceId()).isEqualTo(bad.sourceId());
        assertThat(outcomes.get(1).error().orElseThrow()).hasMessageContaining(bad.sourceId());
        assertThat(outcomes.get(0).estimate().orElseThrow().months())
                .isCloseTo(estimator.estimate(valid.get(0)).months(), within(batchTolerance()));
        assertThat(outcomes.get(2).estimate().orElseThrow().months())
                .isCloseTo(estimator.estimate(valid.get(1)).months(), within(batchTolerance()));
    }

    @Test
    void concurrentEstimatesEqualSerialOnes() throws Exception {
        List<EstimationRequest> requests = validRequests();
        double[] serial = new double[requests.size()];
        for (int i = 0; i < serial.length; i++) {
            serial[i] = estimator.estimate(requests.get(i)).months();
        }
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try {
            List<Future<List<String>>> futures = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                int offset = t;
                futures.add(pool.submit(() -> {
                    List<String> mismatches = new ArrayList<>();
                    for (int i = 0; i < ESTIMATES_PER_THREAD; i++) {
                        int k = (offset + i) % requests.size();
                        double months = estimator.estimate(requests.get(k)).months();
                        if (months != serial[k]) {
                            mismatches.add(requests.get(k).sourceId() + ": " + months + " != " + serial[k]);
                        }
                    }
                    return mismatches;
                }));
            }
            for (Future<List<String>> f : futures) {
                assertThat(f.get(5, TimeUnit.MINUTES)).isEmpty();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void closeIsIdempotent() {
        BoneAgeEstimator extra = createEstimator();
        extra.close();
        extra.close();
    }
}

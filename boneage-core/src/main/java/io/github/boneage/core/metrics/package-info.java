/**
 * Agreement metrics between reference and estimated bone age: MAD, RMSE, Pearson r, Lin's CCC and within-6/12-month
 * shares, overall and per sex ({@link io.github.boneage.core.metrics.MetricsAccumulator}).
 */
package io.github.boneage.core.metrics;

package org.resnet4j.train;

/**
 * One row of a run's {@code metrics.csv}: where training stood at the end of an epoch. Errors are
 * fractions (0.0873, not 8.73%); validation and test values are null when not measured.
 */
public record EpochMetrics(
        int epoch,
        long iteration,
        double lr,
        double trainLoss,
        double trainError,
        Double valLoss,
        Double valError,
        Double testError,
        double imagesPerSec,
        double seconds) {}

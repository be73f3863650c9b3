package io.patinox.contracts.events;

/**
 * Percentiles of a latency distribution, in milliseconds, from a mergeable sketch.
 *
 * @param count how many observations
 * @param p50 median
 * @param p95 95th percentile
 * @param p99 99th percentile
 * @param max largest observation
 */
public record LatencySummary(long count, double p50, double p95, double p99, double max) {
    public LatencySummary {
        Checks.nonNegative(count, "count");
    }
}

package io.patinox.contracts.events;

import java.util.List;

/**
 * A group of similar failed, retried or blocked steps.
 *
 * @param clusterId a stable id for the cluster
 * @param size how many steps it holds
 * @param trend change of size against the previous window (positive: growing)
 * @param exemplars a few representative texts (already redacted)
 */
public record FailureCluster(String clusterId, long size, double trend, List<String> exemplars) {
    public FailureCluster {
        Checks.requiredText(clusterId, "clusterId");
        Checks.nonNegative(size, "size");
        exemplars = Checks.list(exemplars);
    }
}

package io.patinox.analyzer.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.List;

/**
 * Settings of the analyzer. Kafka Streams itself is configured under {@code kafka-streams.*} and
 * {@code quarkus.kafka-streams.*}; this mapping holds what the aggregation means.
 */
@ConfigMapping(prefix = "patinox.analyzer")
public interface AnalyzerConfig {

    /** Tumbling window sizes, besides the running totals. Each gets its own state store and subject. */
    @WithDefault("PT1M,PT1H")
    List<Duration> windows();

    /**
     * How long after a window closes (in event time) a late event is still counted in it. Events later than
     * that are counted as late in the totals instead.
     */
    @WithDefault("PT30S")
    Duration grace();

    /**
     * How long a closed window stays in the state store (for late counting and REST) before it is removed and its
     * subject is deleted from the compacted topic (a tombstone).
     */
    @WithDefault("P1D")
    Duration windowRetention();

    /**
     * How often changed aggregates are published. Changes within one interval are coalesced into one record per
     * subject, which is what keeps the output volume independent of the input rate. The default matches the commit
     * interval ({@code kafka-streams.commit.interval.ms}): under exactly-once nothing becomes visible before the
     * commit, so publishing more often only multiplies the records every reader of the aggregates decodes.
     */
    @WithDefault("PT1S")
    Duration emitInterval();

    /**
     * Tallies kept deserialised in memory per stream task and store (totals, windows), so hot subjects are neither
     * decoded nor encoded on every event; a changed one is written to its store once per commit.
     */
    @WithDefault("10000")
    int hotTallies();

    /** Significant decimal digits of the latency histograms: 2 means percentiles within 1 %. */
    @WithDefault("2")
    int latencyDigits();

    /** Prometheus metrics. */
    Metrics metrics();

    /** Failure clusters. */
    Clusters clusters();

    /** Failure clusters: blocked, retried and failed steps embedded, stored in Lance and grouped. */
    interface Clusters {

        /** Whether failure steps are embedded and clustered at all. */
        @WithDefault("true")
        boolean enabled();

        /**
         * The Lance dataset of failure vectors (a directory); it survives restarts and rebuilds the clusters. Default
         * and env ({@code PATINOX_ANALYZER_DATA_DIR}, the directory holding it) in application.properties.
         */
        String dataset();

        /** Cosine similarity to a cluster's centroid from which a failure joins that cluster instead of a new one. */
        @WithDefault("0.6")
        double similarity();

        /** Exemplar texts kept per cluster. */
        @WithDefault("3")
        int exemplars();

        /** The trend of a cluster is its growth in the last such period against the period before. */
        @WithDefault("PT1H")
        Duration trendWindow();
    }

    /** Prometheus metrics. */
    interface Metrics {

        /**
         * Distinct values kept per label (agent, config version, tool, validator); further values are reported as
         * {@code other}, so a flood of config versions cannot blow up the metric series.
         */
        @WithDefault("100")
        int maxLabelValues();
    }
}

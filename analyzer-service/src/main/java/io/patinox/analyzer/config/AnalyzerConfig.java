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

    /** Significant decimal digits of the latency histograms: 2 means percentiles within 1 %. */
    @WithDefault("2")
    int latencyDigits();

    /** Prometheus metrics. */
    Metrics metrics();

    /** Prometheus metrics. */
    interface Metrics {

        /**
         * Distinct values kept per label (agent, config version, validator); further values are reported as
         * {@code other}, so a flood of config versions cannot blow up the metric series.
         */
        @WithDefault("100")
        int maxLabelValues();
    }
}

package io.patinox.analyzer.service;

import io.patinox.analyzer.config.AnalyzerConfig;
import java.time.Duration;
import java.util.List;

/**
 * How contributions are folded: tumbling window sizes, grace period, retention of closed windows, publishing
 * interval, histogram precision and the in-memory tally cache.
 */
public record Windowing(List<Duration> windows, Duration grace, Duration retention, Duration emitInterval,
        int digits, int hotTallies) {

    /** The settings of the running service. */
    public static Windowing of(AnalyzerConfig config) {
        return new Windowing(List.copyOf(config.windows()), config.grace(), config.windowRetention(),
                config.emitInterval(), config.latencyDigits(), config.hotTallies());
    }

    /** The start of the tumbling window of {@code size} that holds {@code timestampMillis}. */
    public static long windowStart(long timestampMillis, Duration size) {
        long sizeMillis = size.toMillis();
        return timestampMillis - Math.floorMod(timestampMillis, sizeMillis);
    }

    /**
     * Whether a window ending at {@code windowEndMillis} still takes events at {@code streamTimeMillis}: the same
     * rule Kafka Streams applies to its own windows (open while {@code end > streamTime - grace}).
     */
    public boolean open(long windowEndMillis, long streamTimeMillis) {
        return windowEndMillis > streamTimeMillis - grace.toMillis();
    }
}

package io.patinox.analyzer.service;

import io.patinox.analyzer.config.AnalyzerConfig;
import io.patinox.analyzer.messaging.AggregationTopology;
import io.patinox.contracts.events.TelemetryAggregate;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.QueryableStoreTypes;

/**
 * Reads the current aggregates out of the topology's state stores (interactive queries), so the answer survives
 * a restart: the stores are rebuilt from their changelogs.
 */
@ApplicationScoped
public class AggregateQueries {

    @Inject
    KafkaStreams streams;

    @Inject
    AnalyzerConfig config;

    /**
     * The aggregates matching the filters (null matches all). {@code window} is {@code total} or a window size
     * such as {@code PT1M}.
     *
     * @throws InvalidStateStoreException while the stores are not queryable (starting, rebalancing)
     */
    public List<TelemetryAggregate> find(String agent, String version, String window) {
        List<TelemetryAggregate> found = new ArrayList<>();
        if (window == null || TelemetryAggregate.TOTAL.equals(window)) {
            var store = streams.store(StoreQueryParameters.fromNameAndType(AggregationTopology.TOTALS_STORE,
                    QueryableStoreTypes.<String, Tally>keyValueStore()));
            try (var all = store.all()) {
                all.forEachRemaining(kv -> {
                    if (matches(kv.value, agent, version)) {
                        found.add(kv.value.toAggregate(TelemetryAggregate.TOTAL, null, null));
                    }
                });
            }
        }
        for (Duration size : config.windows()) {
            if (window != null && !window.equals(size.toString())) {
                continue;
            }
            var store = streams.store(StoreQueryParameters.fromNameAndType(AggregationTopology.windowStore(size),
                    QueryableStoreTypes.<String, Tally>windowStore()));
            try (var all = store.fetchAll(Instant.EPOCH, Instant.now().plus(size))) {
                all.forEachRemaining(kv -> {
                    if (matches(kv.value, agent, version)) {
                        found.add(kv.value.toAggregate(size.toString(), kv.key.window().startTime(),
                                kv.key.window().endTime()));
                    }
                });
            }
        }
        found.sort(Comparator.comparing(TelemetryAggregate::subject));
        return found;
    }

    private static boolean matches(Tally tally, String agent, String version) {
        return tally != null && (agent == null || agent.equals(tally.agent()))
                && (version == null || version.equals(tally.configVersion()));
    }
}

package io.patinox.analyzer.service;

import io.patinox.analyzer.messaging.AggregationTopology;
import io.patinox.contracts.events.TelemetryAggregate;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * Reads the current aggregates out of the topology's state stores (interactive queries), so the answer survives
 * a restart: the stores are rebuilt from their changelogs.
 */
@ApplicationScoped
public class AggregateQueries {

    @Inject
    KafkaStreams streams;

    /**
     * The aggregates matching the filters (null matches all). {@code window} is {@code total} or a window size
     * such as {@code PT1M}.
     *
     * @throws InvalidStateStoreException while the stores are not queryable (starting, rebalancing)
     */
    public List<TelemetryAggregate> find(String agent, String version, String window) {
        List<TelemetryAggregate> found = new ArrayList<>();
        if (window == null || TelemetryAggregate.TOTAL.equals(window)) {
            try (var all = store(AggregationTopology.TOTALS_STORE).all()) {
                all.forEachRemaining(kv -> {
                    if (matches(kv.value, agent, version)) {
                        found.add(kv.value.toAggregate(TelemetryAggregate.TOTAL, null, null));
                    }
                });
            }
        }
        if (window == null || !TelemetryAggregate.TOTAL.equals(window)) {
            try (var all = store(AggregationTopology.WINDOWS_STORE).all()) {
                all.forEachRemaining(kv -> {
                    WindowKey key = WindowKey.decode(kv.key);
                    String size = key.size().toString();
                    if ((window == null || window.equals(size)) && matches(kv.value, agent, version)) {
                        found.add(kv.value.toAggregate(size, key.start(), key.end()));
                    }
                });
            }
        }
        found.sort(Comparator.comparing(TelemetryAggregate::subject));
        return found;
    }

    private ReadOnlyKeyValueStore<String, Tally> store(String name) {
        return streams.store(StoreQueryParameters.fromNameAndType(name, QueryableStoreTypes.keyValueStore()));
    }

    private static boolean matches(Tally tally, String agent, String version) {
        return tally != null && (agent == null || agent.equals(tally.agent()))
                && (version == null || version.equals(tally.configVersion()));
    }
}

package io.patinox.analyzer.service;

import io.patinox.analyzer.messaging.AggregationTopology;
import io.patinox.contracts.events.TelemetryAggregate;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;
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

    @Inject
    Clock clock;

    /** The filter value that matches every tool or every validator. */
    public static final String ANY = "*";

    /**
     * The agent-level aggregates matching the filters (null matches all). {@code window} is {@code total} or a
     * window size such as {@code PT1M}.
     *
     * @throws InvalidStateStoreException while the stores are not queryable (starting, rebalancing)
     */
    public List<TelemetryAggregate> find(String agent, String version, String window) {
        return find(agent, version, window, null, null);
    }

    /**
     * The aggregates matching the filters (null matches all). Without {@code tool} and {@code validator} only the
     * agent-level aggregates; with {@code tool} (a name, or {@value #ANY}) only tool aggregates, likewise
     * {@code validator}. Both at once match nothing: an aggregate is narrowed to one of them at most.
     *
     * @throws InvalidStateStoreException while the stores are not queryable (starting, rebalancing)
     */
    public List<TelemetryAggregate> find(String agent, String version, String window, String tool,
            String validator) {
        Filter filter = new Filter(agent, version, tool, validator);
        List<TelemetryAggregate> found = new ArrayList<>();
        if (window == null || TelemetryAggregate.TOTAL.equals(window)) {
            try (var all = store(AggregationTopology.TOTALS_STORE).all()) {
                all.forEachRemaining(kv -> {
                    if (filter.matches(kv.value)) {
                        found.add(kv.value.toAggregate(TelemetryAggregate.TOTAL, null, null, clock.instant()));
                    }
                });
            }
        }
        if (window == null || !TelemetryAggregate.TOTAL.equals(window)) {
            try (var all = store(AggregationTopology.WINDOWS_STORE).all()) {
                all.forEachRemaining(kv -> {
                    WindowKey key = WindowKey.decode(kv.key);
                    String size = key.size().toString();
                    if ((window == null || window.equals(size)) && filter.matches(kv.value)) {
                        found.add(kv.value.toAggregate(size, key.start(), key.end(), clock.instant()));
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

    private record Filter(String agent, String version, String tool, String validator) {

        boolean matches(Tally tally) {
            if (tally == null || tally.agent() == null || (agent != null && !agent.equals(tally.agent()))
                    || (version != null && !version.equals(tally.configVersion()))) {
                return false;
            }
            Scope scope = tally.scope();
            return switch (scope.dimension()) {
                case AGENT -> tool == null && validator == null;
                case TOOL -> validator == null && tool != null && (ANY.equals(tool) || tool.equals(scope.name()));
                case VALIDATOR -> tool == null && validator != null
                        && (ANY.equals(validator) || validator.equals(scope.name()));
            };
        }
    }
}

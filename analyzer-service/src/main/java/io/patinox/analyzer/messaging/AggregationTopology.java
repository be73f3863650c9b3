package io.patinox.analyzer.messaging;

import io.patinox.analyzer.config.AnalyzerConfig;
import io.patinox.analyzer.service.Contribution;
import io.patinox.analyzer.service.Tally;
import io.patinox.analyzer.service.TelemetryMetrics;
import io.patinox.contracts.events.Event;
import io.patinox.contracts.events.RunResult;
import io.patinox.contracts.events.StepEvent;
import io.patinox.contracts.events.TelemetryAggregate;
import io.patinox.contracts.events.ValidationReply;
import io.patinox.contracts.json.Json;
import io.patinox.contracts.topics.Topics;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;
import java.time.Duration;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.KGroupedStream;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.TimeWindows;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.WindowStore;

/**
 * The analyzer's Kafka Streams topology: decode the three telemetry topics (bad records to their dead-letter
 * topics), re-key every contribution by (agent, config version), fold it into running totals and into each
 * tumbling window, and publish every changed tally to the compacted {@code patinox.aggregates}.
 */
@ApplicationScoped
public class AggregationTopology {

    /** State store of the running totals; queried by the REST resource. */
    public static final String TOTALS_STORE = "totals";

    @Inject
    AnalyzerConfig config;

    @Inject
    TelemetryMetrics metrics;

    /** The state store of one tumbling window size, e.g. {@code window-PT1M}. */
    public static String windowStore(Duration size) {
        return "window-" + size;
    }

    @Produces
    Topology topology() {
        StreamsBuilder builder = new StreamsBuilder();
        KStream<String, Contribution> contributions = decoded(builder, Topics.STEPS, StepEvent.class)
                .merge(decoded(builder, Topics.VALIDATION_REPLIES, ValidationReply.class))
                .merge(decoded(builder, Topics.RESULTS, RunResult.class));

        KGroupedStream<String, Contribution> byAgentVersion = contributions.groupBy(
                (key, c) -> c.groupKey(), Grouped.with("by-agent-version", Serdes.String(), new ContributionSerde()));
        int digits = config.latencyDigits();
        var tallySerde = new TallySerde(digits);

        // Caching off: every change is published at once (the aggregate of a run must appear within a second).
        byAgentVersion.aggregate(() -> new Tally(digits), (key, c, tally) -> tally.add(c),
                        Named.as("fold-totals"),
                        Materialized.<String, Tally, KeyValueStore<Bytes, byte[]>>as(TOTALS_STORE)
                                .withKeySerde(Serdes.String()).withValueSerde(tallySerde).withCachingDisabled())
                .toStream(Named.as("totals-changes"))
                .filter((key, tally) -> tally != null, Named.as("totals-present"))
                .map((key, tally) -> {
                    TelemetryAggregate aggregate = tally.toAggregate(TelemetryAggregate.TOTAL, null, null);
                    return KeyValue.pair(aggregate.subject(), Json.encode(aggregate));
                }, Named.as("totals-encode"))
                .to(Topics.AGGREGATES, Produced.with(Serdes.String(), Serdes.ByteArray()).withName("totals-out"));

        for (Duration size : config.windows()) {
            String name = windowStore(size);
            byAgentVersion.windowedBy(TimeWindows.ofSizeAndGrace(size, config.grace()))
                    .aggregate(() -> new Tally(digits), (key, c, tally) -> tally.add(c), Named.as("fold-" + name),
                            Materialized.<String, Tally, WindowStore<Bytes, byte[]>>as(name)
                                    .withKeySerde(Serdes.String()).withValueSerde(tallySerde).withCachingDisabled())
                    .toStream(Named.as(name + "-changes"))
                    .filter((window, tally) -> tally != null, Named.as(name + "-present"))
                    .map((window, tally) -> {
                        TelemetryAggregate aggregate = tally.toAggregate(size.toString(), window.window().startTime(),
                                window.window().endTime());
                        return KeyValue.pair(aggregate.subject(), Json.encode(aggregate));
                    }, Named.as(name + "-encode"))
                    .to(Topics.AGGREGATES, Produced.with(Serdes.String(), Serdes.ByteArray()).withName(name + "-out"));
        }
        return builder.build();
    }

    /** The good contributions of one topic; its bad records go to its dead-letter topic. */
    private <E extends Event> KStream<String, Contribution> decoded(StreamsBuilder builder, String topic,
                                                                   Class<E> type) {
        String name = topic.substring(Topics.PREFIX.length()).replace('.', '-');
        var split = builder.stream(topic, Consumed.with(Serdes.String(), Serdes.ByteArray()).withName(name + "-in"))
                .process(() -> new DecodeProcessor<>(type, metrics::record), Named.as(name + "-decode"))
                .split(Named.as(name + "-"))
                .branch((key, d) -> d.isOk(), Branched.as("ok"))
                .defaultBranch(Branched.as("refused"));
        split.get(name + "-refused")
                .process(() -> new DeadLetterProcessor(topic, metrics::deadLettered), Named.as(name + "-dead-letter"))
                .to(Topics.dlq(topic), Produced.with(Serdes.String(), Serdes.ByteArray()).withName(name + "-dlq"));
        return split.get(name + "-ok").mapValues(Decoded::contribution, Named.as(name + "-contribution"));
    }
}

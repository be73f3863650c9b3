package io.patinox.analyzer.messaging;

import io.patinox.analyzer.config.AnalyzerConfig;
import io.patinox.analyzer.service.Contribution;
import io.patinox.analyzer.service.TelemetryMetrics;
import io.patinox.analyzer.service.Windowing;
import io.patinox.contracts.events.Event;
import io.patinox.contracts.events.TelemetryAggregate;
import io.patinox.contracts.topics.Topics;
import io.patinox.runtime.kafka.ContractDeserializer;
import io.patinox.runtime.kafka.RecordSerdes.RunResultDeserializer;
import io.patinox.runtime.kafka.RecordSerdes.StepEventDeserializer;
import io.patinox.runtime.kafka.RecordSerdes.TelemetryAggregateDeserializer;
import io.patinox.runtime.kafka.RecordSerdes.TelemetryAggregateSerializer;
import io.patinox.runtime.kafka.RecordSerdes.ValidationReplyDeserializer;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.function.Consumer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.state.Stores;

/**
 * The analyzer's Kafka Streams topology: decode the three telemetry topics (bad records to their dead-letter
 * topics, records already counted dropped), re-key every contribution by (agent, config version), fold it into running totals
 * and tumbling
 * windows of the agent, its tools and its validators ({@link TallyProcessor}), and publish changed aggregates to the
 * compacted {@code patinox.aggregates}.
 */
@ApplicationScoped
public class AggregationTopology {

    /** State store of the running totals, keyed by group key; queried by the REST resource. */
    public static final String TOTALS_STORE = TallyProcessor.TOTALS_STORE;
    /** State store of the tumbling windows, keyed by {@code WindowKey}; queried by the REST resource. */
    public static final String WINDOWS_STORE = TallyProcessor.WINDOWS_STORE;

    /** The aggregates as every other producer of the topic writes them: the contracts' JSON. */
    private static final Serde<TelemetryAggregate> AGGREGATES = Serdes.serdeFrom(new TelemetryAggregateSerializer(),
            new TelemetryAggregateDeserializer());

    @Inject
    AnalyzerConfig config;

    @Inject
    TelemetryMetrics metrics;

    @Produces
    Topology topology() {
        return build(Windowing.of(config), metrics::record, metrics::deadLettered, metrics::duplicate);
    }

    /** The topology, outside CDI too (restart test, benchmark), duplicates dropped silently. */
    public static Topology build(Windowing windowing, Consumer<Event> onDecoded, Consumer<String> onDeadLetter) {
        return build(windowing, onDecoded, onDeadLetter, topic -> {
        });
    }

    /**
     * The topology.
     *
     * @param onDecoded called with every event that decoded and is counted (not a duplicate)
     * @param onDeadLetter called with the source topic of every refused record
     * @param onDuplicate called with the source topic of every record dropped as already counted
     */
    public static Topology build(Windowing windowing, Consumer<Event> onDecoded, Consumer<String> onDeadLetter,
            Consumer<String> onDuplicate) {
        StreamsBuilder builder = new StreamsBuilder();
        var tallySerde = new TallySerde(windowing.digits());
        // The fold keeps changed tallies in memory and writes each once right before the commit (the stores' flush
        // hook), so the stores need no record cache of their own: they still commit with the offsets.
        builder.addStateStore(FlushHookStore.builder(Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(TOTALS_STORE), Serdes.String(), tallySerde).withCachingDisabled()));
        builder.addStateStore(FlushHookStore.builder(Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(WINDOWS_STORE), Serdes.String(), tallySerde).withCachingDisabled()));
        builder.addStateStore(FlushHookStore.builder(Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(TallyProcessor.CLOCK_STORE), Serdes.String(), Serdes.Long())
                .withCachingDisabled()));

        // Duplicates can arrive as long as any window still takes their event.
        Duration remembered = windowing.windows().stream().max(Duration::compareTo).orElse(Duration.ZERO)
                .plus(windowing.grace());
        Counting counting = new Counting(remembered, onDecoded, onDeadLetter, onDuplicate);
        decoded(builder, Topics.STEPS, new StepEventDeserializer(), counting)
                .merge(decoded(builder, Topics.VALIDATION_REPLIES, new ValidationReplyDeserializer(), counting))
                .merge(decoded(builder, Topics.RESULTS, new RunResultDeserializer(), counting))
                .selectKey((key, c) -> c.groupKey(), Named.as("by-agent-version-key"))
                .repartition(Repartitioned.with(Serdes.String(), new ContributionSerde()).withName("by-agent-version"))
                .process(() -> new TallyProcessor(windowing), Named.as("fold"), TOTALS_STORE, WINDOWS_STORE,
                        TallyProcessor.CLOCK_STORE)
                .to(Topics.AGGREGATES, Produced.with(Serdes.String(), AGGREGATES).withName("aggregates-out"));
        return builder.build();
    }

    /** How decoded records are counted: how long identities are remembered, and who hears of what. */
    private record Counting(Duration remembered, Consumer<Event> onDecoded, Consumer<String> onDeadLetter,
            Consumer<String> onDuplicate) {
    }

    /** The good contributions of one topic, each once; its bad records go to its dead-letter topic. */
    private static <E extends Event> KStream<String, Contribution> decoded(StreamsBuilder builder, String topic,
            ContractDeserializer<E> deserializer,
            Counting counting) {
        String name = topic.substring(Topics.PREFIX.length()).replace('.', '-');
        String seen = "seen-" + name;
        builder.addStateStore(Stores.windowStoreBuilder(Stores.persistentWindowStore(seen, counting.remembered(),
                Duration.ofMillis(1), false), Serdes.String(), Serdes.Long()).withCachingDisabled());
        Consumer<String> onDeadLetter = counting.onDeadLetter();
        var split = builder.stream(topic, Consumed.with(Serdes.String(), Serdes.ByteArray()).withName(name + "-in"))
                .process(() -> new DecodeProcessor<>(deserializer), Named.as(name + "-decode"))
                .split(Named.as(name + "-"))
                .branch((key, d) -> d.isOk(), Branched.as("ok"))
                .defaultBranch(Branched.as("refused"));
        split.get(name + "-refused")
                .process(() -> new DeadLetterProcessor(topic, onDeadLetter), Named.as(name + "-dead-letter"))
                .to(Topics.dlq(topic), Produced.with(Serdes.String(), Serdes.ByteArray()).withName(name + "-dlq"));
        return split.get(name + "-ok")
                .process(() -> new DedupProcessor(seen, topic, counting.onDecoded(), counting.onDuplicate()),
                        Named.as(name + "-dedup"), seen)
                .mapValues(Decoded::contribution, Named.as(name + "-contribution"));
    }
}

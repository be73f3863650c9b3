package io.patinox.analyzer;

import io.patinox.analyzer.messaging.AggregationTopology;
import io.patinox.analyzer.messaging.BoundedRocksDbConfig;
import io.patinox.analyzer.service.Scope;
import io.patinox.analyzer.service.Tally;
import io.patinox.analyzer.service.Windowing;
import io.patinox.contracts.events.Event;
import io.patinox.testkit.KafkaBrokerResource;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.apache.kafka.streams.state.QueryableStoreTypes;

/** The analyzer's topology run outside Quarkus, with the service's Kafka Streams settings, for restart tests. */
public final class StreamsInstance implements AutoCloseable {

    static final Windowing WINDOWING = new Windowing(List.of(Duration.ofMinutes(1), Duration.ofHours(1)),
            Duration.ofSeconds(30), Duration.ofDays(1), Duration.ofMillis(100), 2, 10_000);

    /** {@code kafka-streams.producer.linger.ms} of the service. */
    static final int SERVICE_LINGER_MS = 5;

    final KafkaStreams streams;

    StreamsInstance(String applicationId, Path stateDir, Consumer<Event> onDecoded) {
        this(applicationId, stateDir, onDecoded, new Properties());
    }

    /** An instance with its own aggregation settings (e.g. a tiny in-memory tally cache). */
    StreamsInstance(String applicationId, Path stateDir, Consumer<Event> onDecoded, Windowing windowing) {
        this(applicationId, stateDir, onDecoded, new Properties(), windowing);
    }

    /** An instance with some settings overridden (benchmark: guarantee, threads). */
    public StreamsInstance(String applicationId, Path stateDir, Consumer<Event> onDecoded, Properties overrides) {
        this(applicationId, stateDir, onDecoded, overrides, WINDOWING);
    }

    private StreamsInstance(String applicationId, Path stateDir, Consumer<Event> onDecoded, Properties overrides,
            Windowing windowing) {
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaBrokerResource.bootstrapServers());
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 100);
        p.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, 10 * 1024 * 1024);
        p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, 1);
        p.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, 1);
        p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        p.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");
        p.put(StreamsConfig.producerPrefix(ProducerConfig.LINGER_MS_CONFIG), SERVICE_LINGER_MS);
        // The service's RocksDB budget (application.properties)
        p.put(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG, BoundedRocksDbConfig.class);
        // A crashed stream thread, or a closed instance, stays in the group until its session times out: the
        // broker's minimum (6 s) instead of the 45 s default, so the restart tests wait for the rebalance briefly.
        p.put(StreamsConfig.consumerPrefix(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG), 6_000);
        p.put(StreamsConfig.consumerPrefix(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG), 1_000);
        p.putAll(overrides);
        streams = new KafkaStreams(AggregationTopology.build(windowing, onDecoded, topic -> {
        }), p);
        // A failed stream thread is replaced: it resumes from the last committed transaction, like a restarted pod.
        streams.setUncaughtExceptionHandler(e -> StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD);
        streams.start();
    }

    /** The totals tally of a group key (agent level), or null (also while the store is not queryable). */
    public Tally total(String groupKey) {
        return total(groupKey, Scope.AGENT);
    }

    /** The totals tally of one scope of a group key, or null (also while the store is not queryable). */
    public Tally total(String groupKey, Scope scope) {
        try {
            return streams.store(StoreQueryParameters.fromNameAndType(AggregationTopology.TOTALS_STORE,
                    QueryableStoreTypes.<String, Tally> keyValueStore())).get(scope.storeKey(groupKey));
        } catch (RuntimeException e) {
            return null;
        }
    }

    @Override
    public void close() {
        streams.close(Duration.ofSeconds(30));
    }
}

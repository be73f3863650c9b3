package io.patinox.testkit;

import io.patinox.contracts.json.Json;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The one Kafka client of the tests: publishes contract records or raw bytes and waits for the broker's
 * acknowledgement, reads whole topics from their beginning, and follows topics as records arrive. Plain
 * Kafka clients with String keys and byte values, so a test sees exactly what a service wrote (including
 * bytes that are not valid JSON, on the dead-letter topics).
 *
 * <pre>{@code
 * var kafka = TestKafka.shared();
 * kafka.send(Topics.TASKS, task.taskId(), task);
 * RunResult result = kafka.await(Topics.RESULTS, task.taskId(), RunResult.class, 1, Duration.ofSeconds(30)).get(0);
 * }</pre>
 */
public final class TestKafka implements AutoCloseable {

    private static TestKafka shared;

    private final String bootstrap;
    private final KafkaProducer<String, byte[]> producer;

    private TestKafka(String bootstrap) {
        this.bootstrap = bootstrap;
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        // The dead-letter tests publish records larger than the default 1 MB request limit allows with headroom.
        p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 8 * 1024 * 1024);
        producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
    }

    /** The client of the test JVM's shared broker ({@link SharedTestBroker}), started on first use, never closed. */
    public static synchronized TestKafka shared() {
        if (shared == null) {
            shared = new TestKafka(SharedTestBroker.bootstrapServers());
        }
        return shared;
    }

    /** A client of the broker at {@code bootstrap} (e.g. one a test restarts); close it when done. */
    public static TestKafka on(String bootstrap) {
        return new TestKafka(bootstrap);
    }

    /** The broker's address. */
    public String bootstrap() {
        return bootstrap;
    }

    // --- publishing

    /** Publishes a contract record as JSON under {@code key} and waits for the acknowledgement. */
    public void send(String topic, String key, Object event) {
        send(new ProducerRecord<>(topic, key, Json.encode(event)));
    }

    /** Publishes raw bytes (e.g. a record that is not valid JSON) and waits for the acknowledgement. */
    public void sendRaw(String topic, String key, byte[] value) {
        send(new ProducerRecord<>(topic, key, value));
    }

    /** Publishes a record with headers or a partition of its own and waits for the acknowledgement. */
    public void send(ProducerRecord<String, byte[]> record) {
        try {
            producer.send(record).get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("cannot publish to " + record.topic(), e);
        }
    }

    /** Publishes without waiting (e.g. a reply that must not hold up the thread answering requests). */
    public void sendAsync(ProducerRecord<String, byte[]> record) {
        producer.send(record);
    }

    /** A record for {@link #send(ProducerRecord)}: {@code event} as JSON with the given headers. */
    public static ProducerRecord<String, byte[]> record(String topic, String key, Object event, Map<String, String> headers) {
        byte[] value = event instanceof byte[] bytes ? bytes : Json.encode(event);
        var record = new ProducerRecord<>(topic, key, value);
        headers.forEach((name, v) -> record.headers().add(name, v.getBytes(StandardCharsets.UTF_8)));
        return record;
    }

    // --- reading whole topics

    /** Every record of {@code topic} that matches, from the beginning up to the end as of now. */
    public List<ConsumerRecord<String, byte[]>> readAll(String topic, Predicate<ConsumerRecord<String, byte[]>> filter) {
        List<ConsumerRecord<String, byte[]>> found = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = consumer(null)) {
            List<TopicPartition> partitions = partitions(consumer, topic);
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (System.nanoTime() < deadline
                    && partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                    if (filter.test(r)) {
                        found.add(r);
                    }
                }
            }
        }
        return found;
    }

    /** The values of every record of {@code topic} with key {@code key}, decoded as {@code type}, as of now. */
    public <T> List<T> readAll(String topic, String key, Class<T> type) {
        return readAll(topic, r -> key.equals(r.key())).stream().map(r -> Json.decode(r.value(), type)).toList();
    }

    /**
     * Reads {@code topic} from the beginning until {@code count} records match or {@code timeout} passes, and
     * returns the matching records (fewer if the time ran out: assert on the size).
     */
    public List<ConsumerRecord<String, byte[]>> await(String topic, Predicate<ConsumerRecord<String, byte[]>> filter,
            int count, Duration timeout) {
        List<ConsumerRecord<String, byte[]>> found = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = consumer(null)) {
            List<TopicPartition> partitions = partitions(consumer, topic);
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long deadline = System.nanoTime() + timeout.toNanos();
            while (found.size() < count && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                    if (filter.test(r)) {
                        found.add(r);
                    }
                }
            }
        }
        return found;
    }

    /** {@link #await(String, Predicate, int, Duration)} for the records with key {@code key}, decoded as {@code type}. */
    public <T> List<T> await(String topic, String key, Class<T> type, int count, Duration timeout) {
        return await(topic, r -> key.equals(r.key()), count, timeout).stream().map(r -> Json.decode(r.value(), type)).toList();
    }

    // --- following topics

    /** Follows {@code topic} from its beginning, committed records only (read_committed). Close it when done. */
    public Follower follow(String topic) {
        return new Follower(consumer("read_committed"), topic, true, null);
    }

    /**
     * Follows {@code topic} from its end as of now (e.g. replies to the requests a test is about to send),
     * on the given partitions only, or on all of them when none are given. Close it when done.
     */
    public Follower followFromEnd(String topic, int... partitions) {
        return new Follower(consumer(null), topic, false, partitions);
    }

    /**
     * A consumer that keeps every record it polled and the latest value per key; polled from one thread.
     */
    public static final class Follower implements AutoCloseable {
        private final KafkaConsumer<String, byte[]> consumer;
        private final List<ConsumerRecord<String, byte[]>> records = new CopyOnWriteArrayList<>();
        private final Map<String, byte[]> latest = new ConcurrentHashMap<>();

        private Follower(KafkaConsumer<String, byte[]> consumer, String topic, boolean fromBeginning, int[] only) {
            this.consumer = consumer;
            List<TopicPartition> partitions = only == null || only.length == 0 ? partitions(consumer, topic)
                    : java.util.Arrays.stream(only).mapToObj(p -> new TopicPartition(topic, p)).toList();
            consumer.assign(partitions);
            if (fromBeginning) {
                consumer.seekToBeginning(partitions);
            } else {
                consumer.seekToEnd(partitions);
            }
            // Resolve the positions now, so that what is published after this constructor returns is seen.
            partitions.forEach(consumer::position);
        }

        /** Polls once, briefly, and returns what arrived in that poll. */
        public List<ConsumerRecord<String, byte[]>> poll() {
            List<ConsumerRecord<String, byte[]>> arrived = new ArrayList<>();
            for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                arrived.add(r);
                if (r.key() != null && r.value() != null) {
                    latest.put(r.key(), r.value());
                }
            }
            records.addAll(arrived);
            return arrived;
        }

        /** Every record polled so far, in order. */
        public List<ConsumerRecord<String, byte[]>> records() {
            return records;
        }

        /** The latest value polled for {@code key}, decoded as {@code type}, or null. */
        public <T> T latest(String key, Class<T> type) {
            byte[] value = latest.get(key);
            return value == null ? null : Json.decode(value, type);
        }

        /** The keys polled so far (of records with a value). */
        public Set<String> keys() {
            return Collections.unmodifiableSet(latest.keySet());
        }

        /** The values of every record polled so far with key {@code key}, decoded as {@code type}. */
        public <T> List<T> values(String key, Class<T> type) {
            return records.stream().filter(r -> key.equals(r.key())).map(r -> Json.decode(r.value(), type)).toList();
        }

        @Override
        public void close() {
            consumer.close(Duration.ofSeconds(5));
        }
    }

    // --- headers

    /** A header's value as text, or null. */
    public static String header(ConsumerRecord<?, ?> record, String name) {
        Header h = record.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    /** Every header of a record as text (the last value of each name). */
    public static Map<String, String> headers(ConsumerRecord<?, ?> record) {
        Map<String, String> headers = new java.util.LinkedHashMap<>();
        for (Header h : record.headers()) {
            headers.put(h.key(), h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8));
        }
        return headers;
    }

    /** The trace id of a record's W3C {@code traceparent} header ({@code 00-<trace>-<span>-<flags>}), or null. */
    public static String traceId(ConsumerRecord<?, ?> record) {
        String traceparent = header(record, "traceparent");
        return traceparent == null ? null : traceparent.split("-")[1];
    }

    /** The values of {@code records}, decoded as {@code type}. */
    public static <T> List<T> decode(Collection<ConsumerRecord<String, byte[]>> records, Class<T> type) {
        return records.stream().map(r -> Json.decode(r.value(), type)).toList();
    }

    @Override
    public void close() {
        if (this != shared) {
            producer.close(Duration.ofSeconds(5));
        }
    }

    private KafkaConsumer<String, byte[]> consumer(String isolation) {
        Properties c = new Properties();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        c.put(ConsumerConfig.CLIENT_ID_CONFIG, "test-" + UUID.randomUUID());
        c.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 8 * 1024 * 1024);
        if (isolation != null) {
            c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation);
        }
        return new KafkaConsumer<>(c, new StringDeserializer(), new ByteArrayDeserializer());
    }

    private static List<TopicPartition> partitions(KafkaConsumer<String, byte[]> consumer, String topic) {
        return consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                .map(i -> new TopicPartition(i.topic(), i.partition())).toList();
    }
}

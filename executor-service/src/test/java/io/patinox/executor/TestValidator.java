package io.patinox.executor;

import io.patinox.contracts.events.ValidationReply;
import io.patinox.contracts.events.ValidationRequest;
import io.patinox.contracts.json.Json;
import io.patinox.contracts.topics.ReplyHeaders;
import io.patinox.contracts.topics.Topics;
import io.patinox.contracts.verdict.Verdict;
import io.patinox.deploy.local.KafkaBrokerResource;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
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
 * Plays the validator service in tests with plain Kafka clients: reads every validation request and
 * answers on the reply topic named in its headers, copying the correlation id. What it answers is decided
 * per task id ({@link #on}); unknown tasks get an immediate {@code Allow}. One instance per test JVM.
 */
public final class TestValidator {

    /** How to answer one request: a verdict after a delay, or {@code null} verdict for no answer at all. */
    public record Answer(Verdict verdict, long delayMillis) {
        public static Answer now(Verdict verdict) {
            return new Answer(verdict, 0);
        }

        public static Answer silent() {
            return new Answer(null, 0);
        }
    }

    /** A request seen and, if answered, when the reply was handed to the producer. */
    public record Seen(ValidationRequest request, Map<String, String> headers, Instant receivedAt, Instant replySentAt) {
    }

    private static TestValidator instance;

    private final Map<String, Function<ValidationRequest, Answer>> behaviours = new ConcurrentHashMap<>();
    private final List<Seen> seen = new CopyOnWriteArrayList<>();
    private final KafkaProducer<String, byte[]> producer;
    private final KafkaConsumer<String, byte[]> consumer;

    private TestValidator(String bootstrap) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        producer = new KafkaProducer<>(p);
        Properties c = new Properties();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        consumer = new KafkaConsumer<>(c);
        List<TopicPartition> partitions = consumer.partitionsFor(Topics.VALIDATION_REQUESTS, Duration.ofSeconds(30)).stream()
                .map(i -> new TopicPartition(i.topic(), i.partition())).toList();
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        partitions.forEach(consumer::position);
        Thread t = new Thread(this::loop, "test-validator");
        t.setDaemon(true);
        t.start();
    }

    /** The validator of this test JVM, started on first use. */
    public static synchronized TestValidator get() {
        if (instance == null) {
            instance = new TestValidator(KafkaBrokerResource.bootstrapServers());
        }
        return instance;
    }

    /** Answers the requests of {@code taskId} with {@code behaviour}. */
    public void on(String taskId, Function<ValidationRequest, Answer> behaviour) {
        behaviours.put(taskId, behaviour);
    }

    /** The requests seen for {@code taskId}, in arrival order. */
    public List<Seen> seen(String taskId) {
        return seen.stream().filter(s -> s.request().taskId().equals(taskId)).toList();
    }

    private void loop() {
        while (true) {
            for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(100))) {
                Instant received = Instant.now();
                ValidationRequest request = Json.decode(record.value(), ValidationRequest.class);
                Map<String, String> headers = new ConcurrentHashMap<>();
                for (Header h : record.headers()) {
                    if (!h.key().equals(ReplyHeaders.CORRELATION_ID)) {
                        headers.put(h.key(), new String(h.value(), StandardCharsets.UTF_8));
                    }
                }
                Answer answer = behaviours.getOrDefault(request.taskId(), r -> Answer.now(Verdict.allow())).apply(request);
                if (answer.verdict() == null) {
                    seen.add(new Seen(request, headers, received, null));
                    continue;
                }
                if (answer.delayMillis() > 0) {
                    // Delayed answers go out on their own thread, so other requests are not held up.
                    new Thread(() -> {
                        sleep(answer.delayMillis());
                        seen.add(new Seen(request, headers, received, reply(record, request, answer.verdict())));
                    }).start();
                } else {
                    seen.add(new Seen(request, headers, received, reply(record, request, answer.verdict())));
                }
            }
        }
    }

    private Instant reply(ConsumerRecord<String, byte[]> record, ValidationRequest request, Verdict verdict) {
        String topic = new String(record.headers().lastHeader(ReplyHeaders.REPLY_TOPIC).value(), StandardCharsets.UTF_8);
        var reply = new ProducerRecord<String, byte[]>(topic, request.runId(),
                Json.encode(ValidationReply.answering(request, "test", verdict, List.of(), 0, Instant.now())));
        reply.headers().add(ReplyHeaders.CORRELATION_ID, record.headers().lastHeader(ReplyHeaders.CORRELATION_ID).value());
        Instant sentAt = Instant.now();
        producer.send(reply);
        return sentAt;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

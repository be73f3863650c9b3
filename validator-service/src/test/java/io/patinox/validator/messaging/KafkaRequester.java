package io.patinox.validator.messaging;

import io.patinox.contracts.events.ValidationReply;
import io.patinox.contracts.json.Json;
import io.patinox.contracts.topics.ReplyHeaders;
import io.patinox.contracts.topics.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
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
 * A requester built on the plain Kafka clients, speaking the request-reply header protocol the way the
 * executor does: it reads one partition of the reply topic and names it in every request.
 */
final class KafkaRequester implements AutoCloseable {

    /** A reply as it arrived, with the record's key and headers. */
    record Received(String key, ValidationReply reply, Map<String, byte[]> headers) {
        String header(String name) {
            byte[] v = headers.get(name);
            return v == null ? null : new String(v, StandardCharsets.UTF_8);
        }
    }

    static final int REPLY_PARTITION = 2;

    private final KafkaProducer<String, byte[]> producer;
    private final KafkaConsumer<String, byte[]> consumer;
    private final Map<String, Received> replies = new ConcurrentHashMap<>();

    KafkaRequester(String bootstrap) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
        Properties c = new Properties();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        consumer = new KafkaConsumer<>(c, new StringDeserializer(), new ByteArrayDeserializer());
        TopicPartition tp = new TopicPartition(Topics.VALIDATION_REPLIES, REPLY_PARTITION);
        consumer.assign(List.of(tp));
        consumer.seekToEnd(List.of(tp));
        consumer.position(tp);
    }

    /** Sends a request body (any bytes) with the given correlation id and optional extra headers. */
    void send(String key, byte[] value, String correlationId, Map<String, String> extraHeaders) {
        var record = new ProducerRecord<>(Topics.VALIDATION_REQUESTS, key, value);
        record.headers().add(ReplyHeaders.CORRELATION_ID, correlationId.getBytes(StandardCharsets.UTF_8));
        record.headers().add(ReplyHeaders.REPLY_TOPIC, Topics.VALIDATION_REPLIES.getBytes(StandardCharsets.UTF_8));
        record.headers().add(ReplyHeaders.REPLY_PARTITION, ReplyHeaders.partitionToBytes(REPLY_PARTITION));
        extraHeaders.forEach((k, v) -> record.headers().add(k, v.getBytes(StandardCharsets.UTF_8)));
        producer.send(record);
        producer.flush();
    }

    /** Reads what arrived; call from one thread only. */
    void poll() {
        for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(100))) {
            Map<String, byte[]> headers = new ConcurrentHashMap<>();
            for (Header h : r.headers()) {
                headers.put(h.key(), h.value());
            }
            byte[] correlation = headers.get(ReplyHeaders.CORRELATION_ID);
            if (correlation != null) {
                replies.put(new String(correlation, StandardCharsets.UTF_8),
                        new Received(r.key(), Json.decode(r.value(), ValidationReply.class), headers));
            }
        }
    }

    Received reply(String correlationId) {
        return replies.get(correlationId);
    }

    List<String> correlationIds() {
        return new ArrayList<>(replies.keySet());
    }

    @Override
    public void close() {
        producer.close();
        consumer.close();
    }
}

package io.patinox.executor.messaging;

import io.smallrye.common.annotation.Identifier;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The common settings of the executor's plain Kafka clients ({@link ValidationGateway}, the run journal):
 * every {@code kafka.*} property (and {@code KAFKA_*} environment variable), exactly as Quarkus hands them
 * to the SmallRye channels — so {@code kafka.security.protocol}, {@code kafka.sasl.mechanism},
 * {@code kafka.sasl.jaas.config}, {@code kafka.ssl.truststore.*} and the like secure every client at once.
 * {@link #producer} and {@link #consumer} add what every such client sets; each client adds its own timeouts.
 */
@ApplicationScoped
public class KafkaClientSettings {

    @Inject
    @Identifier("default-kafka-broker")
    Map<String, Object> defaults;

    /** A fresh copy of the shared settings, with {@code bootstrap.servers} set. */
    public Properties base(String bootstrap) {
        Properties p = new Properties();
        defaults.forEach((key, value) -> {
            if (value != null && !String.valueOf(value).isEmpty()) {
                p.put(key, value);
            }
        });
        p.put("bootstrap.servers", bootstrap);
        return p;
    }

    /**
     * A producer's settings: every record acknowledged by all in-sync replicas, idempotent, sent at once;
     * {@code String} keys, {@code byte[]} values (the contract codec's JSON).
     */
    public Properties producer(String bootstrap, String clientId) {
        Properties p = base(bootstrap);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        p.put(ProducerConfig.CLIENT_ID_CONFIG, clientId + "-" + UUID.randomUUID());
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        return p;
    }

    /**
     * A consumer's settings for a follower that assigns its partitions itself ({@link ConsumerLoop}): no group,
     * nothing committed; {@code String} keys, {@code byte[]} values.
     */
    public Properties consumer(String bootstrap, String clientId) {
        Properties p = base(bootstrap);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId + "-" + UUID.randomUUID());
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        return p;
    }
}

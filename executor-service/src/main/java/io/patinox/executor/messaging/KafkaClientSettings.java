package io.patinox.executor.messaging;

import io.smallrye.common.annotation.Identifier;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Map;
import java.util.Properties;

/**
 * The common settings of the executor's plain Kafka clients ({@link ValidationGateway}, the run journal):
 * every {@code kafka.*} property (and {@code KAFKA_*} environment variable), exactly as Quarkus hands them
 * to the SmallRye channels — so {@code kafka.security.protocol}, {@code kafka.sasl.mechanism},
 * {@code kafka.sasl.jaas.config}, {@code kafka.ssl.truststore.*} and the like secure every client at once.
 * Each client then sets its own serializers, client id and delivery guarantees on top.
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
}

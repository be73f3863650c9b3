package io.patinox.executor.messaging;

import java.time.Duration;
import java.util.Properties;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;

/**
 * The plain Kafka clients of one executor component outside SmallRye (the validation gateway, the run journal): a
 * producer and a {@link ConsumerLoop} follower, started together and stopped together. {@link #stop()} ends the
 * follower's thread first, then closes the producer, waiting a few seconds for records in flight.
 *
 * @param producer the producer ({@code String} keys, {@code byte[]} values)
 * @param follower the follower, reading on a thread of its own
 */
public record PlainKafkaClients(KafkaProducer<String, byte[]> producer, ConsumerLoop<String, byte[]> follower) {

    private static final Duration CLOSE_WAIT = Duration.ofSeconds(5);

    /**
     * Creates the producer and the follower and starts the follower's thread.
     *
     * @param producerSettings the producer's settings ({@link KafkaClientSettings#producer})
     * @param followerName the follower thread's name
     * @param consumerSettings the follower's consumer settings ({@link KafkaClientSettings#consumer})
     * @param reader what the follower reads and how
     * @param failure what it means when the follower dies of an error, for the log
     */
    public static PlainKafkaClients start(Properties producerSettings, String followerName, Properties consumerSettings,
            ConsumerLoop.Reader<String, byte[]> reader, String failure) {
        KafkaProducer<String, byte[]> producer = new KafkaProducer<>(producerSettings);
        ConsumerLoop<String, byte[]> follower;
        try {
            follower = new ConsumerLoop<>(followerName, new KafkaConsumer<>(consumerSettings), reader, failure);
        } catch (RuntimeException e) {
            producer.close(Duration.ZERO);
            throw e;
        }
        follower.start();
        return new PlainKafkaClients(producer, follower);
    }

    /** Stops the follower (waiting for its thread), then closes the producer. */
    public void stop() {
        follower.stop();
        producer.close(CLOSE_WAIT);
    }
}

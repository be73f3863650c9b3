package io.patinox.testkit;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/**
 * The shared Quarkus test resource: one real KRaft broker per test JVM on 127.0.0.1 (see
 * {@link SharedTestBroker}), with every topic of the mesh created up front. Every {@code @QuarkusTest}
 * of every service uses it, so all test classes of a module share one broker however often Quarkus
 * restarts the application between them.
 */
public class KafkaBrokerResource implements QuarkusTestResourceLifecycleManager {

    @Override
    public Map<String, String> start() {
        return Map.of(
                "kafka.bootstrap.servers", bootstrapServers(),
                "quarkus.kafka.devservices.enabled", "false",
                "quarkus.kafka-streams.devservices.enabled", "false");
    }

    @Override
    public void stop() {
        // The broker lives as long as the test JVM; a shutdown hook stops it.
    }

    /** The running broker's address, starting it on first use. */
    public static String bootstrapServers() {
        return SharedTestBroker.bootstrapServers();
    }
}

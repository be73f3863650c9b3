package io.patinox.deploy.local;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/**
 * The shared Quarkus test resource: one real KRaft broker per test JVM on 127.0.0.1, with every topic
 * of the mesh created up front. Every {@code @QuarkusTest} of every service uses it, so all test classes
 * of a module share one broker however often Quarkus restarts the application between them.
 *
 * <p>Set {@code -Dpatinox.test.kafka.bootstrap=host:port} to run the tests against a broker that is
 * already running instead (e.g. a Testcontainers or Strimzi one where a container engine exists).
 */
public class KafkaBrokerResource implements QuarkusTestResourceLifecycleManager {

    private static final Object LOCK = new Object();
    private static String bootstrap;
    private static LocalBroker broker;

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
        synchronized (LOCK) {
            if (bootstrap == null) {
                String external = System.getProperty("patinox.test.kafka.bootstrap");
                if (external != null && !external.isBlank()) {
                    bootstrap = external;
                } else {
                    broker = LocalBroker.start(LocalBroker.Options.ephemeral());
                    bootstrap = broker.bootstrapServers();
                    Runtime.getRuntime().addShutdownHook(new Thread(broker::close, "patinox-test-broker-stop"));
                    System.out.printf("patinox: test broker on %s started in %d ms%n", bootstrap,
                            broker.startupTime().toMillis());
                }
                TopicSetup.ensureAll(bootstrap);
            }
            return bootstrap;
        }
    }
}

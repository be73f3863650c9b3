package io.patinox.testkit;

import io.patinox.deploy.local.LocalBroker;
import io.patinox.deploy.local.TopicSetup;

/**
 * One real broker per test JVM, started on first use with every topic of the mesh created, and stopped
 * by a shutdown hook. Plain JUnit tests use it directly; Quarkus tests through {@link KafkaBrokerResource}.
 *
 * <p>
 * Set {@code -Dpatinox.test.kafka.bootstrap=host:port} to run the tests against a broker that is
 * already running instead (e.g. a Testcontainers or Strimzi one where a container engine exists).
 */
public final class SharedTestBroker {

    private static final Object LOCK = new Object();
    private static String bootstrap;

    private SharedTestBroker() {
    }

    /** The running broker's address, starting it on first use. */
    public static String bootstrapServers() {
        synchronized (LOCK) {
            if (bootstrap == null) {
                String external = System.getProperty("patinox.test.kafka.bootstrap");
                if (external != null && !external.isBlank()) {
                    bootstrap = external;
                } else {
                    LocalBroker broker = LocalBroker.start(LocalBroker.Options.ephemeral());
                    bootstrap = broker.bootstrapServers();
                    Runtime.getRuntime().addShutdownHook(new Thread(broker::close, "patinox-test-broker-stop"));
                    System.out.printf("patinox: test broker on %s started in %d ms%n", bootstrap,
                            broker.startupTime().toMillis());
                    // Quarkus tests load this class again in their own class loader: a JVM-wide property
                    // lets every copy find the broker that is already running instead of starting another.
                    System.setProperty("patinox.test.kafka.bootstrap", bootstrap);
                }
                TopicSetup.ensureAll(bootstrap);
            }
            return bootstrap;
        }
    }
}

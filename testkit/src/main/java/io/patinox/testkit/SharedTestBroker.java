package io.patinox.testkit;

import io.patinox.deploy.local.LocalBroker;
import io.patinox.deploy.local.TopicSetup;
import java.util.Deque;
import java.util.concurrent.ConcurrentLinkedDeque;

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
    /** What must close while the broker still answers, last registered first. */
    private static final Deque<Runnable> BEFORE_STOP = new ConcurrentLinkedDeque<>();

    private SharedTestBroker() {
    }

    /** The running broker's address, starting it on first use. */
    public static String bootstrapServers() {
        synchronized (LOCK) {
            if (bootstrap == null) {
                String external = System.getProperty("patinox.test.kafka.bootstrap");
                if (external != null && !external.isBlank()) {
                    bootstrap = external;
                    Runtime.getRuntime()
                            .addShutdownHook(new Thread(SharedTestBroker::runBeforeStop, "patinox-test-clients-stop"));
                } else {
                    LocalBroker broker = LocalBroker.start(LocalBroker.Options.ephemeral());
                    bootstrap = broker.bootstrapServers();
                    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                        runBeforeStop();
                        broker.close();
                    }, "patinox-test-broker-stop"));
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

    /**
     * Runs {@code action} when the JVM exits, before this JVM's broker stops: processes that use the broker (the
     * services of an end-to-end test) then shut down against a broker that still answers, instead of retrying a
     * vanished one until they are killed. JVM shutdown hooks run in no particular order, so a hook of one's own
     * could not promise that.
     */
    public static void beforeStop(Runnable action) {
        bootstrapServers();
        BEFORE_STOP.push(action);
    }

    private static void runBeforeStop() {
        for (Runnable action : BEFORE_STOP) {
            try {
                action.run();
            } catch (RuntimeException e) {
                System.err.println("patinox: a test resource failed to stop: " + e);
            }
        }
    }
}

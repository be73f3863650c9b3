package io.patinox.deploy.local;

import io.smallrye.reactive.messaging.kafka.companion.test.EmbeddedKafkaBroker;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;

/**
 * A real single-node Kafka broker (KRaft: broker and controller in one process) bound to one host,
 * 127.0.0.1 by default. With a data directory its logs survive a restart (the cluster id is kept beside
 * them); without one it uses a temporary directory that is deleted on close.
 */
public final class LocalBroker implements AutoCloseable {

    /** How to start the broker. */
    public record Options(String host, int port, int controllerPort, Path dataDir) {
        /** 127.0.0.1, free ports, a temporary data directory. */
        public static Options ephemeral() {
            return new Options("127.0.0.1", 0, 0, null);
        }

        /** Fixed ports and a data directory that survives restarts. */
        public static Options persistent(String host, int port, int controllerPort, Path dataDir) {
            return new Options(host, port, controllerPort, dataDir);
        }
    }

    private final EmbeddedKafkaBroker broker;
    private final Duration startup;

    private LocalBroker(EmbeddedKafkaBroker broker, Duration startup) {
        this.broker = broker;
        this.startup = startup;
    }

    /** Starts a broker and returns once it accepts connections. */
    public static LocalBroker start(Options options) {
        long begin = System.nanoTime();
        EmbeddedKafkaBroker broker = new EmbeddedKafkaBroker()
                .withKafkaHost(options.host())
                .withKafkaPort(options.port())
                .withControllerPort(options.controllerPort())
                .withDeleteLogDirsOnClose(options.dataDir() == null);
        Path logs = options.dataDir() == null ? null : options.dataDir().resolve("logs").toAbsolutePath();
        if (logs != null) {
            broker.withClusterId(clusterId(options.dataDir()));
        }
        // The companion keeps only the last properties modifier: everything goes into this one.
        broker.withAdditionalProperties(p -> {
            if (logs != null) {
                p.put("log.dir", logs.toString());
            }
            // One node: nothing to replicate to, and a restart must not wait for peers.
            p.put("min.insync.replicas", "1");
            p.put("auto.create.topics.enable", "true");
            // Compacted topics (aggregates) should compact soon enough to be observable locally.
            p.put("log.cleaner.backoff.ms", "1000");
        });
        broker.start();
        return new LocalBroker(broker, Duration.ofNanos(System.nanoTime() - begin));
    }

    /** The cluster id kept beside the logs, so that a restart finds its formatted storage. */
    private static String clusterId(Path dataDir) {
        try {
            Files.createDirectories(dataDir);
            Path file = dataDir.resolve("cluster.id");
            if (Files.exists(file)) {
                return Files.readString(file, StandardCharsets.UTF_8).trim();
            }
            String id = org.apache.kafka.common.Uuid.randomUuid().toString();
            Files.writeString(file, id, StandardCharsets.UTF_8);
            return id;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare broker data directory " + dataDir, e);
        }
    }

    /** The address clients connect to, e.g. {@code 127.0.0.1:9092}. */
    public String bootstrapServers() {
        String listeners = broker.getAdvertisedListeners();
        // "PLAINTEXT://127.0.0.1:9092" -> "127.0.0.1:9092"
        return listeners.substring(listeners.indexOf("//") + 2);
    }

    /** How long the start took. */
    public Duration startupTime() {
        return startup;
    }

    @Override
    public void close() {
        broker.close();
    }

    /** A random, valid id for tests that need one. */
    static String randomId() {
        return UUID.randomUUID().toString();
    }
}

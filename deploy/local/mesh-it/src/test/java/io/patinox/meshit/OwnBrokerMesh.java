package io.patinox.meshit;

import io.patinox.deploy.local.LocalBroker;
import io.patinox.deploy.local.TopicSetup;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.List;

/**
 * A validator and an executor against a broker of their own (persistent data, fixed ports), for the classes that stop
 * the broker or kill services beside the shared mesh's classes (junit-platform.properties). One per test JVM, started
 * on first use and stopped when the JVM exits; its classes take turns through the {@link #LOCK} resource lock.
 */
final class OwnBrokerMesh {

    /** The resource lock of the classes that use it: they kill its services or stop its broker. */
    static final String LOCK = "io.patinox.meshit.own-broker-mesh";

    private static OwnBrokerMesh instance;

    private final LocalBroker.Options options;
    private volatile LocalBroker broker;
    final RunningMesh mesh;

    private OwnBrokerMesh() {
        try {
            options = LocalBroker.Options.persistent("127.0.0.1", RunningMesh.freePort(), RunningMesh.freePort(),
                    Files.createTempDirectory("patinox-own-broker"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        broker = LocalBroker.start(options);
        TopicSetup.ensureAll(broker.bootstrapServers());
        mesh = RunningMesh.create(broker.bootstrapServers(), List.of("validator", "executor"));
    }

    static synchronized OwnBrokerMesh get() {
        if (instance == null) {
            OwnBrokerMesh own = new OwnBrokerMesh();
            // The services stop before their broker does.
            Runtime.getRuntime().addShutdownHook(new Thread(own::close, "patinox-own-broker-mesh-stop"));
            own.mesh.startWarm();
            instance = own;
        }
        return instance;
    }

    /** Stops the broker, as an outage or a rolling restart would; {@link #startBroker()} brings it back. */
    void stopBroker() {
        broker.close();
    }

    /** Starts the broker again, on the same ports and with the same data. */
    void startBroker() {
        broker = LocalBroker.start(options);
    }

    private void close() {
        mesh.close();
        broker.close();
    }
}

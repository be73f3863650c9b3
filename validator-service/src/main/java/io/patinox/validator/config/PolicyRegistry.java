package io.patinox.validator.config;

import io.patinox.validator.builtin.BuiltInValidators;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * The policies in force and the config version they came from. Loaded at start from
 * {@code patinox.config.dir}; an invalid policy stops the start with a message naming file and field.
 */
@ApplicationScoped
@Startup
public class PolicyRegistry {

    private static final Logger LOG = Logger.getLogger(PolicyRegistry.class);

    /** The policies and their version, swapped as one. */
    public record Snapshot(Map<String, Policy> policies, String configVersion) {
    }

    private final Path configDir;
    private final PolicyLoader loader;
    private volatile Snapshot snapshot;

    PolicyRegistry(@ConfigProperty(name = "patinox.config.dir", defaultValue = "config") String configDir,
                   ValidatorConfig config) {
        this.configDir = Path.of(configDir).toAbsolutePath().normalize();
        this.loader = new PolicyLoader(BuiltInValidators.factories(), config.defaultTimeout());
        this.snapshot = load();
        LOG.infof("Loaded policies %s from %s (config version %s)", snapshot.policies().keySet(), this.configDir,
                snapshot.configVersion());
    }

    private Snapshot load() {
        return new Snapshot(Map.copyOf(loader.loadAll(configDir)), ConfigVersion.of(configDir));
    }

    /** The policies and config version in force. */
    public Snapshot current() {
        return snapshot;
    }

    /** The policy named {@code name}, if loaded. */
    public Optional<Policy> policy(String name) {
        return Optional.ofNullable(snapshot.policies().get(name));
    }

    /**
     * Loads the config directory again; on error the policies in force stay and the error is thrown.
     *
     * @return the new snapshot
     */
    public synchronized Snapshot reload() {
        Snapshot next = load();
        snapshot = next;
        LOG.infof("Reloaded policies %s (config version %s)", next.policies().keySet(), next.configVersion());
        return next;
    }
}

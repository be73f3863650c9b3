package io.patinox.executor.config;

import io.patinox.contracts.config.ConfigVersion;
import io.quarkus.runtime.Startup;
import io.quarkus.scheduler.Scheduled;
import io.quarkus.scheduler.Scheduled.ConcurrentExecution;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * The agents of the config directory ({@code patinox.config.dir}, files {@code agents/*.yaml}), loaded at
 * start: an invalid file stops the start with a message naming the file and the field. The directory is
 * then checked for changes every {@code patinox.executor.config-reload-interval} by the Quarkus scheduler
 * ({@link #check()}); a changed, valid config replaces the old one (and fires {@link ConfigReloaded}); an invalid
 * one is refused, logged, and the last good config stays in force.
 */
@Startup
@ApplicationScoped
public class AgentRegistry {

    private static final Logger LOG = Logger.getLogger(AgentRegistry.class);

    /** Fired after a changed config was loaded; clients built from the old one should be dropped. */
    public record ConfigReloaded(String version) {
    }

    @ConfigProperty(name = "patinox.config.dir", defaultValue = "config")
    String configDir;

    @ConfigProperty(name = "patinox.executor.config-reload-interval")
    Duration reloadInterval;

    @Inject
    Event<ConfigReloaded> reloaded;

    private volatile Map<String, AgentDefinition> agents = Map.of();
    private volatile String version = ConfigVersion.UNVERSIONED;
    private volatile String fingerprint = "";
    private volatile String lastError;

    @PostConstruct
    void load() {
        Path dir = configDir();
        fingerprint = fingerprint(dir);
        agents = loadAgents(dir.resolve("agents"));
        version = ConfigVersion.of(dir);
        LOG.infof("Loaded %d agent(s) %s from %s at config version %s", agents.size(), agents.keySet(), dir, version);
    }

    /** The scheduler's check; a check still running when the next is due makes that one skip. Zero: no checks. */
    @Scheduled(identity = "agent-config-watcher", every = "${patinox.executor.config-reload-interval}", delayed = "${patinox.executor.config-reload-interval}", concurrentExecution = ConcurrentExecution.SKIP)
    void check() {
        if (reloadInterval.isZero()) {
            return;
        }
        try {
            reloadIfChanged();
        } catch (RuntimeException e) {
            LOG.warn("Config check failed", e);
        }
    }

    /**
     * Reloads the config if its files or commit changed.
     *
     * @return true when a new config is now in force
     */
    public synchronized boolean reloadIfChanged() {
        Path dir = configDir();
        String now = fingerprint(dir);
        if (now.equals(fingerprint)) {
            // Same files, maybe a new commit of them (dirty → committed): only the version changes.
            String v = ConfigVersion.of(dir);
            if (!v.equals(version) && lastError == null) {
                LOG.infof("Config version now %s (was %s)", v, version);
                version = v;
            }
            return false;
        }
        fingerprint = now;
        try {
            Map<String, AgentDefinition> loaded = loadAgents(dir.resolve("agents"));
            agents = loaded;
            version = ConfigVersion.of(dir);
            lastError = null;
            LOG.infof("Reloaded %d agent(s) %s at config version %s", loaded.size(), loaded.keySet(), version);
            if (reloaded != null) {
                reloaded.fire(new ConfigReloaded(version));
            }
            return true;
        } catch (InvalidAgentConfig e) {
            lastError = e.getMessage();
            LOG.errorf("Refused the changed config, keeping version %s: %s", version, e.getMessage());
            return false;
        }
    }

    /** Why the last changed config was refused, or null when the config in force is the newest. */
    public String lastError() {
        return lastError;
    }

    /** Reads every {@code *.yaml}/{@code *.yml} file of {@code agentsDir}. */
    public static Map<String, AgentDefinition> loadAgents(Path agentsDir) {
        if (!Files.isDirectory(agentsDir)) {
            throw new InvalidAgentConfig(
                    "agent directory " + agentsDir.toAbsolutePath() + " does not exist (set patinox.config.dir)", null);
        }
        Map<String, AgentDefinition> loaded = new TreeMap<>();
        try {
            for (Path file : ConfigDirectory.yamlFiles(agentsDir)) {
                AgentDefinition agent = AgentFileReader.read(file);
                loaded.put(agent.name(), agent);
            }
        } catch (IOException e) {
            throw new InvalidAgentConfig("cannot list " + agentsDir + ": " + e.getMessage(), e);
        }
        return Map.copyOf(loaded);
    }

    /** Names, sizes and modification times of the agent and script files: cheap to compute every few seconds. */
    static String fingerprint(Path dir) {
        return ConfigDirectory.fingerprint(dir, "agents", "scripts");
    }

    /** The agent named {@code name}, if the config defines it. */
    public Optional<AgentDefinition> find(String name) {
        return Optional.ofNullable(agents.get(name));
    }

    /** Every agent, by name. */
    public Map<String, AgentDefinition> all() {
        return agents;
    }

    /** The config version stamped on events: commit id, {@code -dirty}, or {@code unversioned}. */
    public String version() {
        return version;
    }

    /** The config directory. */
    public Path configDir() {
        return Path.of(configDir);
    }
}
